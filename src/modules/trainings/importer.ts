import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { AppError } from '../../shared/errors.js';
import { searchForm } from '../../shared/text.js';
import {
  emptyCounts,
  type ImportCounts,
  type ImportReferentials,
  type ImportRun,
  importRepository,
  type PreparedFormation,
} from './import-repository.js';
import { type MappingContext, mapFormation } from './lheo/map.js';
import type { LheoAddress, Rejection } from './lheo/model.js';
import { LheoFileError, readLheo } from './lheo/reader.js';

export interface ImportRequest {
  source: string;
  mode: 'full' | 'partial';
  fileName: string;
  sizeBytes: number;
  /** The file's bytes, read once (a file on disk, an upload, a download as it arrives). */
  open: () => AsyncIterable<Uint8Array>;
  createdBy?: string | null;
  organisationId?: string | null;
  restrictToSiret?: string | null;
  maxBytes: number;
  batchSize?: number;
  onProgress?: (done: { bytes: number; actions: number }) => void;
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
}

export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9._-]{1,59}$/;

export function mappingContext(
  refs: ImportReferentials,
  restrictToSiret: string | null = null,
): MappingContext {
  return {
    isRomeCode: (code) => refs.romeCodes.has(code),
    isCommune: (code) => refs.communes.has(code),
    restrictToSiret,
    resolvePlace(address: LheoAddress) {
      let code = address.inseeCode;
      if (!code) {
        const candidates = refs.byPostalCode.get(address.postalCode) ?? [];
        const city = searchForm(address.city);
        code = (candidates.find((c) => c.name === city) ?? candidates[0])?.code ?? null;
      }
      const commune = code ? refs.communes.get(code) : undefined;
      if (!code || !commune) return null;
      return {
        communeCode: code,
        department: commune.department,
        latitude: address.latitude ?? commune.latitude,
        longitude: address.longitude ?? commune.longitude,
      };
    },
  };
}

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
  await repo.closeInterrupted(request.source);
  const { id } = await repo.create({
    source: request.source,
    mode: request.mode,
    fileName: request.fileName,
    sizeBytes: request.sizeBytes,
    createdBy: request.createdBy ?? null,
    organisationId: request.organisationId ?? null,
  });
  const run: ImportRun = {
    id,
    source: request.source,
    mode: request.mode,
    counts: emptyCounts(),
    rejectedCount: 0,
  };
  const context = mappingContext(await repo.referentials(), request.restrictToSiret ?? null);
  const batchSize = request.batchSize ?? 250;
  const progress = { bytes: 0, actions: 0 };

  let scan: Awaited<ReturnType<typeof readLheo>>;
  try {
    scan = await db.transaction().execute(async (tx) => {
      const writer = importRepository(tx);
      const seen = new Set<string>();
      let batch: PreparedFormation[] = [];
      let rejections: Rejection[] = [];
      // PostgreSQL (or PGlite between parser callbacks) writes one batch while the next is parsed;
      // batches are still written in file order.
      let pending: Promise<void> = Promise.resolve();
      let written = 0;
      let nextAnalyze = 2 * batchSize;
      const flush = async () => {
        await pending;
        const [b, r] = [batch, rejections];
        batch = [];
        rejections = [];
        written += b.length;
        const analyze = written >= nextAnalyze;
        if (analyze) nextAnalyze *= 2;
        pending = writer.writeBatch(run, b, r).then(() => (analyze ? writer.refreshStatistics() : undefined));
        pending.catch(() => {});
      };
      const input = counted(limited(request.open(), request.maxBytes), (bytes) => {
        progress.bytes = bytes;
        request.onProgress?.(progress);
      });
      try {
        const result = await readLheo(input, async (node) => {
          const number = node.attrs.numero?.trim() ?? '';
          const mapped = mapFormation(node, context);
          rejections.push(...mapped.rejections);
          if (mapped.formation && seen.has(number))
            rejections.push({
              line: node.line,
              column: node.column,
              element: 'formation',
              record: `formation ${number}`,
              reason: 'numéro de formation déjà présent plus haut dans le fichier',
            });
          else if (mapped.formation) {
            seen.add(number);
            batch.push({
              formation: mapped.formation,
              places: mapped.places,
              hash: createHash('sha1').update(JSON.stringify(mapped.formation)).digest('base64url'),
            });
          }
          for (const child of node.children) if (child.name === 'action') progress.actions++;
          if (batch.length >= batchSize || rejections.length >= 1000) await flush();
        });
        await flush();
        await pending;
        request.onProgress?.(progress);
        await writer.finish(run, result);
        return result;
      } catch (error) {
        await pending.catch(() => {});
        throw error;
      }
    });
  } catch (error) {
    // Rolled back: the catalogue is as it was. The run says why.
    const message =
      error instanceof LheoFileError ? error.message : 'Import interrompu par une erreur interne';
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
    };
  }
  await repo.refreshVocabulary();
  return {
    id: run.id,
    status: 'done',
    error: null,
    line: null,
    column: null,
    formationsTotal: scan.formations,
    counts: run.counts,
    rejected: run.rejectedCount,
  };
}

async function* counted(input: AsyncIterable<Uint8Array>, onBytes: (total: number) => void) {
  let total = 0;
  for await (const chunk of input) {
    total += chunk.length;
    onBytes(total);
    yield chunk;
  }
}

/** Stops reading past the limit even when the announced size lied (a stream from a URL). */
async function* limited(input: AsyncIterable<Uint8Array>, maxBytes: number) {
  let total = 0;
  for await (const chunk of input) {
    total += chunk.length;
    if (total > maxBytes)
      throw new LheoFileError(`Fichier plus grand que la limite de ${(maxBytes / 1e6).toFixed(0)} Mo`);
    yield chunk;
  }
}
