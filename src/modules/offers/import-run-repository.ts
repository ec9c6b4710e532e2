import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { OfferSource } from './rights.js';

/** Issues shown per page of an import's report. */
export const ISSUES_PAGE_SIZE = 50;

/** Columns of an import run as its pages and API show it. */
const RUN_COLUMNS = [
  'id',
  'source',
  'file_name',
  'full_feed',
  'started_at',
  'finished_at',
  'status',
  'actor_label',
  'organisation_id',
  'records',
  'created',
  'updated',
  'unchanged',
  'rejected',
  'withdrawn',
  'warnings',
  'withdrawal_held',
  'withdrawal_decision',
  'error',
] as const;

/**
 * The SQL of offer imports run from the web and the API around the importer (import-repository.ts
 * writes the offers): sources and their owners, the runs' list and reports, held withdrawals.
 */
export function importRunRepository(db: Db) {
  return {
    /**
     * A source and its owner. A name offers already carry without a row (imported by the command
     * line, seeded) is the platform's: no organisation may take it over. A refused run writes no
     * offer, so it reserves no name.
     */
    async source(name: string): Promise<OfferSource | undefined> {
      const row = await db
        .selectFrom('job_offer_feed_source')
        .select(['name', 'organisation_id'])
        .where('name', '=', name)
        .executeTakeFirst();
      if (row) return { name: row.name, organisationId: row.organisation_id };
      const used = await db
        .selectFrom('job_offer')
        .select('id')
        .where('source', '=', name)
        .limit(1)
        .executeTakeFirst();
      return used ? { name, organisationId: null } : undefined;
    },

    /** Records a new source with its owner; a name taken meanwhile is left to its first owner. */
    async createSource(source: OfferSource) {
      await db
        .insertInto('job_offer_feed_source')
        .values({ name: source.name, organisation_id: source.organisationId })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    },

    /** Source names an organisation owns (every source: null), in byte order on both engines. */
    async sourceNames(organisationId: string | null): Promise<string[]> {
      const rows = await db
        .selectFrom('job_offer_feed_source')
        .select('name')
        .$if(organisationId !== null, (q) => q.where('organisation_id', '=', organisationId))
        .orderBy(sql`name collate "C"`)
        .limit(200)
        .execute();
      return rows.map((r) => r.name);
    },

    /** What the importer does not record: who ran it, its warnings, a withdrawal it held. */
    async annotate(
      id: string,
      values: { organisationId: string | null; warnings: number; held: number | null },
    ) {
      await db
        .updateTable('job_offer_import')
        .set({
          organisation_id: values.organisationId,
          warnings: values.warnings,
          withdrawal_held: values.held,
        })
        .where('id', '=', id)
        .execute();
    },

    /** A file refused whole before any write (size, structure): a failed run, so the list says so. */
    async recordRefused(run: {
      source: string;
      fileName: string;
      full: boolean;
      actorLabel: string;
      organisationId: string | null;
      error: string;
    }): Promise<string> {
      const row = await db
        .insertInto('job_offer_import')
        .values({
          source: run.source,
          file_name: run.fileName,
          full_feed: run.full,
          actor_label: run.actorLabel,
          organisation_id: run.organisationId,
          status: 'failed',
          error: run.error,
          finished_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** The latest runs: every one (null) or those of an organisation and of the sources it owns. */
    list(organisationId: string | null, limit = 50) {
      return db
        .selectFrom('job_offer_import')
        .select(RUN_COLUMNS)
        .$if(organisationId !== null, (q) =>
          q.where((eb) =>
            eb.or([
              eb('organisation_id', '=', organisationId),
              eb(
                'source',
                'in',
                eb
                  .selectFrom('job_offer_feed_source')
                  .select('name')
                  .where('organisation_id', '=', organisationId),
              ),
            ]),
          ),
        )
        .orderBy('started_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    get(id: string) {
      return db.selectFrom('job_offer_import').select(RUN_COLUMNS).where('id', '=', id).executeTakeFirst();
    },

    /** One page of an import's rejections or warnings, in the feed's order, and their count. */
    async issuePage(importId: string, severity: 'rejection' | 'warning', page: number) {
      const base = db
        .selectFrom('job_offer_import_issue')
        .where('import_id', '=', importId)
        .where('severity', '=', severity);
      const [rows, total] = await Promise.all([
        base
          .select(['record_index', 'record_id', 'field', 'severity', 'message'])
          .orderBy('record_index')
          .orderBy('id')
          .limit(ISSUES_PAGE_SIZE)
          .offset((page - 1) * ISSUES_PAGE_SIZE)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(total.n) };
    },

    /** Every issue of an import, streamed for the downloads (10,000 at most are stored: importer.ts). */
    allIssues(importId: string) {
      return db
        .selectFrom('job_offer_import_issue')
        .select(['record_index', 'record_id', 'field', 'severity', 'message'])
        .where('import_id', '=', importId)
        .orderBy('record_index')
        .orderBy('id')
        .execute();
    },

    /**
     * Fixes the offers a held withdrawal would close: the source's published offers absent from
     * the feed (`seen`: the ids it held, as the importer counts them).
     */
    async hold(importId: string, source: string, seen: string[]): Promise<number> {
      const { rows } = await sql<{ n: number }>`
        with held as (
          insert into job_offer_import_held (import_id, offer_id)
          select ${importId}::uuid, id from job_offer
          where source = ${source} and state = 'published' and not (source_id = any(${seen}::text[]))
          returning 1)
        select count(*)::int as n from held`.execute(db);
      return Number(rows[0]!.n);
    },

    /** Whether a run of the same source started after this one (its file is no longer the feed's latest state). */
    async supersededBy(tx: Db, run: { id: string; source: string; started_at: Date }) {
      const row = await tx
        .selectFrom('job_offer_import')
        .select('id')
        .where('source', '=', run.source)
        .where('id', '!=', run.id)
        .where('started_at', '>', run.started_at)
        .limit(1)
        .executeTakeFirst();
      return !!row;
    },

    /** The run's row held for its decision: two decisions on the same run wait for each other. */
    lockRun(tx: Db, id: string) {
      return tx
        .selectFrom('job_offer_import')
        .select(RUN_COLUMNS)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
    },

    /** Closes the held offers still published, each transition logged; returns how many. */
    async closeHeld(tx: Db, importId: string, actorLabel: string): Promise<number> {
      markAudited('job_offers', 'write');
      const { rows } = await sql<{ id: string }>`
        update job_offer set state = 'closed', version = version + 1, updated_at = now()
        where state = 'published' and id in (select offer_id from job_offer_import_held where import_id = ${importId})
        returning id`.execute(tx);
      for (let i = 0; i < rows.length; i += 1000)
        await tx
          .insertInto('job_offer_transition')
          .values(
            rows.slice(i, i + 1000).map((r) => ({
              offer_id: r.id,
              from_state: 'published',
              to_state: 'closed',
              actor_label: actorLabel,
              reason: 'Absente du flux complet de sa source (retrait confirmé)',
            })),
          )
          .execute();
      return rows.length;
    },

    async decide(tx: Db, importId: string, decision: 'confirmed' | 'cancelled', withdrawn: number) {
      await tx
        .updateTable('job_offer_import')
        .set({ withdrawal_decision: decision, withdrawn })
        .where('id', '=', importId)
        .execute();
      await tx.deleteFrom('job_offer_import_held').where('import_id', '=', importId).execute();
    },

    async recordEvent(tx: Db, type: string, payload: Record<string, unknown>) {
      await tx
        .insertInto('domain_event')
        .values({ type, actor_user_id: null, payload: JSON.stringify(payload) })
        .execute();
    },
  };
}
export type ImportRunRow = NonNullable<Awaited<ReturnType<ReturnType<typeof importRunRepository>['get']>>>;
