import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';

export const PERSONS_PAGE_SIZE = 20;

/** The list's filters, checked by the service (codes of rules.ts, dates as ISO strings). */
export interface ListFilters {
  organisationId: string;
  /** Name tokens (normalised like name_key) and the same text as a France Travail id. */
  nameTokens: string[];
  franceTravailId: string | null;
  scope: 'all' | 'referent' | 'shared';
  situation: string | null;
  /** A sensitive situation filters the organisation's own files only (rights.ts). */
  situationReferentOnly: boolean;
  bornAfter: string | null;
  bornOnOrBefore: string | null;
  department: string | null;
  commune: string | null;
  availableOn: string | null;
  page: number;
}

export interface PersonListRow {
  id: string;
  lastName: string;
  firstName: string;
  birthDate: string;
  communeName: string | null;
  departmentCode: string | null;
  availableFrom: string | null;
  isReferent: boolean;
  referentName: string;
  wantedJob: string | null;
  updatedAt: Date;
}

/** « Mes personnes » (audited: a list of named people is personal data) and the duplicate search. */
export function personListRepository(db: Db) {
  return {
    async list(f: ListFilters): Promise<{ total: number; items: PersonListRow[] }> {
      markAudited('persons', 'read');
      const org = f.organisationId;
      const shared = sql`exists (select 1 from person_share s where s.person_id = p.id and s.organisation_id = ${org}::uuid)`;
      const where: RawBuilder<unknown>[] = [
        f.scope === 'referent'
          ? sql`p.referent_organisation_id = ${org}::uuid`
          : f.scope === 'shared'
            ? shared
            : // The files held and those shared, as one set of ids: each half uses its index
              // (person_referent, person_share_organisation), where « referent = org or exists(…) »
              // read the whole person table (bench/persons.ts, EXPLAIN ANALYZE).
              sql`p.id in (select r.id from person r where r.referent_organisation_id = ${org}::uuid
                union all select s.person_id from person_share s where s.organisation_id = ${org}::uuid)`,
      ];
      // The search box: every name token in the normalised names, or the France Travail id as typed.
      const byName = f.nameTokens.length
        ? sql`(${sql.join(
            f.nameTokens.map((t) => sql`p.name_key like ${`%${t}%`}`),
            sql` and `,
          )})`
        : null;
      const byId = f.franceTravailId ? sql`p.france_travail_id = ${f.franceTravailId}` : null;
      if (byName && byId) where.push(sql`(${byName} or ${byId})`);
      else if (byName ?? byId) where.push((byName ?? byId)!);
      if (f.situation) {
        where.push(sql`p.situations @> array[${f.situation}]::text[]`);
        if (f.situationReferentOnly) where.push(sql`p.referent_organisation_id = ${org}::uuid`);
      }
      if (f.bornAfter) where.push(sql`p.birth_date > ${f.bornAfter}::date`);
      if (f.bornOnOrBefore) where.push(sql`p.birth_date <= ${f.bornOnOrBefore}::date`);
      if (f.department) where.push(sql`c.department_code = ${f.department}`);
      if (f.commune) where.push(sql`p.commune_code = ${f.commune}`);
      if (f.availableOn)
        where.push(sql`(p.available_from is null or p.available_from <= ${f.availableOn}::date)`);
      const filter = sql.join(where, sql` and `);
      const from = sql`from person p left join commune c on c.code = p.commune_code where ${filter}`;
      const [count, page] = await Promise.all([
        sql<{ n: number }>`select count(*)::int as n ${from}`.execute(db),
        sql<PersonListRow>`
          select p.id, p.last_name as "lastName", p.first_name as "firstName", p.birth_date as "birthDate",
            c.name as "communeName", c.department_code as "departmentCode", p.available_from as "availableFrom",
            p.referent_organisation_id = ${org}::uuid as "isReferent", o.name as "referentName",
            (select a.label from rome_appellation a where a.code = p.wanted_jobs[1]) as "wantedJob",
            p.updated_at as "updatedAt"
          ${sql`from person p left join commune c on c.code = p.commune_code
            join organisation o on o.id = p.referent_organisation_id where ${filter}`}
          order by p.last_name, p.first_name, p.id
          limit ${PERSONS_PAGE_SIZE} offset ${(f.page - 1) * PERSONS_PAGE_SIZE}`.execute(db),
      ]);
      return { total: count.rows[0]?.n ?? 0, items: page.rows };
    },

    /**
     * The organisations holding a file that may be this person's: same normalised names and birth
     * date, or same France Travail id, across all organisations. Only their names come back: the
     * other file itself is not read (issue 10: ask its holder to share it).
     */
    async possibleDuplicates(key: string, birthDate: string, franceTravailId: string | null) {
      const { rows } = await sql<{ organisationId: string; organisationName: string }>`
        select distinct o.id as "organisationId", o.name as "organisationName"
        from person p join organisation o on o.id = p.referent_organisation_id
        where (p.name_key = ${key} and p.birth_date = ${birthDate}::date)
          ${franceTravailId ? sql`or p.france_travail_id = ${franceTravailId}` : sql``}
        order by o.name`.execute(db);
      return rows;
    },
  };
}
