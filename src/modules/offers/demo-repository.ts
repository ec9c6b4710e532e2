import { type Insertable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { JobOfferTable } from '../../db/schema.js';
import type { OfferState } from './rules.js';

export type DemoOffer = Insertable<JobOfferTable> & { state: OfferState };

/** The demo's SQL: what the generator draws from (publishers, communes, trades, skills) and its inserts. */
export function offerDemoRepository(db: Db) {
  return {
    async hasOffers() {
      return !!(await db.selectFrom('job_offer').select('id').limit(1).executeTakeFirst());
    },
    /** The demo region's employers and SIAE. */
    publishers() {
      return db
        .selectFrom('organisation')
        .select(['id', 'name', 'siret'])
        .where('kind', 'in', ['employeur', 'siae_ai', 'siae_ei', 'siae_etti', 'siae_aci', 'siae_eiti'])
        .orderBy('name')
        .execute();
    },
    /** The demo's France Travail agency: it owns the demo's imported job board feed. */
    franceTravail() {
      return db
        .selectFrom('organisation')
        .select('id')
        .where('kind', '=', 'france_travail')
        .orderBy('name')
        .executeTakeFirst();
    },
    /** Appellations with their trade and métier; `trained`: the trade is one the catalogue trains for. */
    async appellations() {
      const { rows } = await sql<{
        code: string;
        label: string;
        rome_code: string;
        metier_code: string | null;
        trained: boolean;
      }>`
        select a.code, a.label, a.rome_code, a.metier_code,
          a.rome_code in (select distinct unnest(rome_codes) from training) as trained
        from rome_appellation a order by a.code`.execute(db);
      return rows;
    },
    /** The skills of each métier: core ones (principale) first. */
    async metierSkills(): Promise<Map<string, { core: string[]; other: string[] }>> {
      const rows = await db
        .selectFrom('rome_metier_skill')
        .select(['metier_code', 'skill_code', 'core'])
        .execute();
      const map = new Map<string, { core: string[]; other: string[] }>();
      for (const r of rows) {
        const entry = map.get(r.metier_code) ?? { core: [], other: [] };
        (r.core === 'principale' ? entry.core : entry.other).push(r.skill_code);
        map.set(r.metier_code, entry);
      }
      return map;
    },
    /** Inserts the offers by batches of 500, then their transitions (one statement per batch). */
    async insert(rows: DemoOffer[], previous: (OfferState | null)[]) {
      await db.transaction().execute(async (tx) => {
        for (let i = 0; i < rows.length; i += 500) {
          const batch = rows.slice(i, i + 500);
          const ids = await tx.insertInto('job_offer').values(batch).returning('id').execute();
          const lines = ids.flatMap(({ id }, j) => {
            const state = batch[j]!.state;
            const before = previous[i + j] ?? null;
            return [
              ...(before
                ? [
                    {
                      offer_id: id,
                      from_state: null,
                      to_state: before,
                      actor_label: 'démonstration',
                      reason: null,
                    },
                  ]
                : []),
              {
                offer_id: id,
                from_state: before,
                to_state: state,
                actor_label: 'démonstration',
                reason: null,
              },
            ];
          });
          await tx.insertInto('job_offer_transition').values(lines).execute();
        }
      });
    },
  };
}
