import type { DirectoryRejection } from '../../db/schema.js';
import { invalid, notFound } from '../../shared/errors.js';
import { hasUnstorableCharacter } from '../../shared/formats.js';
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

/**
 * The longest text of a record: a service's name and description make its tsvector, which
 * PostgreSQL caps at 1 MB ("string is too long for tsvector"); no directory text comes near this.
 */
const MAX_TEXT = 100_000;
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

  /**
   * Every problem of a record: the schema's, then what the schema leaves open and the database
   * would refuse mid-batch (a 500 and a failed run for one bad record): lengths of the keys,
   * characters no text column holds, a number past an integer column, a point off the globe, a text
   * past what a tsvector holds; and an INSEE code the communes' referential does not know.
   */
  function problemsOf(kind: 'structure' | 'service', record: unknown, communes: Set<string>) {
    const problems: FieldProblem[] = kind === 'structure' ? checkStructure(record) : checkService(record);
    if (!record || typeof record !== 'object' || Array.isArray(record)) return problems;
    const r = record as Record<string, unknown>;
    const add = (field: string, message: string) => {
      if (!problems.some((p) => p.field === field)) problems.push({ field, message });
    };
    for (const [field, max] of [
      ['source', 100],
      ['id', 300],
      ['structure_id', 300],
    ] as const) {
      const v = r[field];
      if (typeof v === 'string' && (v.trim() === '' || v.length > max))
        add(field, `identifiant vide ou de plus de ${max} caractères`);
    }
    for (const [field, value] of Object.entries(r)) {
      const texts =
        typeof value === 'string'
          ? [value]
          : Array.isArray(value)
            ? value.filter((v) => typeof v === 'string')
            : [];
      if (texts.some((t) => hasUnstorableCharacter(t)))
        add(field, 'caractère de contrôle ou invalide (nul, caractère de commande, demi-paire UTF-16)');
      else if (texts.some((t) => t.length > MAX_TEXT)) add(field, `au plus ${MAX_TEXT} caractères`);
    }
    if (typeof r.nombre_semaines === 'number' && r.nombre_semaines > 2_147_483_647)
      add('nombre_semaines', 'nombre de semaines trop grand');
    if (typeof r.latitude === 'number' && Math.abs(r.latitude) > 90)
      add('latitude', 'une latitude de -90 à 90');
    if (typeof r.longitude === 'number' && Math.abs(r.longitude) > 180)
      add('longitude', 'une longitude de -180 à 180');
    const insee = r.code_insee;
    if (isCode(insee) && !problems.some((p) => p.field === 'code_insee') && !communes.has(insee))
      add('code_insee', `code INSEE « ${insee} » inconnu du référentiel des communes`);
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
      // What committed batches did; a batch's own tally joins it once the batch is committed, so
      // that a failed run's counts are what its database holds.
      const counts = noCounts();
      const rejections: DirectoryRejection[] = [];
      let batchCounts = noCounts();
      let batchRejections: DirectoryRejection[] = [];
      const startBatch = () => {
        batchCounts = noCounts();
        batchRejections = [];
      };
      const commitBatch = () => {
        for (const k of Object.keys(counts) as (keyof ImportCounts)[]) counts[k] += batchCounts[k];
        rejections.push(...batchRejections);
      };
      const reject = (kind: 'structure' | 'service', r: ParsedRecord, problems: FieldProblem[]) => {
        batchCounts.rejected++;
        batchRejections.push({ kind, index: r.index, id: text(r.record?.id), problems });
      };
      // The structures of this file: written (their uuid), or rejected (their rank, for their services' message).
      const written = new Map<string, string>();
      const rejectedStructures = new Map<string, number>();
      // A producer's id once per file: a second record with it would overwrite the first, and the
      // same file imported again would not be « unchanged ».
      const seen = { structure: new Map<string, number>(), service: new Map<string, number>() };
      const duplicate = (kind: 'structure' | 'service', r: ParsedRecord, problems: FieldProblem[]) => {
        const source = text(r.record?.source);
        const id = text(r.record?.id);
        if (!source || !id) return;
        const first = seen[kind].get(key(source, id));
        if (first === undefined) seen[kind].set(key(source, id), r.index);
        else if (!problems.some((p) => p.field === 'id'))
          problems.push({
            field: 'id',
            message: `identifiant en double dans le fichier (enregistrement n° ${first})`,
          });
      };
      const total = file.structures.length + file.services.length;
      let done = 0;
      try {
        for (let start = 0; start < file.structures.length; start += IMPORT_BATCH) {
          const batch = file.structures.slice(start, start + IMPORT_BATCH);
          const communes = await records.knownCommunes(batch.map((r) => r.record?.code_insee).filter(isCode));
          startBatch();
          await core.db.transaction().execute(async (tx) => {
            for (const r of batch) {
              const problems = problemsOf('structure', r.record, communes);
              duplicate('structure', r, problems);
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
              if (w.outcome === 'created') batchCounts.structuresCreated++;
              else if (w.outcome === 'updated') batchCounts.structuresUpdated++;
              else batchCounts.unchanged++;
            }
          });
          commitBatch();
          done += batch.length;
          input.onProgress?.(done, total);
        }
        for (let start = 0; start < file.services.length; start += IMPORT_BATCH) {
          const batch = file.services.slice(start, start + IMPORT_BATCH);
          const communes = await records.knownCommunes(batch.map((r) => r.record?.code_insee).filter(isCode));
          startBatch();
          await core.db.transaction().execute(async (tx) => {
            for (const r of batch) {
              const problems = problemsOf('service', r.record, communes);
              duplicate('service', r, problems);
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
              if (w.outcome === 'created') batchCounts.servicesCreated++;
              else if (w.outcome === 'updated') batchCounts.servicesUpdated++;
              else batchCounts.unchanged++;
            }
          });
          commitBatch();
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

const noCounts = (): ImportCounts => ({
  structuresCreated: 0,
  structuresUpdated: 0,
  servicesCreated: 0,
  servicesUpdated: 0,
  unchanged: 0,
  rejected: 0,
});
const isCode = (v: unknown): v is string => typeof v === 'string' && /^\w{5}$/.test(v);
