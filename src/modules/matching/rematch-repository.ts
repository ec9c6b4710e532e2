import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import { STRONG_SCORE } from './rules.js';

/** One stored suggestion of a batch, as the store statement reads it (jsonb_to_recordset). */
export interface SuggestionRow {
  person_id: string;
  offer_id: string;
  preset: string;
  rank: number;
  score: number;
  /** { terms, facts } of the Match: every term stored with its value (STYLE.md, « Matching and scoring »). */
  terms: unknown;
}

export interface RunRow {
  id: string;
  persons_total: number;
  persons_done: number;
  last_person_id: string | null;
}

/**
 * A run left 'running' for longer than this was not interrupted last night but long ago (the
 * nightly pass takes minutes): it is closed as failed and a fresh pass starts, rather than
 * resuming a pass whose first half is days old.
 */
const STALE_RUN_HOURS = 20;

/** The re-match's SQL (issue 11 §1 « nightly and on change »): tensions, stored suggestions, runs. */
export function rematchRepository(db: Db) {
  return {
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),

    /**
     * Offers and seekers per (employment zone, métier), from Passerelle's own data, in one
     * statement: published offers not expired (match_offer holds published offers only) and the
     * persons who want the métier (a 'wanted' target) living in the zone. A zone and métier with
     * offers but no seeker, or seekers but no offer, is kept (the full join): 0 is a fact.
     */
    async refreshTensions(today: string): Promise<number> {
      return db.transaction().execute(async (tx) => {
        await sql`delete from match_tension`.execute(tx);
        const r = await sql`
          insert into match_tension (zone_code, metier_code, offers, seekers)
          select coalesce(o.zone_code, s.zone_code), coalesce(o.metier_code, s.metier_code),
            coalesce(o.n, 0), coalesce(s.n, 0)
          from (
            select zone_code, metier_code, count(*)::int n from match_offer
            where zone_code is not null and (expires_on is null or expires_on >= ${today}::date)
            group by zone_code, metier_code
          ) o
          full join (
            select mp.zone_code, t.metier_code, count(*)::int n
            from match_person_target t join match_person mp on mp.person_id = t.person_id
            where t.via = 'wanted' and mp.zone_code is not null
            group by mp.zone_code, t.metier_code
          ) s on s.zone_code = o.zone_code and s.metier_code = o.metier_code`.execute(tx);
        return Number(r.numAffectedRows ?? 0);
      });
    },

    /** The run to go on with (a 'running' one, recent), else a new one over every person. */
    async startOrResumeRun(): Promise<RunRow & { resumed: boolean }> {
      await sql`update match_run set status = 'failed', finished_at = now(), error = 'abandonné (non terminé)'
        where status = 'running' and started_at < now() - make_interval(hours => ${STALE_RUN_HOURS})`.execute(
        db,
      );
      const running = await db
        .selectFrom('match_run')
        .select(['id', 'persons_total', 'persons_done', 'last_person_id'])
        .where('status', '=', 'running')
        .orderBy('started_at', 'desc')
        .executeTakeFirst();
      if (running) return { ...running, resumed: true };
      const created = await db
        .insertInto('match_run')
        .values({ persons_total: sql`(select count(*) from match_person)::int` })
        .returning(['id', 'persons_total', 'persons_done', 'last_person_id'])
        .executeTakeFirstOrThrow();
      return { ...created, resumed: false };
    },

    async finishRun(id: string, error?: string) {
      await db
        .updateTable('match_run')
        .set({ status: error ? 'failed' : 'done', finished_at: sql`now()`, error: error ?? null })
        .where('id', '=', id)
        .execute();
    },

    async run(id: string) {
      return db.selectFrom('match_run').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The next persons after `after`, in id order (the primary key's index: a range scan). */
    async personIdsAfter(after: string | null, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('match_person')
        .select('person_id')
        .$if(after !== null, (q) => q.where('person_id', '>', after as string))
        .orderBy('person_id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.person_id);
    },

    /** Of these ids, those with matching features (a file erased meanwhile has none). */
    /**
     * The persons whose file or preset changed since the last pass that finished (full or of
     * changes), and when this pass starts: its start becomes the next pass's watermark, so a change
     * made during a pass is taken by the next one.
     */
    async changedSince(): Promise<{ since: Date | null; ids: string[] }> {
      const { rows } = await sql<{ since: Date | null }>`
        select max(started_at) as since from match_run where status = 'done'`.execute(db);
      const since = rows[0]?.since ?? null;
      if (since === null)
        return {
          since,
          ids: (await db.selectFrom('match_person').select('person_id').execute()).map((r) => r.person_id),
        };
      const changed = await sql<{ id: string }>`
        select p.id from person p where p.updated_at >= ${since}
        union select s.person_id from match_setting s where s.updated_at >= ${since}
        order by 1`.execute(db);
      return { since, ids: changed.rows.map((r) => r.id) };
    },

    /** A pass over the changed files, recorded as a finished run (the next pass's watermark). */
    async recordChangesPass(startedAt: Date, persons: number, suggestions: number, strongNew: number) {
      await db
        .insertInto('match_run')
        .values({
          started_at: startedAt,
          finished_at: sql`now()`,
          status: 'done',
          persons_total: persons,
          persons_done: persons,
          suggestions,
          strong_new: strongNew,
        } as never)
        .execute();
    },

    async existingPersons(ids: string[]): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('match_person')
        .select('person_id')
        .where('person_id', 'in', ids)
        .orderBy('person_id')
        .execute();
      return rows.map((r) => r.person_id);
    },

    /**
     * Replaces the batch's stored suggestions in one statement: rows no longer in a person's top
     * are deleted, the others upserted (first_suggested_at kept: when it was first suggested), and
     * the new strong ones (score ≥ STRONG_SCORE, not among the person's stored suggestions before
     * this statement: every CTE reads the same snapshot) become one outbox event per person. A
     * person's first match notifies too: a new file's strong matches are news to its counsellor.
     * Measured on the demo: one statement per batch instead of one per row (20 × 500 rows).
     */
    async storeBatch(
      tx: Db,
      personIds: string[],
      rows: SuggestionRow[],
    ): Promise<{ suggestions: number; strongNew: number; events: number }> {
      markAudited('persons', 'write', { matchSuggestions: rows.length });
      const { rows: out } = await sql<{ suggestions: number; strong_new: number; events: number }>`
        with input as (
          select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as x(person_id uuid, offer_id uuid, preset text, rank int, score float8, terms jsonb)
        ),
        removed as (
          delete from match_suggestion s where s.person_id = any(${personIds}::uuid[])
            and not exists (select 1 from input i where i.person_id = s.person_id and i.offer_id = s.offer_id)
          returning 1
        ),
        stored as (
          insert into match_suggestion (person_id, offer_id, preset, rank, score, terms)
          select person_id, offer_id, preset, rank, score, terms from input
          on conflict (person_id, offer_id) do update set preset = excluded.preset, rank = excluded.rank,
            score = excluded.score, terms = excluded.terms, computed_at = now()
          returning 1
        ),
        strong as (
          select i.person_id, array_agg(i.offer_id order by i.rank) offer_ids from input i
          where i.score >= ${STRONG_SCORE}::float8
            and not exists (select 1 from match_suggestion s where s.person_id = i.person_id and s.offer_id = i.offer_id)
          group by i.person_id
        ),
        events as (
          insert into domain_event (type, payload)
          select 'match.strong_suggestions', jsonb_build_object('personId', s.person_id,
            'referentOrganisationId', mp.referent_organisation_id, 'offerIds', to_jsonb(s.offer_ids))
          from strong s join match_person mp on mp.person_id = s.person_id
          order by s.person_id
          returning 1
        )
        select (select count(*) from stored)::int as suggestions,
          (select coalesce(sum(cardinality(offer_ids)), 0) from strong)::int as strong_new,
          (select count(*) from events)::int as events,
          (select count(*) from removed)::int as removed`.execute(tx);
      const r = out[0]!;
      return {
        suggestions: Number(r.suggestions),
        strongNew: Number(r.strong_new),
        events: Number(r.events),
      };
    },

    /** The batch's progress, in the batch's transaction: a resumed run starts after its last person. */
    async advanceRun(
      tx: Db,
      id: string,
      batch: { persons: number; lastPersonId: string; suggestions: number; strongNew: number },
    ) {
      await tx
        .updateTable('match_run')
        .set({
          persons_done: sql`persons_done + ${batch.persons}`,
          last_person_id: batch.lastPersonId,
          suggestions: sql`suggestions + ${batch.suggestions}`,
          strong_new: sql`strong_new + ${batch.strongNew}`,
        })
        .where('id', '=', id)
        .execute();
    },
  };
}

export type RematchRepository = ReturnType<typeof rematchRepository>;
