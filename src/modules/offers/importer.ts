import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { hasUnstorableCharacter } from '../../shared/formats.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { mapFtRecord } from './ft-record.js';
import { type ImportCounts, offerImportRepository, type StoredIssue } from './import-repository.js';
import { FeedStructureError, splitJsonRecords } from './json-stream.js';

/**
 * Records per batch (one statement each): enough to amortise a round trip and the statement's fixed
 * cost, about 2 MB of JSON in flight (bench/offers-import.ts).
 */
const BATCH = 1000;

/** A record read, waiting for its batch: its outcome once its id is known not to be a duplicate. */
interface Pending {
  index: number;
  recordId: string | null;
  /** Already read earlier in the same batch. */
  duplicate: boolean;
  /** The offer as JSON (with its content_hash), or null when rejected. */
  row: string | null;
  issues: Omit<StoredIssue, 'record_index' | 'record_id'>[];
}
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

/**
 * What a record's JSON text shows when one of its strings may hold a character PostgreSQL cannot
 * store: a control character is written \u00XX, \b or \f in JSON (raw, JSON.parse refuses it), a
 * lone surrogate \uDXXX or raw. A text without any of these needs no walk through its fields
 * (a sixth of the per-record work, bench/offers-import.ts); one with them (an emoji, « \\u »)
 * is walked as before.
 */
const MAYBE_UNSTORABLE = /\\[ubf]|[\uD800-\uDFFF]/;

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
  let issues: StoredIssue[] = [];
  const note = (
    index: number,
    recordId: string | null,
    issue: Omit<StoredIssue, 'record_index' | 'record_id'>,
  ) => {
    if (issue.severity === 'warning') warnings++;
    if (stored++ < MAX_STORED_ISSUES) issues.push({ ...issue, record_index: index, record_id: recordId });
  };
  // Whether a record's id was read before is known for sure only once its batch meets the ids
  // already recorded (job_offer_import_seen): each record waits in `pending` with what its reading
  // found, and is settled in order when its batch is written (a duplicate keeps only that rejection).
  let pending: Pending[] = [];
  let inBatch = new Set<string>();
  const settle = async (entries: Pending[]) => {
    const fresh = await repo.markSeen(importId, [
      ...new Set(entries.flatMap((e) => (e.recordId ? [e.recordId] : []))),
    ]);
    const rows: string[] = [];
    for (const e of entries) {
      if (e.recordId !== null && (e.duplicate || !fresh.has(e.recordId))) {
        counts.rejected++;
        note(e.index, e.recordId, {
          field: 'id',
          severity: 'rejection',
          message: `Identifiant « ${e.recordId} » en double dans le flux : seul le premier enregistrement est importé.`,
        });
        continue;
      }
      for (const issue of e.issues) note(e.index, e.recordId, issue);
      if (e.row === null) counts.rejected++;
      else rows.push(e.row);
    }
    if (rows.length) {
      const r = await repo.upsertBatch(source, actor.label, `[${rows.join(',')}]`);
      counts.created += r.created;
      counts.updated += r.updated;
      counts.unchanged += r.unchanged;
    }
    if (issues.length) {
      const written = issues;
      issues = [];
      await repo.addIssues(importId, written);
    }
  };
  // One batch written while the next is read (the database and the parsing overlap); the reading
  // waits for the previous write before handing over another: at most two batches in memory.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const entries = pending;
    pending = [];
    inBatch = new Set();
    const previous = writing;
    writing = previous.then(() => (entries.length ? settle(entries) : undefined));
    // Observed at the next flush or at the end; marked handled so that a failure waits for them.
    writing.catch(() => {});
    await previous;
  };
  await repo.forgetFinishedSeen();

  let error: string | null = null;
  try {
    for await (const text of splitJsonRecords(chunks)) {
      const index = counts.records++;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (e) {
        pending.push({
          index,
          recordId: null,
          duplicate: false,
          row: null,
          issues: [
            {
              field: '',
              severity: 'rejection',
              message: `JSON invalide : ${(e as Error).message.slice(0, 200)}`,
            },
          ],
        });
        if (pending.length >= BATCH) await flush();
        continue;
      }
      const rawId = (record as { id?: unknown } | null)?.id;
      const recordId =
        typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId).slice(0, 50) : null;
      const entry: Pending = { index, recordId, duplicate: false, row: null, issues: [] };
      pending.push(entry);
      if (recordId !== null) {
        if (inBatch.has(recordId)) entry.duplicate = true;
        inBatch.add(recordId);
      }
      if (!entry.duplicate) {
        const unstorable = MAYBE_UNSTORABLE.test(text) ? unstorableField(record, '') : null;
        if (unstorable !== null)
          entry.issues.push({
            field: unstorable,
            severity: 'rejection',
            message: `${unstorable} : caractère de contrôle ou encodage invalide, que la base ne peut pas stocker.`,
          });
        else {
          const { offer, issues: found } = mapFtRecord(record, lookups);
          entry.issues = found;
          if (offer) {
            // The hash of the offer's JSON (as before: stored hashes stay comparable), and that same
            // text, with the hash added, as the batch's element.
            const json = JSON.stringify(offer);
            const hash = createHash('sha1').update(json).digest('base64url');
            entry.row = `${json.slice(0, -1)},"content_hash":"${hash}"}`;
          }
        }
      }
      if (pending.length >= BATCH) await flush();
    }
    await flush();
    await writing;
  } catch (e) {
    if (!(e instanceof FeedStructureError)) {
      await writing.catch(() => {});
      throw e;
    }
    await flush();
    await writing;
    error = e.message;
  }

  let held: number | null = null;
  const accepted = counts.created + counts.updated + counts.unchanged;
  let toWithdraw = 0;
  if (options.full && !error) {
    toWithdraw = await repo.wouldWithdraw(source, importId);
    if (toWithdraw > 0 && !options.confirmWithdrawal && heldWithdrawal(accepted, toWithdraw)) {
      held = toWithdraw;
      toWithdraw = 0;
    }
  }
  await db.transaction().execute(async (tx) => {
    if (toWithdraw > 0) counts.withdrawn = await repo.withdraw(tx, source, importId, actor.label);
    await repo.forgetSeen(tx, importId);
    await repo.finish(tx, importId, counts, error);
    const details = {
      source,
      fileName: options.fileName,
      full: options.full,
      ...counts,
      warnings,
      error,
      heldWithdrawal: held,
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
