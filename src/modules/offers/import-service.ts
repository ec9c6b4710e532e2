import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Db } from '../../db/database.js';
import { AppError, conflict, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { megabytes, uploadArea } from '../../shared/uploads.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { type ImportRunRow, ISSUES_PAGE_SIZE, importRunRepository } from './import-run-repository.js';
import { importOffers } from './importer.js';
import { FeedStructureError, splitJsonRecords } from './json-stream.js';
import {
  canImportOffers,
  mayImportUnder,
  mayReadImport,
  type OfferSource,
  requireImporter,
} from './rights.js';

export { ISSUES_PAGE_SIZE } from './import-run-repository.js';

/** A source name: the command-line import's rule (cli/import-offers.ts), so both accept the same names. */
export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,49}$/;

export interface OfferImportServiceOptions {
  /** Largest feed accepted (config.offerImportMaxBytes). */
  maxBytes: number;
  /** Where a feed is received whole before its import (config.uploadDir). */
  uploadDir: string;
  /** Room for the feeds received or imported at once, together (config.uploadQuotaBytes). */
  quotaBytes: number;
}

const DEFAULTS: OfferImportServiceOptions = {
  maxBytes: 256 * 1024 * 1024,
  uploadDir: join(tmpdir(), 'passerelle-uploads'),
  quotaBytes: 512 * 1024 * 1024,
};

/** An import decided before its file is read: who, under which source (new or owned), how. */
export interface OfferImportPlan {
  actor: Actor;
  source: string;
  /** The source does not exist yet: the import creates it, owned by the actor's organisation. */
  newSource: OfferSource | null;
  full: boolean;
  confirmWithdrawal: boolean;
}

export const feedTooLarge = (maxBytes: number) =>
  new AppError(
    'too-large',
    `Flux trop volumineux : la limite est de ${megabytes(maxBytes)} (OFFER_IMPORT_MAX_BYTES). Rien n’a été importé ; un flux plus gros passe par la commande npm run import:offers.`,
    'file',
    { maxBytes },
  );

/** The run as the API and the pages show it. */
export function runSummary(run: ImportRunRow) {
  return {
    id: run.id,
    source: run.source,
    fileName: run.file_name,
    full: run.full_feed,
    status: run.status,
    startedAt: new Date(run.started_at).toISOString(),
    finishedAt: run.finished_at ? new Date(run.finished_at).toISOString() : null,
    actor: run.actor_label,
    counts: {
      records: run.records,
      created: run.created,
      updated: run.updated,
      unchanged: run.unchanged,
      withdrawn: run.withdrawn,
      rejected: run.rejected,
      warnings: run.warnings,
    },
    /** A full feed's withdrawal waiting for a decision: how many offers it would close. */
    withdrawalHeld:
      run.withdrawal_held !== null && run.withdrawal_decision === null ? run.withdrawal_held : null,
    withdrawalDecision: run.withdrawal_decision,
    error: run.error,
    reportUrl: `/offres/imports/${run.id}`,
  };
}
export type ImportSummaryView = ReturnType<typeof runSummary>;

/** The ids a feed holds, counted as the importer counts them (importer.ts: `seen`). */
async function feedIds(path: string): Promise<string[]> {
  const ids = new Set<string>();
  for await (const text of splitJsonRecords(createReadStream(path, { highWaterMark: 256 * 1024 }))) {
    try {
      const raw = (JSON.parse(text) as { id?: unknown } | null)?.id;
      if (typeof raw === 'string' || typeof raw === 'number') ids.add(String(raw).slice(0, 50));
    } catch {
      // A record that is not JSON has no id: the importer rejected it and counted none.
    }
  }
  return [...ids];
}

/**
 * Offer feed imports from the web and the API (issue 10 §3), around the importer: rights and the
 * source's owner decided before a byte is read, the feed received whole (size limit, quota) and its
 * structure checked before any write, the run's report, a full feed's held withdrawal decided.
 */
export function offerImportService(db: Db, options: Partial<OfferImportServiceOptions> = {}) {
  const { maxBytes, uploadDir, quotaBytes } = { ...DEFAULTS, ...options };
  const runs = importRunRepository(db);
  /**
   * Imports run one at a time in this process: two uploads of the same feed at once (a double
   * click) would insert the same source ids together and the second would fail on the unique
   * index. A waiting upload keeps its file on disk (within the quota). One process only: several
   * instances behind a balancer would need a database lock (the importer commits per batch).
   */
  let running: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(task: () => Promise<T>): Promise<T> => {
    const next = running.then(task, task);
    running = next.catch(() => undefined);
    return next;
  };

  /**
   * Streams the body to a file: a transfer cut, over the limit or past the quota leaves nothing,
   * and the import starts only from a whole file (the upload area LHÉO feeds use too).
   */
  const area = uploadArea({
    dir: uploadDir,
    quotaBytes,
    maxBytes,
    extension: '.json',
    tooLarge: feedTooLarge,
  });
  async function receive(stream: Readable, signal?: AbortSignal) {
    const saved = await area.save(stream, 'flux.json', signal);
    return { path: saved.path, size: saved.size, release: () => area.remove(saved) };
  }

  async function report(actor: Actor, id: string) {
    requireImporter(actor);
    if (!isUuid(id)) throw notFound('Import introuvable.');
    const run = await runs.get(id);
    if (!run || !mayReadImport(actor, run, await runs.source(run.source)))
      throw notFound('Import introuvable.');
    return run;
  }

  return {
    maxBytes,
    canImport: canImportOffers,
    requireImporter,

    /** Rights, the source's name and its owner, decided before the feed is read (the refusal names `source`). */
    async plan(
      actor: Actor,
      input: { source: string | null | undefined; full: boolean; confirmWithdrawal?: boolean },
    ): Promise<OfferImportPlan> {
      requireImporter(actor);
      const source = input.source?.trim() ?? '';
      if (!source) throw invalid('source', 'Indiquez la source du flux (ex. : france-travail-ara).');
      if (!SOURCE_PATTERN.test(source))
        throw invalid(
          'source',
          'Source invalide : 1 à 50 lettres minuscules sans accent, chiffres, « - » ou « _ », en commençant par une lettre ou un chiffre (ex. : france-travail-ara).',
        );
      const existing = await runs.source(source);
      if (!mayImportUnder(actor, existing))
        throw new AppError(
          'forbidden',
          `Import refusé sous la source « ${source} » : elle appartient à ${existing?.organisationId ? 'une autre organisation' : 'la plateforme'}, qui seule peut y importer ou en retirer des offres. Choisissez un autre nom de source.`,
          'source',
        );
      return {
        actor,
        source,
        newSource: existing
          ? null
          : { name: source, organisationId: actor.isSuperAdmin ? null : actor.organisationId },
        full: input.full,
        confirmWithdrawal: input.full && input.confirmWithdrawal === true,
      };
    },

    /**
     * Receives a feed and imports it under its plan. A file too large (413), empty (400) or whose
     * structure is broken (422) changes nothing; otherwise each bad record is rejected alone and
     * listed in the report. A full feed that would close more offers than it brings holds them.
     */
    async run(plan: OfferImportPlan, body: Readable, fileName: string, signal?: AbortSignal) {
      const file = await receive(body, signal);
      const name = fileName.slice(0, 200) || 'flux.json';
      try {
        if (file.size === 0)
          throw invalid('file', 'Le flux est vide : envoyez un tableau JSON ou du NDJSON.');
        // The structure is checked whole before any write: a truncated or malformed file imports
        // nothing (the importer alone would keep the records before the break).
        try {
          for await (const _ of splitJsonRecords(
            createReadStream(file.path, { highWaterMark: 256 * 1024 }),
          )) {
            // Only the structure is read here; records are parsed by the import.
          }
        } catch (error) {
          if (!(error instanceof FeedStructureError)) throw error;
          const id = await runs.recordRefused({
            source: plan.source,
            fileName: name,
            full: plan.full,
            actorLabel: plan.actor.label,
            organisationId: plan.actor.organisationId,
            error: error.message,
          });
          throw new AppError(
            'unprocessable',
            `Flux refusé, rien n’a été modifié : ${error.message}`,
            'file',
            {
              id,
              reportUrl: `/offres/imports/${id}`,
              record: error.recordIndex + 1,
              offset: error.offset,
            },
          );
        }
        const importId = await oneAtATime(async () => {
          if (plan.newSource) await runs.createSource(plan.newSource);
          const result = await importOffers(db, createReadStream(file.path, { highWaterMark: 256 * 1024 }), {
            source: plan.source,
            fileName: name,
            full: plan.full,
            confirmWithdrawal: plan.confirmWithdrawal,
            actor: plan.actor,
          });
          const held = result.heldWithdrawal
            ? await runs.hold(result.importId, plan.source, await feedIds(file.path))
            : null;
          await runs.annotate(result.importId, {
            organisationId: plan.actor.organisationId,
            warnings: result.warnings,
            held,
          });
          return result.importId;
        });
        return runSummary((await runs.get(importId))!);
      } finally {
        await file.release();
      }
    },

    /** The sources this person imports under, to suggest on the form. */
    async sources(actor: Actor) {
      requireImporter(actor);
      if (actor.isSuperAdmin) return runs.sourceNames(null);
      return actor.organisationId ? runs.sourceNames(actor.organisationId) : [];
    },

    /** The latest imports: all for the super-admin, else the organisation's and its sources'. */
    async list(actor: Actor) {
      requireImporter(actor);
      const rows = await runs.list(actor.isSuperAdmin ? null : actor.organisationId);
      return rows.map(runSummary);
    },

    async get(actor: Actor, id: string) {
      return runSummary(await report(actor, id));
    },

    /** One page of an import's rejections or warnings, with the record and field of each. */
    async issues(actor: Actor, id: string, severity: 'rejection' | 'warning', page: number) {
      const run = await report(actor, id);
      const { rows, total } = await runs.issuePage(run.id, severity, page);
      return {
        severity,
        page,
        pageSize: ISSUES_PAGE_SIZE,
        total,
        items: rows.map((r) => ({
          record: r.record_index + 1,
          recordId: r.record_id,
          field: r.field,
          message: r.message,
        })),
      };
    },

    /** Every issue, for the JSON and CSV downloads. */
    async allIssues(actor: Actor, id: string) {
      const run = await report(actor, id);
      return { run: runSummary(run), issues: await runs.allIssues(run.id) };
    },

    /**
     * Confirms or cancels a full feed's held withdrawal, once. A confirmation closes the offers
     * fixed when the feed was read and still published; it is refused once a later import of the
     * source has run (the file is then no longer the feed's latest state).
     */
    async decideWithdrawal(actor: Actor, id: string, decision: 'confirm' | 'cancel') {
      requireImporter(actor);
      if (decision !== 'confirm' && decision !== 'cancel')
        throw invalid('decision', 'Décision attendue : « confirm » (retirer) ou « cancel » (garder).');
      const run = await report(actor, id);
      if (!mayImportUnder(actor, await runs.source(run.source)))
        throw new AppError(
          'forbidden',
          `Seule l’organisation propriétaire de la source « ${run.source} » décide de ses retraits.`,
          'source',
        );
      return db.transaction().execute(async (tx) => {
        const repo = importRunRepository(tx);
        const locked = await repo.lockRun(tx, id);
        if (locked?.status !== 'done' || locked.withdrawal_held === null || locked.withdrawal_decision)
          throw conflict(
            'decision',
            'Cet import n’attend aucune confirmation : la décision a déjà été prise, ou il n’y avait rien à retirer.',
          );
        if (decision === 'confirm' && (await repo.supersededBy(tx, locked)))
          throw conflict(
            'decision',
            `Un import plus récent de la source « ${locked.source} » a eu lieu depuis : ce fichier n’est plus le dernier état du flux. Importez le flux complet à jour.`,
          );
        const withdrawn = decision === 'confirm' ? await repo.closeHeld(tx, id, actor.label) : 0;
        await repo.decide(tx, id, decision === 'confirm' ? 'confirmed' : 'cancelled', withdrawn);
        const details = {
          source: locked.source,
          fichier: locked.file_name,
          decision: decision === 'confirm' ? 'confirmé' : 'annulé',
          wouldWithdraw: locked.withdrawal_held,
          withdrawn,
        };
        await recordAudit(tx, actor, {
          action: 'job_offer_import.withdrawal',
          subjectType: 'job_offer_import',
          subjectId: id,
          details,
        });
        await repo.recordEvent(tx, 'job_offer_import.withdrawal', { importId: id, ...details });
        return runSummary((await repo.get(id))!);
      });
    },
  };
}
export type OfferImportService = ReturnType<typeof offerImportService>;
