import { type Insertable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { PersonTable } from '../../db/schema.js';
import { markAudited } from '../../shared/audit.js';

/** A person's row as the service writes it (the columns a counsellor fills). */
export type PersonValues = Omit<
  Insertable<PersonTable>,
  'id' | 'referent_organisation_id' | 'created_by' | 'created_at' | 'updated_at' | 'version' | 'past_jobs'
> & { past_jobs: { appellationCode: string; months: number }[] };

/** Who may read a file, without reading it (no audited data: names and facets stay unread). */
export interface FileAccess {
  id: string;
  referentOrganisationId: string;
  sharedWith: string[];
  version: number;
  /** For an edit of one name: the duplicate key is recomputed from both. */
  lastName: string;
  firstName: string;
}

/**
 * The person file's SQL: the access check, the file read (audited: markAudited), its writes
 * (audited, on the service's transaction) and its history. The list and the duplicate search are in
 * list-repository.ts.
 */
export function personRepository(db: Db) {
  return {
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),

    async access(id: string): Promise<FileAccess | undefined> {
      const { rows } = await sql<FileAccess>`
        select p.id, p.referent_organisation_id as "referentOrganisationId", p.version,
          p.last_name as "lastName", p.first_name as "firstName",
          coalesce((select array_agg(s.organisation_id::text) from person_share s where s.person_id = p.id
            and (s.until is null or s.until >= current_date)), '{}') as "sharedWith"
        from person p where p.id = ${id}::uuid`.execute(db);
      return rows[0];
    },

    /** The whole file, with the names of its commune, appellations and organisations. */
    async file(id: string) {
      markAudited('persons', 'read', { personId: id });
      const row = await db
        .selectFrom('person as p')
        .innerJoin('organisation as o', 'o.id', 'p.referent_organisation_id')
        .leftJoin('commune as c', 'c.code', 'p.commune_code')
        .selectAll('p')
        .select(['o.name as referent_name', 'c.name as commune_name', 'c.department_code'])
        .where('p.id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      const codes = [...row.wanted_jobs, ...row.past_jobs.map((j) => j.appellationCode)];
      const appellations = codes.length
        ? await db
            .selectFrom('rome_appellation')
            .select(['code', 'label'])
            .where('code', 'in', codes)
            .execute()
        : [];
      const skills = row.skills.length
        ? await db
            .selectFrom('rome_skill')
            .select(['code', 'label'])
            .where('code', 'in', row.skills)
            .execute()
        : [];
      const shares = await db
        .selectFrom('person_share as s')
        .innerJoin('organisation as o', 'o.id', 's.organisation_id')
        .leftJoin('app_user as u', 'u.id', 's.recorded_by')
        .select([
          's.organisation_id',
          'o.name',
          's.consent_on',
          's.recorded_by_label',
          'u.first_name as recorded_by_first_name',
          'u.last_name as recorded_by_last_name',
          's.shared_at',
          's.basis',
          's.until',
        ])
        .where('s.person_id', '=', id)
        .orderBy('s.shared_at')
        .execute();
      return {
        row,
        labels: new Map(appellations.map((a) => [a.code, a.label])),
        skillLabels: new Map(skills.map((s) => [s.code, s.label])),
        shares,
      };
    },

    async history(id: string) {
      markAudited('persons', 'read', { personId: id });
      return db
        .selectFrom('person_history as h')
        .leftJoin('organisation as o', 'o.id', 'h.organisation_id')
        .leftJoin('app_user as u', 'u.id', 'h.actor_user_id')
        .select([
          'h.id',
          'h.occurred_at',
          'h.action',
          'h.actor_label',
          'u.first_name as actor_first_name',
          'u.last_name as actor_last_name',
          'o.name as organisation_name',
          'h.details',
        ])
        .where('h.person_id', '=', id)
        .orderBy('h.id', 'desc')
        .limit(200)
        .execute();
    },

    async insert(
      tx: Db,
      values: PersonValues & { referent_organisation_id: string; created_by: string | null },
    ): Promise<string> {
      markAudited('persons', 'write');
      const row = await tx
        .insertInto('person')
        .values({ ...values, past_jobs: JSON.stringify(values.past_jobs) })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** The edit, if the file is still at `version`; null when another edit came first. */
    async update(tx: Db, id: string, version: number, values: Partial<PersonValues>): Promise<number | null> {
      markAudited('persons', 'write');
      const { past_jobs, ...rest } = values;
      const row = await tx
        .updateTable('person')
        .set({
          ...rest,
          ...(past_jobs !== undefined ? { past_jobs: JSON.stringify(past_jobs) } : {}),
          version: sql`version + 1`,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .where('version', '=', version)
        .returning('version')
        .executeTakeFirst();
      return row?.version ?? null;
    },

    async share(
      tx: Db,
      share: {
        personId: string;
        organisationId: string;
        consentOn: string;
        recordedBy: string | null;
        recordedByLabel: string;
      },
    ) {
      markAudited('persons', 'write');
      await tx
        .insertInto('person_share')
        .values({
          person_id: share.personId,
          organisation_id: share.organisationId,
          consent_on: share.consentOn,
          recorded_by: share.recordedBy,
          recorded_by_label: share.recordedByLabel,
        })
        .onConflict((oc) =>
          oc.columns(['person_id', 'organisation_id']).doUpdateSet({
            consent_on: share.consentOn,
            recorded_by: share.recordedBy,
            recorded_by_label: share.recordedByLabel,
          }),
        )
        .execute();
    },

    /**
     * Issue 12 §1: an accepted orientation shares the file with the receiving organisation for the
     * time it accompanies the person. A share by consent is kept as it is (it has no end).
     */
    async grantForOrientation(
      tx: Db,
      share: {
        personId: string;
        organisationId: string;
        on: string;
        recordedBy: string | null;
        recordedByLabel: string;
      },
    ) {
      markAudited('persons', 'write');
      await tx
        .insertInto('person_share')
        .values({
          person_id: share.personId,
          organisation_id: share.organisationId,
          consent_on: share.on,
          recorded_by: share.recordedBy,
          recorded_by_label: share.recordedByLabel,
          basis: 'orientation',
          until: null,
        })
        .onConflict((oc) =>
          oc
            .columns(['person_id', 'organisation_id'])
            .doUpdateSet({ until: null })
            .where('person_share.basis', '=', 'orientation'),
        )
        .execute();
    },

    /** Sets the end of an orientation's share (after the exit): the nightly job removes it then. */
    async endOrientationShare(tx: Db, personId: string, organisationId: string, until: string) {
      markAudited('persons', 'write');
      await tx
        .updateTable('person_share')
        .set({ until })
        .where('person_id', '=', personId)
        .where('organisation_id', '=', organisationId)
        .where('basis', '=', 'orientation')
        .execute();
    },

    /** Removes the orientation shares whose end has passed (the list's person_access follows by trigger). */
    async purgeEndedShares(today: string) {
      const r = await db
        .deleteFrom('person_share')
        .where('basis', '=', 'orientation')
        .where('until', '<', today)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async addHistory(
      tx: Db,
      entry: {
        personId: string;
        action: string;
        actorLabel: string;
        actorUserId: string | null;
        organisationId: string | null;
        details: Record<string, unknown>;
      },
    ) {
      await tx
        .insertInto('person_history')
        .values({
          person_id: entry.personId,
          action: entry.action,
          actor_label: entry.actorLabel,
          actor_user_id: entry.actorUserId,
          organisation_id: entry.organisationId,
          details: JSON.stringify(entry.details),
        })
        .execute();
    },

    /** The outbox (domain_event, migration 0003): a change's event, in its transaction. */
    async recordEvent(tx: Db, type: string, actorUserId: string | null, payload: Record<string, unknown>) {
      await tx
        .insertInto('domain_event')
        .values({ type, actor_user_id: actorUserId, payload: JSON.stringify(payload) })
        .execute();
    },

    /** An organisation a file may be shared with: its name and kind, or undefined. */
    async organisation(id: string) {
      return db
        .selectFrom('organisation')
        .select(['id', 'name', 'kind'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** Organisations of the given kinds, by name (the share form's choices). */
    async organisationsOfKinds(kinds: readonly string[]) {
      return db
        .selectFrom('organisation')
        .select(['id', 'name'])
        .where('kind', 'in', [...kinds] as never[])
        .orderBy('name')
        .execute();
    },

    async appellationsExisting(codes: string[]): Promise<Set<string>> {
      if (!codes.length) return new Set();
      const rows = await db
        .selectFrom('rome_appellation')
        .select('code')
        .where('code', 'in', codes)
        .execute();
      return new Set(rows.map((r) => r.code));
    },

    async skillsExisting(codes: string[]): Promise<Set<string>> {
      if (!codes.length) return new Set();
      const rows = await db.selectFrom('rome_skill').select('code').where('code', 'in', codes).execute();
      return new Set(rows.map((r) => r.code));
    },

    /** Labels of ROME 4.0 skill codes (a form shown back with the labels of what was chosen). */
    async skillLabels(codes: string[]): Promise<Map<string, string>> {
      if (!codes.length) return new Map();
      const rows = await db
        .selectFrom('rome_skill')
        .select(['code', 'label'])
        .where('code', 'in', codes)
        .execute();
      return new Map(rows.map((r) => [r.code, r.label]));
    },

    /**
     * The core skills (« cœur de métier », ROME 4.0 métier ↔ skill links, core = principale) of the
     * métiers of these appellations that the person has not declared yet: what a person wanting these
     * jobs is most likely to have or need (issue 10 §1). By label, `limit` of them.
     */
    async coreSkillsOfAppellations(appellationCodes: string[], except: string[], limit: number) {
      if (!appellationCodes.length) return [];
      return db
        .selectFrom('rome_appellation as a')
        .innerJoin('rome_metier_skill as ms', 'ms.metier_code', 'a.metier_code')
        .innerJoin('rome_skill as s', 's.code', 'ms.skill_code')
        .select(['s.code', 's.label'])
        .distinct()
        .where('a.code', 'in', appellationCodes)
        .where('ms.core', '=', 'principale')
        .$if(except.length > 0, (q) => q.where('s.code', 'not in', except))
        .orderBy('s.label')
        .limit(limit)
        .execute();
    },

    async communeExists(code: string): Promise<boolean> {
      return !!(await db.selectFrom('commune').select('code').where('code', '=', code).executeTakeFirst());
    },
  };
}

export type PersonRepository = ReturnType<typeof personRepository>;
