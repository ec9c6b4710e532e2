import type { Db } from '../../db/database.js';
import { AppError, conflict } from '../../shared/errors.js';
import { emptyCounts, type ImportCounts, type ImportRun, importRepository } from './import-repository.js';
import type { Rejection, Warning } from './lheo/model.js';
import { formationPreparer, mappingContext, type PreparedFormation } from './lheo/prepare.js';
import { LheoFileError, readLheo, type ScanResult, type XmlNode } from './lheo/reader.js';
import { SOURCE_EXTRA } from './lheo/writer.js';
import { type Importer, newSourceOwner, requireSourceRights } from './rights.js';
import { refreshSearchProjection } from './search-repository.js';

export interface ImportRequest {
  source: string;
  mode: 'full' | 'partial';
  fileName: string;
  sizeBytes: number;
  /** The file's bytes, read once (a file on disk, an upload, a download as it arrives). */
  open: () => AsyncIterable<Uint8Array>;
  /** Who imports: decides under which sources (rights.ts), and is recorded on the run. */
  by: Importer;
  restrictToSiret?: string | null;
  /** How long to wait for the import running before this one (default: two minutes). */
  lockWaitMs?: number;
  maxBytes: number;
  batchSize?: number;
  onProgress?: (done: { bytes: number; actions: number }) => void;
  /**
   * A full feed that would withdraw much more than it brings stops before withdrawing
   * (FULL_FEED_MIN_SHARE); true: the importer was told so and withdraws anyway (CLI
   * --confirm-withdrawal, API confirmWithdrawal=true).
   */
  confirmWithdrawal?: boolean;
  /** The share of what it would withdraw a full feed must accept (config LHEO_FULL_FEED_MIN_SHARE). */
  fullFeedMinShare?: number;
  /** Writes the run's audit line inside the import's transaction, so it commits with the offer's change. */
  audit?: (
    tx: Db,
    run: { id: string; counts: ImportCounts; rejected: number; warnings: number; formations: number },
  ) => Promise<void>;
}

export interface ImportOutcome {
  id: string;
  status: 'done' | 'failed';
  error: string | null;
  line: number | null;
  column: number | null;
  formationsTotal: number;
  counts: ImportCounts;
  rejected: number;
  /** A full feed's withdrawal held for confirmation (nothing withdrawn), or null. */
  heldWithdrawal: HeldWithdrawal | null;
  /** Problems that rejected nothing (a commune resolved, an element not kept…), listed in the report. */
  warnings: number;
}

/** What a held full feed would withdraw, and what it accepted: the figures its confirmation shows. */
export interface HeldWithdrawal {
  wouldWithdraw: number;
  accepted: number;
  minShare: number;
}

/** Default of LHEO_FULL_FEED_MIN_SHARE (config.ts). */
export const FULL_FEED_MIN_SHARE = 0.5;

const MAX_BATCH_CHARS = 8_000_000;

export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9._-]{1,59}$/;

/**
 * Imports an LHÉO file in one pass and one transaction: formations are mapped and written in
 * batches as the file is read (a batch is written while the next one is parsed), and everything
 * commits at the end, with the withdrawals of a full feed. A file that turns out not to be
 * well-formed, or a process killed on the way, leaves the catalogue as it was; running the same
 * file again gives the state of an import that never stopped. One pass, because the XML parser is
 * the import's largest cost (a second, checking pass cost as much as the parse itself).
 */
export async function importLheo(db: Db, request: ImportRequest): Promise<ImportOutcome> {
  if (!SOURCE_PATTERN.test(request.source))
    throw new AppError(
      'invalid',
      'Source invalide : lettres minuscules, chiffres, « . », « _ » ou « - ».',
      'source',
    );
  if (request.sizeBytes > request.maxBytes)
    throw new AppError(
      'too-large',
      `Fichier de ${(request.sizeBytes / 1e6).toFixed(0)} Mo : la limite est de ${(request.maxBytes / 1e6).toFixed(0)} Mo.`,
      'file',
    );
  const repo = importRepository(db);
  // Refused before a run is recorded; decided again under the lock, where a new source is created.
  await sourceFor(repo, request.by, request.source);
  const actor = request.by.kind === 'person' ? request.by.actor : null;
  const { id } = await repo.create({
    source: request.source,
    mode: request.mode,
    fileName: request.fileName,
    sizeBytes: request.sizeBytes,
    createdBy: actor?.userId ?? null,
    organisationId: actor?.organisationId ?? null,
  });
  const run: ImportRun = {
    id,
    source: request.source,
    mode: request.mode,
    counts: emptyCounts(),
    rejectedCount: 0,
    warningCount: 0,
    providerIds: new Map(),
  };
  const progress = { bytes: 0, actions: 0 };

  let scan: ScanResult;
  try {
    scan = await db.transaction().execute(async (tx) => {
      const writer = importRepository(tx);
      await writer.lockRun(id);
      if (!(await writer.serialise(request.lockWaitMs ?? 120_000)))
        throw conflict(
          'file',
          'Un autre import est en cours depuis plusieurs minutes : réessayez plus tard.',
        );
      await writer.closeInterrupted();
      const source = await sourceFor(writer, request.by, request.source);
      if (source.created) await writer.createSource(source.source);
      const prepare = formationPreparer(
        mappingContext(await writer.referentials(), request.restrictToSiret ?? null),
      );
      const batchSize = request.batchSize ?? 250;
      let batch: PreparedFormation[] = [];
      let batchChars = 0;
      let rejections: Rejection[] = [];
      let warnings: Warning[] = [];
      // PostgreSQL writes one batch while the next is parsed (PGlite between parser callbacks);
      // batches are still written in file order. A parsing thread was tried: no faster on either
      // engine (the database is the slower side) and 100 MB more memory.
      let pending: Promise<void> = Promise.resolve();
      const flush = async () => {
        await pending;
        const [b, r, w] = [batch, rejections, warnings];
        batch = [];
        batchChars = 0;
        rejections = [];
        warnings = [];
        pending = writer.writeBatch(run, b, r, w);
        pending.catch(() => {});
      };
      const input = limited(request.open(), request.maxBytes, (bytes) => {
        progress.bytes = bytes;
        request.onProgress?.(progress);
      });
      try {
        const onFormation = async (node: XmlNode) => {
          // A record exported from another source is that source's formation: never merged
          // into, nor duplicated as, a formation of this one (checked before the preparer, so
          // that it does not take the number for this file's own record of it either).
          const exported = exportedSource(node);
          if (exported !== null && exported !== request.source) {
            run.counts.otherSource++;
            rejections.push(otherSourceRejection(node, exported, request.source));
            for (const child of node.children) if (child.name === 'action') progress.actions++;
            if (rejections.length >= 1000) await flush();
            return;
          }
          const { prepared, rejections: rejected, warnings: warned } = prepare(node);
          if (prepared) {
            batch.push(prepared);
            batchChars += prepared.size;
          }
          rejections.push(...rejected);
          warnings.push(...warned);
          for (const child of node.children) if (child.name === 'action') progress.actions++;
          // A batch is also written once it holds 8 million characters: 250 formations each as
          // large as the reader lets one be (2 million) would hold 1 GB (the CLI runs in 128 MB).
          if (
            batch.length >= batchSize ||
            batchChars >= MAX_BATCH_CHARS ||
            rejections.length + warnings.length >= 1000
          )
            await flush();
        };
        // A file-wide warning (no LHÉO namespace) heads the report.
        const result = await readLheo(input, onFormation, (warning) => warnings.push(warning));
        await flush();
        await pending;
        request.onProgress?.(progress);
        await writer.finish(run, result, {
          minShare: request.confirmWithdrawal ? 0 : (request.fullFeedMinShare ?? FULL_FEED_MIN_SHARE),
        });
        // The search reads its projection: rewritten for what this import changed, in its transaction.
        await refreshSearchProjection(tx, { importId: run.id });
        await writer.refreshVocabulary();
        await request.audit?.(tx, {
          id: run.id,
          counts: run.counts,
          rejected: run.rejectedCount,
          warnings: run.warningCount,
          formations: result.formations,
        });
        return result;
      } catch (error) {
        await pending.catch(() => {});
        throw error;
      }
    });
  } catch (error) {
    // Rolled back: the catalogue is as it was. The run says why.
    const message =
      error instanceof LheoFileError || error instanceof AppError
        ? error.message
        : 'Import interrompu par une erreur interne';
    await repo.fail(run.id, message);
    if (!(error instanceof LheoFileError)) throw error;
    return {
      id: run.id,
      status: 'failed',
      error: error.message,
      line: error.line,
      column: error.column,
      formationsTotal: 0,
      counts: emptyCounts(),
      rejected: 0,
      heldWithdrawal: null,
      warnings: 0,
    };
  }
  await repo.vacuum();
  return {
    id: run.id,
    status: 'done',
    error: null,
    line: null,
    column: null,
    formationsTotal: scan.formations,
    counts: run.counts,
    rejected: run.rejectedCount,
    heldWithdrawal: heldWithdrawal(run.counts, request.fullFeedMinShare ?? FULL_FEED_MIN_SHARE),
    warnings: run.warningCount,
  };
}

/** The figures of a run whose withdrawal waits for confirmation, from its counts; null when none waits. */
export function heldWithdrawal(counts: Partial<ImportCounts>, minShare: number): HeldWithdrawal | null {
  if (!counts.withdrawalHeld) return null;
  return {
    wouldWithdraw: counts.withdrawalHeld,
    accepted: (counts.created ?? 0) + (counts.updated ?? 0) + (counts.unchanged ?? 0),
    minShare,
  };
}

/** The source a formation was exported from (writer.ts, SOURCE_EXTRA), or null for a feed's own record. */
export function exportedSource(formation: XmlNode): string | null {
  for (const extras of formation.children)
    if (extras.name === 'extras' && extras.attrs.info === 'passerelle')
      for (const extra of extras.children)
        if (extra.name === 'extra' && extra.attrs.info === SOURCE_EXTRA && extra.text.trim())
          return extra.text.trim();
  return null;
}

function otherSourceRejection(node: XmlNode, exported: string, source: string): Rejection {
  const number = node.attrs.numero?.trim() ?? '';
  return {
    line: node.line,
    column: node.column,
    element: 'formation',
    record: `formation ${number}`.slice(0, 300),
    reason: `formation exportée de la source « ${exported.slice(0, 60)} » : elle n’est ni fusionnée avec la formation de même numéro de la source « ${source} », ni copiée dans celle-ci. Importez-la sous sa source, ou retirez son <extras info="passerelle"> pour en faire une formation de « ${source} ».`,
  };
}

/** The source an import goes under: an existing one this importer may use, or the one it would create. */
async function sourceFor(repo: ReturnType<typeof importRepository>, by: Importer, name: string) {
  const existing = await repo.source(name);
  if (existing) {
    requireSourceRights(by, existing);
    return { source: existing, created: false };
  }
  return { source: newSourceOwner(by, name), created: true };
}

/**
 * Counts the bytes read (progress) and stops past the limit even when the announced size lied
 * (a stream from a URL).
 */
async function* limited(
  input: AsyncIterable<Uint8Array>,
  maxBytes: number,
  onBytes: (total: number) => void,
) {
  let total = 0;
  for await (const chunk of input) {
    total += chunk.length;
    if (total > maxBytes)
      throw new LheoFileError(`Fichier plus grand que la limite de ${(maxBytes / 1e6).toFixed(0)} Mo`);
    onBytes(total);
    yield chunk;
  }
}
