import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { PersonValues } from './repository.js';

/** The demo's SQL: what it draws from (organisations, communes, appellations) and its batched inserts. */
export function demoRepository(db: Db) {
  return {
    async hasPersons() {
      return !!(await db.selectFrom('person').select('id').limit(1).executeTakeFirst());
    },
    /** The demo's public employment service: France Travail, Missions locales, Cap emploi. */
    holders() {
      return db
        .selectFrom('organisation')
        .select(['id', 'kind'])
        .where('kind', 'in', ['france_travail', 'mission_locale', 'cap_emploi'])
        .orderBy('name')
        .execute();
    },
    /**
     * Appellations with the core skills of their ROME 4.0 métier (« cœur de métier », principale):
     * the skills a demo person declares come from the jobs they did or want, as a counsellor's do.
     */
    async appellations(): Promise<{ code: string; coreSkills: string[] }[]> {
      const { rows } = await sql<{ code: string; coreSkills: string[] }>`
        select a.code, coalesce(array(
          select ms.skill_code from rome_metier_skill ms
          where ms.metier_code = a.metier_code and ms.core = 'principale' order by ms.skill_code
        ), '{}') as "coreSkills"
        from rome_appellation a order by a.code limit 3000`.execute(db);
      return rows;
    },
    /** Inserts the files by batches of 500, then their shares. */
    async insert(
      rows: (PersonValues & { referent_organisation_id: string; created_by: null })[],
      shares: { index: number; organisationId: string; consentOn: string }[],
    ) {
      await db.transaction().execute(async (tx) => {
        const ids: string[] = [];
        for (let i = 0; i < rows.length; i += 500) {
          const batch = rows.slice(i, i + 500).map((r) => ({ ...r, past_jobs: JSON.stringify(r.past_jobs) }));
          const inserted = await tx.insertInto('person').values(batch).returning('id').execute();
          ids.push(...inserted.map((r) => r.id));
        }
        if (shares.length)
          await tx
            .insertInto('person_share')
            .values(
              shares.map((s) => ({
                person_id: ids[s.index]!,
                organisation_id: s.organisationId,
                consent_on: s.consentOn,
                recorded_by: null,
                recorded_by_label: 'démonstration',
              })),
            )
            .execute();
      });
    },
  };
}
