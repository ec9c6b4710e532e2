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
  /** Opens the file from its start; called once per pass (check, then import). */
  open: () => AsyncIterable<Uint8Array>;
  createdBy?: string | null;
  organisationId?: string | null;
  restrictToSiret?: string | null;
  maxBytes: number;
  batchSize?: number;
  onStart?: (total: { formations: number; actions: number; resumedFrom: number }) => void;
  onProgress?: (actionsDone: number) => void;
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
  resumedFrom: number;
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
 * Imports an LHÉO file in two passes. The first checks it is well-formed (and safe) and counts
 * its records: a broken file changes nothing. The second maps and writes formations in batches,
 * each committed with its checkpoint; an import of the same file for the same source left
 * "running" (process killed) resumes after its last committed batch. A full feed then withdraws
 * what the source no longer sends.
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
  const base = {
    source: request.source,
    mode: request.mode,
    fileName: request.fileName,
    sizeBytes: request.sizeBytes,
    createdBy: request.createdBy ?? null,
    organisationId: request.organisationId ?? null,
  };

  let scan: Awaited<ReturnType<typeof readLheo>>;
  try {
    scan = await readLheo(limited(request.open(), request.maxBytes));
  } catch (error) {
    if (!(error instanceof LheoFileError)) throw error;
    const sha256 = 'non calculé';
    const { id } = await repo.create({
      ...base,
      sha256,
      formationsTotal: 0,
      status: 'failed',
      error: error.message,
    });
    return {
      id,
      status: 'failed',
      error: error.message,
      line: error.line,
      column: error.column,
      formationsTotal: 0,
      counts: emptyCounts(),
      rejected: 0,
      resumedFrom: 0,
    };
  }

  const previous = await repo.findRunning(request.source, scan.sha256);
  const run: ImportRun = previous
    ? {
        id: previous.id,
        source: previous.source,
        mode: previous.mode,
        formationsDone: previous.formations_done,
        counts: { ...emptyCounts(), ...previous.counts },
        rejectedCount: previous.rejected_count,
      }
    : {
        id: (
          await repo.create({
            ...base,
            sha256: scan.sha256,
            formationsTotal: scan.formations,
            status: 'running',
          })
        ).id,
        source: request.source,
        mode: request.mode,
        formationsDone: 0,
        counts: emptyCounts(),
        rejectedCount: 0,
      };
  const resumedFrom = run.formationsDone;
  request.onStart?.({ formations: scan.formations, actions: scan.actions, resumedFrom });

  const context = mappingContext(await repo.referentials(), request.restrictToSiret ?? null);
  const batchSize = request.batchSize ?? 250;
  const seen = new Set<string>();
  let batch: PreparedFormation[] = [];
  let rejections: Rejection[] = [];
  let actionsDone = 0;
  let done = run.formationsDone;

  // One batch is written while the next is parsed (PostgreSQL works in its own process); batches
  // still commit in file order, so the checkpoint always follows the last committed batch.
  let pending: Promise<void> = Promise.resolve();
  const flush = async () => {
    await pending;
    const [b, r, d] = [batch, rejections, done];
    batch = [];
    rejections = [];
    pending = repo.writeBatch(run, b, r, d);
    pending.catch(() => {});
  };

  try {
    await readLheo(request.open(), async (node, index) => {
      const number = node.attrs.numero?.trim() ?? '';
      const actionCount = node.children.filter((c) => c.name === 'action').length;
      if (index < resumedFrom) {
        seen.add(number);
        actionsDone += actionCount;
        request.onProgress?.(actionsDone);
        return;
      }
      const mapped = mapFormation(node, context);
      rejections.push(...mapped.rejections);
      if (mapped.formation) {
        if (seen.has(number))
          rejections.push({
            line: node.line,
            column: node.column,
            element: 'formation',
            record: `formation ${number}`,
            reason: 'numéro de formation déjà présent plus haut dans le fichier',
          });
        else {
          seen.add(number);
          batch.push({
            formation: mapped.formation,
            places: mapped.places,
            hash: createHash('sha1').update(JSON.stringify(mapped.formation)).digest('base64url'),
          });
        }
      }
      done = index + 1;
      actionsDone += actionCount;
      if (batch.length >= batchSize || rejections.length >= 1000) await flush();
      request.onProgress?.(actionsDone);
    });
    await flush();
    await pending;
  } catch (error) {
    await pending.catch(() => {});
    // The file changed under us between the two passes, or the database failed: the run stays
    // "running" so that the same file can resume; the error goes to the caller.
    throw error instanceof LheoFileError ? new AppError('invalid', error.message, 'file') : error;
  }
  await repo.finish(run);
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
    resumedFrom,
  };
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
