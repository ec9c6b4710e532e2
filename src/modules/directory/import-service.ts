import type { DirectoryRejection } from '../../db/schema.js';
import { invalid, notFound } from '../../shared/errors.js';
import type { Actor } from '../identity/model.js';
import type { DirectoryCore } from './core.js';
import { type ParsedRecord, parseDirectoryFile } from './import-parse.js';
import { type ImportCounts, type ImportRunView, importRepository } from './import-repository.js';
import type { DiService, DiStructure } from './records.js';
import { normaliseService, normaliseStructure } from './records-repository.js';
import { requireImporter } from './rights.js';
import { checkService, checkStructure, type FieldProblem } from './schema-check.js';

/** Records written per transaction: a crash loses at most one batch, and never half of one. */
export const IMPORT_BATCH = 200;
/** The largest file an import reads (a national extract filtered to a region is a few megabytes). */
export const DIRECTORY_IMPORT_MAX_BYTES = 50 * 1024 * 1024;

const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,99}$/i;

export interface ImportFileInput {
  fileName: string;
  content: Buffer | string;
  /** The producer of records that name none, and the run's name; else the file's own sources. */
  source?: string;
  /** Records handled so far out of the file's (the CLI's progress line). */
  onProgress?: (done: number, total: number) => void;
}

const key = (source: string, id: string) => `${source}\u0000${id}`;
const text = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/**
 * Import of a data·inclusion file (issue 13 §3): structures first, then services, each record
 * checked against the schema, the communes' referential and the structures it names; a rejected
 * record is reported with its rank, its id and every problem found in it, the others are written
 * by (source, id) in batches, each batch one transaction. The same file twice changes nothing.
 */
export function importUseCases(core: DirectoryCore) {
  const runs = importRepository(core.db);
  const { records } = core;

  /** Every problem of a record: the schema's, then an INSEE code the referential does not know. */
  function problemsOf(kind: 'structure' | 'service', record: Record<string, unknown>, communes: Set<string>) {
    const problems: FieldProblem[] = kind === 'structure' ? checkStructure(record) : checkService(record);
    const insee = record.code_insee;
    if (
      typeof insee === 'string' &&
      !problems.some((p) => p.field === 'code_insee') &&
      /^\w{5}$/.test(insee) &&
      !communes.has(insee)
    )
      problems.push({
        field: 'code_insee',
        message: `code INSEE « ${insee} » inconnu du référentiel des communes`,
      });
    return problems;
  }

  return {
    async importFile(actor: Actor, input: ImportFileInput): Promise<ImportRunView> {
      requireImporter(actor);
      if (input.source !== undefined && input.source !== '' && !SOURCE_PATTERN.test(input.source))
        throw invalid(
          'source',
          'Nom de source invalide : lettres sans accent, chiffres, « - », « _ » ou « . », 100 caractères au plus.',
        );
      const fileName = (input.fileName || 'fichier').slice(0, 200);
      // The whole file is read before anything is written: a malformed one stores nothing.
      const file = parseDirectoryFile(fileName, input.content);
      const defaultSource = input.source || null;
      for (const { record } of [...file.structures, ...file.services])
        if (defaultSource && record && typeof record === 'object' && !text(record.source))
          record.source = defaultSource;
      const sources = [
        ...new Set(
          [...file.structures, ...file.services].map((r) => text(r.record?.source)).filter((s) => s !== null),
        ),
      ];
      const runId = await runs.start({
        source: (defaultSource ?? (sources.join(', ') || fileName)).slice(0, 100),
        fileName,
        format: file.format,
        userId: actor.userId,
        actorLabel: actor.label,
      });
      const counts: ImportCounts = {
        structuresCreated: 0,
        structuresUpdated: 0,
        servicesCreated: 0,
        servicesUpdated: 0,
        unchanged: 0,
        rejected: 0,
      };
      const rejections: DirectoryRejection[] = [];
      const reject = (kind: 'structure' | 'service', r: ParsedRecord, problems: FieldProblem[]) => {
        counts.rejected++;
        rejections.push({ kind, index: r.index, id: text(r.record?.id), problems });
      };
      // The structures of this file: written (their uuid), or rejected (their rank, for their services' message).
      const written = new Map<string, string>();
      const rejectedStructures = new Map<string, number>();
      const total = file.structures.length + file.services.length;
      let done = 0;
      try {
        for (let start = 0; start < file.structures.length; start += IMPORT_BATCH) {
          const batch = file.structures.slice(start, start + IMPORT_BATCH);
          const communes = await records.knownCommunes(batch.map((r) => r.record?.code_insee).filter(isCode));
          await core.db.transaction().execute(async (tx) => {
            for (const r of batch) {
              const problems = problemsOf('structure', r.record, communes);
              if (problems.length) {
                reject('structure', r, problems);
                if (text(r.record?.source) && text(r.record?.id))
                  rejectedStructures.set(key(String(r.record.source), String(r.record.id)), r.index);
                continue;
              }
              const s = normaliseStructure(r.record as unknown as DiStructure);
              // A structure the import creates is linked to the organisation with its SIRET; an
              // existing link (the organisation's own publication, a correction) is never changed.
              const exists = await records.structureBySourceId(s.source, s.id, tx);
              const organisationId =
                !exists && s.siret
                  ? ((await records.organisationBySiret(s.siret, tx)) ?? undefined)
                  : undefined;
              const w = await records.writeStructure(tx, s, organisationId);
              written.set(key(s.source, s.id), w.uuid);
              if (w.outcome === 'created') counts.structuresCreated++;
              else if (w.outcome === 'updated') counts.structuresUpdated++;
              else counts.unchanged++;
            }
          });
          done += batch.length;
          input.onProgress?.(done, total);
        }
        for (let start = 0; start < file.services.length; start += IMPORT_BATCH) {
          const batch = file.services.slice(start, start + IMPORT_BATCH);
          const communes = await records.knownCommunes(batch.map((r) => r.record?.code_insee).filter(isCode));
          await core.db.transaction().execute(async (tx) => {
            for (const r of batch) {
              const problems = problemsOf('service', r.record, communes);
              const source = text(r.record?.source);
              const structureId = text(r.record?.structure_id);
              let structureUuid: string | null = null;
              if (source && structureId) {
                const k = key(source, structureId);
                structureUuid =
                  written.get(k) ??
                  (rejectedStructures.has(k)
                    ? null
                    : ((await records.structureBySourceId(source, structureId, tx))?.uuid ??
                      (await runs.structureUuidById(structureId, tx))));
                if (!structureUuid && !problems.some((p) => p.field === 'structure_id'))
                  problems.push({
                    field: 'structure_id',
                    message: rejectedStructures.has(k)
                      ? `structure « ${structureId} » rejetée dans ce fichier (enregistrement n° ${rejectedStructures.get(k)})`
                      : `structure inconnue : « ${structureId} » n’est ni dans le fichier ni dans l’annuaire`,
                  });
              }
              if (problems.length || !structureUuid) {
                reject('service', r, problems);
                continue;
              }
              const w = await records.writeService(
                tx,
                normaliseService(r.record as unknown as DiService),
                structureUuid,
              );
              if (w.outcome === 'created') counts.servicesCreated++;
              else if (w.outcome === 'updated') counts.servicesUpdated++;
              else counts.unchanged++;
            }
          });
          done += batch.length;
          input.onProgress?.(done, total);
        }
      } catch (error) {
        // The batches committed stay (each is whole); the run says where it stopped and why.
        await runs.finish(runId, counts, rejections, {
          status: 'failed',
          error: error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
      await runs.finish(runId, counts, rejections, { status: 'done' });
      return (await runs.run(runId))!;
    },

    /** The latest 50 imports, for those who import. */
    async importRuns(actor: Actor): Promise<ImportRunView[]> {
      requireImporter(actor);
      return runs.latest(50);
    },

    /** One import's report: counts and its rejected records. */
    async importRun(actor: Actor, runId: string): Promise<ImportRunView> {
      requireImporter(actor);
      const run = /^[0-9a-f-]{36}$/i.test(runId) ? await runs.run(runId) : null;
      if (!run) throw notFound('Import introuvable.');
      return run;
    },

    /** Refuses, before a byte of a file is read, whoever may not import (the routes call it first). */
    requireDirectoryImporter: (actor: Actor) => requireImporter(actor),

    /** The largest file an import reads (the routes refuse a larger body with 413). */
    importLimitBytes: DIRECTORY_IMPORT_MAX_BYTES,
  };
}

const isCode = (v: unknown): v is string => typeof v === 'string' && /^\w{5}$/.test(v);
