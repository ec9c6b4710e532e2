import { type Insertable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

/** An organisation of the demo region, with the employment zone and department of its commune. */
export interface DemoOrganisation {
  id: string;
  name: string;
  kind: string;
  communeCode: string | null;
  zoneCode: string | null;
  departmentCode: string | null;
}
/** A member who follows people (counsellor or administrator), as the timeline names them. */
export interface DemoFollower {
  userId: string;
  organisationId: string;
  email: string;
  /** « Prénom Nom » */
  name: string;
}
export interface DemoPathwayPerson {
  id: string;
  referentOrganisationId: string;
  birthDate: string;
  situations: string[];
}
export interface DemoSession {
  id: string;
  organisationId: string;
  /** As the orientation repository's sessionTarget names it. */
  label: string;
  startDate: string;
  endDate: string;
}
export interface DemoAppellation {
  code: string;
  label: string;
}

/** What the pathways' demo draws from: the demo region the modules before it seeded. */
export interface DemoSources {
  organisations: DemoOrganisation[];
  followers: DemoFollower[];
  persons: DemoPathwayPerson[];
  sessions: DemoSession[];
  appellations: DemoAppellation[];
}

/** Every row the demo writes, table by table, in insertion order (foreign keys first). */
export interface DemoPathwayRows {
  siae_position: Insertable<Database['siae_position']>[];
  eligibility_diagnosis: Insertable<Database['eligibility_diagnosis']>[];
  eligibility_criterion: Insertable<Database['eligibility_criterion']>[];
  orientation: Insertable<Database['orientation']>[];
  orientation_transition: Insertable<Database['orientation_transition']>[];
  approval: Insertable<Database['approval']>[];
  approval_suspension: Insertable<Database['approval_suspension']>[];
  approval_prolongation: Insertable<Database['approval_prolongation']>[];
  iae_contract: Insertable<Database['iae_contract']>[];
  iae_contract_hours: Insertable<Database['iae_contract_hours']>[];
  iae_exit: Insertable<Database['iae_exit']>[];
  person_share: Insertable<Database['person_share']>[];
  pathway_event: Insertable<Database['pathway_event']>[];
  pathway_member: Insertable<Database['pathway_member']>[];
  cta_commitment: Insertable<Database['cta_commitment']>[];
}
export const DEMO_TABLES: readonly (keyof DemoPathwayRows)[] = [
  'siae_position',
  'eligibility_diagnosis',
  'eligibility_criterion',
  'orientation',
  'orientation_transition',
  'approval',
  'approval_suspension',
  'approval_prolongation',
  'iae_contract',
  'iae_contract_hours',
  'iae_exit',
  'person_share',
  'pathway_event',
  'pathway_member',
  'cta_commitment',
];

const BATCH = 2000;

/** The pathways demo's SQL: what it draws from, the PASS numbers it reserves, its batched inserts. */
export function pathwaysDemoRepository(db: Db) {
  return {
    async hasPathways() {
      return !!(await db.selectFrom('orientation').select('id').limit(1).executeTakeFirst());
    },

    async sources(): Promise<DemoSources> {
      const { rows: organisations } = await sql<DemoOrganisation>`
        select o.id, o.name, o.kind, o.commune_code as "communeCode", z.zone_code as "zoneCode",
          c.department_code as "departmentCode"
        from organisation o
        left join commune c on c.code = o.commune_code
        left join commune_employment_zone z on z.commune_code = o.commune_code
        order by o.name, o.id`.execute(db);
      // Counsellors and administrators: the roles that follow people (persons/rights.ts FILE_ROLES).
      const { rows: followers } = await sql<DemoFollower>`
        select u.id as "userId", m.organisation_id as "organisationId", u.email,
          u.first_name || ' ' || u.last_name as name
        from membership m join app_user u on u.id = m.user_id
        where m.role in ('conseiller', 'administrateur') and u.is_active
        order by m.role desc, u.email, m.organisation_id`.execute(db);
      // The public employment service's files (persons/demo.ts holders), in a stable order.
      const { rows: persons } = await sql<DemoPathwayPerson>`
        select p.id, p.referent_organisation_id as "referentOrganisationId", p.birth_date::text as "birthDate",
          p.situations
        from person p join organisation o on o.id = p.referent_organisation_id
        where o.kind in ('france_travail', 'mission_locale', 'cap_emploi')
        order by p.name_key, p.birth_date, p.id`.execute(db);
      // Sessions of training organisations registered on Passerelle (the orientation's receivers).
      const { rows: sessions } = await sql<DemoSession>`
        select s.id, pr.organisation_id as "organisationId",
          t.title || ' — session du ' || to_char(s.start_date, 'DD/MM/YYYY') as label,
          s.start_date::text as "startDate", s.end_date::text as "endDate"
        from training_session s join training_action a on a.id = s.action_id join training t on t.id = a.training_id
        join training_provider pr on pr.id = t.provider_id join organisation org on org.id = pr.organisation_id
        where s.status = 'active' and org.kind = 'organisme_formation'
        order by s.start_date, s.lheo_number`.execute(db);
      const { rows: appellations } = await sql<DemoAppellation>`
        select code, label from rome_appellation order by code`.execute(db);
      return { organisations, followers, persons, sessions, appellations };
    },

    /**
     * The next PASS IAE number of approval_number_seq (drawn as the IAE service draws it): the
     * generator numbers its approvals from it, then approvalNumbersUsed moves the sequence past them.
     */
    async firstApprovalNumber(): Promise<number> {
      const { rows } = await sql<{ n: string }>`select nextval('approval_number_seq') as n`.execute(db);
      return Number(rows[0]!.n);
    },
    async approvalNumbersUsed(first: number, count: number) {
      // setval(n, true): the next nextval gives n + 1; with none used, `first` is given again.
      if (count > 0) await sql`select setval('approval_number_seq', ${first + count - 1}, true)`.execute(db);
      else await sql`select setval('approval_number_seq', ${first}, false)`.execute(db);
    },

    /**
     * Inserts every table by batches of 2,000 rows, in one transaction. Each batch is one JSON
     * parameter read back by jsonb_populate_recordset with the table's own row type (measured on
     * PGlite, the demo's ~10,000 rows: 3.7 s with multi-row VALUES of bound parameters, 2.2 s so).
     */
    async insert(rows: DemoPathwayRows) {
      await db.transaction().execute(async (tx) => {
        for (const table of DEMO_TABLES) {
          const values = rows[table] as Record<string, unknown>[];
          if (!values.length) continue;
          const columns = [...new Set(values.flatMap((v) => Object.keys(v)))];
          const list = sql.join(columns.map((c) => sql.ref(c)));
          for (let i = 0; i < values.length; i += BATCH) {
            const batch = JSON.stringify(values.slice(i, i + BATCH));
            // A file may already be shared by consent (persons' demo): that share stays.
            const conflict =
              table === 'person_share' ? sql`on conflict (person_id, organisation_id) do nothing` : sql``;
            await sql`insert into ${sql.table(table)} (${list})
              select ${list} from jsonb_populate_recordset(null::${sql.table(table)}, ${batch}::jsonb) ${conflict}`.execute(
              tx,
            );
          }
        }
      });
    },
  };
}
