import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database, DirectoryRejection } from '../../db/schema.js';

type Executor = Db | Transaction<Database>;

/** Rejections stored per run: past this a file is broken, and the first ones say how (the total is kept). */
export const MAX_STORED_REJECTIONS = 2_000;

export interface ImportCounts {
  structuresCreated: number;
  structuresUpdated: number;
  servicesCreated: number;
  servicesUpdated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportRunView {
  id: string;
  source: string;
  fileName: string;
  format: 'json' | 'csv';
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  counts: ImportCounts;
  /** The rejected records, the first MAX_STORED_REJECTIONS of them (counts.rejected is the total). */
  rejections: DirectoryRejection[];
  error: string | null;
  actor: string;
}

const isoTime = (d: unknown): string | null =>
  d === null || d === undefined ? null : new Date(d as string).toISOString();

function runOf(r: Record<string, unknown>): ImportRunView {
  return {
    id: r.id as string,
    source: r.source as string,
    fileName: r.file_name as string,
    format: r.format as 'json' | 'csv',
    status: r.status as ImportRunView['status'],
    startedAt: isoTime(r.started_at)!,
    finishedAt: isoTime(r.finished_at),
    counts: {
      structuresCreated: Number(r.structures_created),
      structuresUpdated: Number(r.structures_updated),
      servicesCreated: Number(r.services_created),
      servicesUpdated: Number(r.services_updated),
      unchanged: Number(r.unchanged),
      rejected: Number(r.rejected),
    },
    rejections: (typeof r.rejections === 'string'
      ? JSON.parse(r.rejections)
      : (r.rejections ?? [])) as DirectoryRejection[],
    error: (r.error as string | null) ?? null,
    actor: r.actor_label as string,
  };
}

/** The runs of data·inclusion imports (table directory_import_run), and the look-ups an import needs. */
export function importRepository(db: Db) {
  return {
    async start(run: {
      source: string;
      fileName: string;
      format: 'json' | 'csv';
      userId: string | null;
      actorLabel: string;
    }): Promise<string> {
      const r = await db
        .insertInto('directory_import_run')
        .values({
          source: run.source,
          file_name: run.fileName,
          format: run.format,
          user_id: run.userId,
          actor_label: run.actorLabel,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    /** Counts and rejections so far, and the end state (a crash keeps what its committed batches wrote). */
    async finish(
      id: string,
      counts: ImportCounts,
      rejections: DirectoryRejection[],
      outcome: { status: 'done' | 'failed'; error?: string },
    ) {
      await db
        .updateTable('directory_import_run')
        .set({
          status: outcome.status,
          error: outcome.error ?? null,
          finished_at: new Date(),
          structures_created: counts.structuresCreated,
          structures_updated: counts.structuresUpdated,
          services_created: counts.servicesCreated,
          services_updated: counts.servicesUpdated,
          unchanged: counts.unchanged,
          rejected: counts.rejected,
          rejections: JSON.stringify(rejections.slice(0, MAX_STORED_REJECTIONS)),
        })
        .where('id', '=', id)
        .execute();
    },

    async run(id: string): Promise<ImportRunView | null> {
      const r = await db
        .selectFrom('directory_import_run')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? runOf(r as unknown as Record<string, unknown>) : null;
    },

    /** The latest runs, without their rejections (the list shows counts). */
    async latest(limit = 50): Promise<ImportRunView[]> {
      const rows = await db
        .selectFrom('directory_import_run')
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...runOf(r as unknown as Record<string, unknown>), rejections: [] }));
    },

    /**
     * A structure known by its id alone, whatever its producer: a service of one producer may name the
     * structure another one published (data·inclusion ids are prefixed by their producer, « dora--… »).
     */
    async structureUuidById(id: string, e: Executor = db): Promise<string | null> {
      const r = await e
        .selectFrom('directory_structure')
        .select('id')
        .where('source_id', '=', id)
        .orderBy('source')
        .executeTakeFirst();
      return r?.id ?? null;
    },
  };
}
export type DirectoryImportRepository = ReturnType<typeof importRepository>;
