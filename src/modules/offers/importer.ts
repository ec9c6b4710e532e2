import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { hasUnstorableCharacter } from '../../shared/formats.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { mapFtRecord } from './ft-record.js';
import { type ImportCounts, offerImportRepository, type StoredIssue } from './import-repository.js';
import { FeedStructureError, splitJsonRecords } from './json-stream.js';

/** Records written per transaction: measured enough to amortise a round trip, small in memory. */
const BATCH = 250;
/** Issues stored per import: past this a feed is broken, and the first ones say how. */
const MAX_STORED_ISSUES = 10_000;
/**
 * A full feed that would withdraw more offers than it brings is held (nothing withdrawn) unless
 * the withdrawal is confirmed: a truncated or wrong file must not close a source's whole offer
 * (as LHÉO full feeds: trainings/importer.ts).
 */
export const heldWithdrawal = (accepted: number, wouldWithdraw: number) => wouldWithdraw > accepted;

/** The platform as the author of a command-line import (the audit line's actor). */
export const PLATFORM_IMPORT: Actor = {
  via: 'token',
  userId: null,
  label: 'Import de la plateforme',
  isSuperAdmin: false,
  organisationId: null,
  role: null,
  memberships: [],
  ip: null,
};

/** The path of the first string PostgreSQL cannot store (a NUL, a lone surrogate), or null. */
function unstorableField(value: unknown, path: string): string | null {
  if (typeof value === 'string') return hasUnstorableCharacter(value) ? path || 'enregistrement' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, v] of Object.entries(value)) {
    const found = unstorableField(v, path ? `${path}/${key}` : key);
    if (found !== null) return found;
  }
  return null;
}

export interface OfferImportOptions {
  source: string;
  fileName: string;
  /** A full feed: the source's published offers absent from it are closed. */
  full: boolean;
  confirmWithdrawal?: boolean;
  actor?: Actor;
}

export interface OfferImportResult extends ImportCounts {
  importId: string;
  warnings: number;
  /** The structure error that stopped the feed (nothing withdrawn then), or null. */
  error: string | null;
  /** A full feed's withdrawal held for confirmation: how many it would close. */
  heldWithdrawal: number | null;
}

/**
 * Imports a France Travail « Offres d'emploi v2 » feed (a JSON array or NDJSON), streamed record by
 * record: idempotent by source and id (an unchanged record is left, a changed one updated, a
 * withdrawn one published again), every rejection and warning stored with its record and field,
 * duplicated ids in one feed rejected, and, for a full feed, the offers absent from it closed.
 */
export async function importOffers(
  db: Db,
  chunks: AsyncIterable<string | Uint8Array>,
  options: OfferImportOptions,
): Promise<OfferImportResult> {
  const repo = offerImportRepository(db);
  const actor = options.actor ?? PLATFORM_IMPORT;
  const source = options.source.trim();
  const lookups = await repo.lookups();
  const importId = await repo.start({
    source,
    fileName: options.fileName,
    full: options.full,
    actorLabel: actor.label,
  });
  const counts: ImportCounts = {
    records: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    withdrawn: 0,
  };
  let warnings = 0;
  let stored = 0;
  const seen = new Set<string>();
  let batch: Parameters<typeof repo.upsertBatch>[2] = [];
  let issues: StoredIssue[] = [];
  const flush = async () => {
    if (batch.length) {
      const r = await repo.upsertBatch(source, actor.label, batch);
      counts.created += r.created;
      counts.updated += r.updated;
      counts.unchanged += r.unchanged;
      batch = [];
    }
    if (issues.length) {
      await repo.addIssues(importId, issues);
      issues = [];
    }
  };
  const note = (
    index: number,
    recordId: string | null,
    issue: Omit<StoredIssue, 'record_index' | 'record_id'>,
  ) => {
    if (issue.severity === 'warning') warnings++;
    if (stored++ < MAX_STORED_ISSUES) issues.push({ ...issue, record_index: index, record_id: recordId });
  };

  let error: string | null = null;
  try {
    for await (const text of splitJsonRecords(chunks)) {
      const index = counts.records++;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (e) {
        counts.rejected++;
        note(index, null, {
          field: '',
          severity: 'rejection',
          message: `JSON invalide : ${(e as Error).message.slice(0, 200)}`,
        });
        continue;
      }
      const rawId = (record as { id?: unknown } | null)?.id;
      const recordId =
        typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId).slice(0, 50) : null;
      if (recordId !== null && seen.has(recordId)) {
        counts.rejected++;
        note(index, recordId, {
          field: 'id',
          severity: 'rejection',
          message: `Identifiant « ${recordId} » en double dans le flux : seul le premier enregistrement est importé.`,
        });
        continue;
      }
      if (recordId !== null) seen.add(recordId);
      const unstorable = unstorableField(record, '');
      if (unstorable !== null) {
        counts.rejected++;
        note(index, recordId, {
          field: unstorable,
          severity: 'rejection',
          message: `${unstorable} : caractère de contrôle ou encodage invalide, que la base ne peut pas stocker.`,
        });
        continue;
      }
      const { offer, issues: found } = mapFtRecord(record, lookups);
      for (const issue of found) note(index, recordId, issue);
      if (!offer) {
        counts.rejected++;
        continue;
      }
      const content_hash = createHash('sha1').update(JSON.stringify(offer)).digest('base64url');
      batch.push({ ...offer, content_hash });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  } catch (e) {
    if (!(e instanceof FeedStructureError)) throw e;
    await flush();
    error = e.message;
  }

  let held: number | null = null;
  const accepted = counts.created + counts.updated + counts.unchanged;
  const ids = [...seen];
  let toWithdraw = 0;
  if (options.full && !error) {
    toWithdraw = await repo.wouldWithdraw(source, ids);
    if (toWithdraw > 0 && !options.confirmWithdrawal && heldWithdrawal(accepted, toWithdraw)) {
      held = toWithdraw;
      toWithdraw = 0;
    }
  }
  await db.transaction().execute(async (tx) => {
    if (toWithdraw > 0) counts.withdrawn = await repo.withdraw(tx, source, ids, actor.label);
    await repo.finish(tx, importId, counts, error);
    const details = {
      source,
      fileName: options.fileName,
      full: options.full,
      ...counts,
      warnings,
      error,
      heldWithdrawal,
    };
    await recordAudit(tx, actor, {
      action: 'job_offer_import.done',
      subjectType: 'job_offer_import',
      subjectId: importId,
      details,
    });
    await repo.recordEvent(tx, 'job_offer_import.done', { importId, ...details });
  });
  return { importId, ...counts, warnings, error, heldWithdrawal: held };
}
