import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { FeedSource } from './rights.js';
import { absentCount, withdrawAbsent } from './withdrawal-repository.js';

export interface ImportRun {
  id: string;
  source: string;
  mode: 'full' | 'partial';
  counts: ImportCounts;
  rejectedCount: number;
  warningCount: number;
  /** Organisations already written by this import: SIRET → id. */
  providerIds: Map<string, string>;
}

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  actions: number;
  sessions: number;
  withdrawn: number;
  /** Formations exported from another source, refused (importer.ts, exportedSource). */
  otherSource: number;
  /** A full feed's withdrawal waiting for confirmation: how many formations it would withdraw. */
  withdrawalHeld?: number;
  /** The same, declined by whoever imported: those formations were kept. */
  withdrawalCancelled?: number;
}
export const emptyCounts = (): ImportCounts => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  actions: 0,
  sessions: 0,
  withdrawn: 0,
  otherSource: 0,
});

/** The key of the import lock (pg_advisory_xact_lock): any constant no other lock of the application uses. */
const IMPORT_LOCK = 8_202_611;
/** How often a waiting import asks for the lock again. */
const LOCK_POLL_MS = 500;

/** The import runs: their lock, their sources, their row from start to report, and the upkeep after them. */
export function importRunRepository(db: Db) {
  return {
    /**
     * Runs still "running" that no import holds were interrupted (process killed, out of memory): their
     * transaction was rolled back, so they changed nothing, and they say so. Called under the
     * import lock; a run waiting for that lock holds its own row (lockRun), so it is skipped.
     */
    async closeInterrupted() {
      await sql`
        update lheo_import set status = 'failed', error = 'Import interrompu avant la fin (processus arrêté : redémarrage, mémoire épuisée…) : rien n’a été modifié.',
          finished_at = now()
        where id in (select id from lheo_import where status = 'running' for update skip locked)`.execute(db);
    },

    /** Holds the run's own row for the import's transaction: the run is alive while it is held. */
    async lockRun(id: string) {
      await sql`select id from lheo_import where id = ${id} for update`.execute(db);
    },

    /**
     * Imports run one at a time (issue 8, hole 10: four parallel uploads on PostgreSQL answered 500
     * on a duplicate key of training_word yet committed). A transaction-level advisory lock: it is
     * released at commit or rollback, and by a killed process's connection. It is asked for with
     * pg_try_advisory_xact_lock every LOCK_POLL_MS rather than waited for in one statement: a wait of
     * minutes would be cut by the statement timeout (20 s, DB_STATEMENT_TIMEOUT_MS) and the client's
     * query timeout, and the short gaps stay far within the idle-in-transaction timeout. Not
     * obtained within waitMs: a conflict, not an error.
     */
    async serialise(waitMs: number): Promise<boolean> {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const { rows } = await sql<{
          ok: boolean;
        }>`select pg_try_advisory_xact_lock(${IMPORT_LOCK}::bigint) as ok`.execute(db);
        if (rows[0]?.ok) return true;
        if (Date.now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_POLL_MS, deadline - Date.now())));
      }
    },

    async source(name: string): Promise<FeedSource | undefined> {
      const row = await db
        .selectFrom('lheo_source')
        .select(['name', 'kind', 'organisation_id'])
        .where('name', '=', name)
        .executeTakeFirst();
      return row && { name: row.name, kind: row.kind, organisationId: row.organisation_id };
    },

    /** The names of the sources an organisation owns or operates (every source: null). */
    async sourceNames(organisationId: string | null): Promise<string[]> {
      const rows = await db
        .selectFrom('lheo_source')
        .select('name')
        .$if(organisationId !== null, (q) => q.where('organisation_id', '=', organisationId))
        // Byte order: the same list on PGlite (C collation) and a PostgreSQL in a French locale.
        .orderBy(sql`name collate "C"`)
        .execute();
      return rows.map((r) => r.name);
    },

    /** Records a new source with its owner; under the import lock, so no other import creates it meanwhile. */
    async createSource(source: FeedSource) {
      await db
        .insertInto('lheo_source')
        .values({ name: source.name, kind: source.kind, organisation_id: source.organisationId })
        .execute();
    },

    async create(input: {
      source: string;
      mode: 'full' | 'partial';
      fileName: string;
      sizeBytes: number;
      createdBy: string | null;
      organisationId: string | null;
    }) {
      return db
        .insertInto('lheo_import')
        .values({
          source: input.source,
          mode: input.mode,
          file_name: input.fileName.slice(0, 200),
          sha256: '',
          size_bytes: input.sizeBytes,
          created_by: input.createdBy,
          organisation_id: input.organisationId,
          status: 'running',
          counts: JSON.stringify(emptyCounts()),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    },

    async fail(id: string, error: string) {
      await db
        .updateTable('lheo_import')
        .set({ status: 'failed', error, finished_at: new Date() })
        .where('id', '=', id)
        .execute();
    },

    /**
     * End of the file, still inside the import's transaction: a full feed withdraws what its
     * source no longer sends (kept, hidden from search), and the run records what it did. Unless
     * it accepted fewer formations than `minShare` of those it would withdraw: then it withdraws
     * nothing and the run waits for a decision (decideWithdrawal). What it accepted is kept: each
     * record replaces only its own formation, as an update feed's would, so nothing the file does
     * not describe changes, and the decision needs no second reading of a file that is gone.
     */
    async finish(run: ImportRun, file: { sha256: string; formations: number }, guard: { minShare: number }) {
      // The import's commit point: what it wrote is the offer's change (a run that fails before
      // here rolls back and changes nothing).
      markAudited('training_offer', 'write', { importId: run.id });
      if (run.mode === 'full') {
        const accepted = run.counts.created + run.counts.updated + run.counts.unchanged;
        const wouldWithdraw = await absentCount(db, run.source, run.id);
        if (wouldWithdraw > 0 && accepted < guard.minShare * wouldWithdraw)
          run.counts.withdrawalHeld = wouldWithdraw;
        else run.counts.withdrawn = await withdrawAbsent(db, run.source, run.id);
      }
      await db
        .updateTable('lheo_import')
        .set({
          status: 'done',
          // A run another import took for interrupted in the instant before it held its row.
          error: null,
          sha256: file.sha256,
          formations_total: file.formations,
          formations_done: file.formations,
          counts: JSON.stringify(run.counts),
          rejected_count: run.rejectedCount,
          warning_count: run.warningCount,
          finished_at: new Date(),
        })
        .where('id', '=', run.id)
        .execute();
    },

    /** A run's row, held until the end of the transaction (a decision on it is taken once). */
    async lockedRun(id: string) {
      return db.selectFrom('lheo_import').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    /** Whether an import of the same source finished after this run: its "absent" formations are no longer this run's to judge. */
    async supersededBy(run: { id: string; source: string; started_at: Date }): Promise<boolean> {
      const later = await db
        .selectFrom('lheo_import')
        .select('id')
        .where('source', '=', run.source)
        .where('status', '=', 'done')
        .where('id', '<>', run.id)
        .where('started_at', '>', run.started_at)
        .limit(1)
        .executeTakeFirst();
      return later !== undefined;
    },

    async setCounts(id: string, counts: Record<string, number>) {
      await db
        .updateTable('lheo_import')
        .set({ counts: JSON.stringify(counts) })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Typo correction draws on the words of the catalogue: refreshed at the end of each import,
     * in its transaction and under its lock, so that the vocabulary commits with the catalogue
     * it describes (refreshed in a transaction of its own, two imports' refreshes collided).
     */
    async refreshVocabulary() {
      await sql`delete from training_word`.execute(db);
      await sql`
        insert into training_word (word)
        select word from ts_stat('select search_vector from training where status = ''active''')
        where length(word) between 3 and 40 and word ~ '^[a-z]+$'`.execute(db);
    },

    /**
     * After the import commits: VACUUM empties the text index's pending list, which every search
     * otherwise reads (measured 4.8 ms instead of 0.3 ms for one word after a 50,000-action
     * import). An optimisation only: autovacuum does it later, so a failure is no import failure.
     */
    async vacuum(): Promise<boolean> {
      try {
        await sql`vacuum analyze training, training_action, training_session, action_funder, training_word, catalogue_search`.execute(
          db,
        );
        return true;
      } catch {
        return false;
      }
    },

    async get(id: string) {
      return db.selectFrom('lheo_import').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async list(filter: { organisationId?: string | null; limit: number }) {
      // id last: a total order, the same on both engines.
      let q = db
        .selectFrom('lheo_import')
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('id')
        .limit(filter.limit);
      if (filter.organisationId !== undefined) q = q.where('organisation_id', '=', filter.organisationId);
      return q.execute();
    },

    async rejections(importId: string) {
      return db
        .selectFrom('lheo_rejection')
        .select(['line', 'col', 'element', 'record', 'reason', 'severity'])
        .where('import_id', '=', importId)
        .orderBy('id')
        .execute();
    },
  };
}
