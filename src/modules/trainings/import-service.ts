import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { AppError, conflict, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { uploadArea } from '../../shared/uploads.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { importRepository } from './import-repository.js';
import { FULL_FEED_MIN_SHARE, heldWithdrawal, importLheo, SOURCE_PATTERN } from './importer.js';
import {
  type Importer,
  newSourceOwner,
  OWN_OFFER_PREFIX,
  requireImportRights,
  requireSourceRights,
} from './rights.js';
import { refreshSearchProjection } from './search-repository.js';
import type { ServiceContext, TrainingsOptions } from './service-helpers.js';

/** An import decided before its file is read: who, under which source, how. */
export interface ImportPlan {
  /** A plan is made for a signed-in person or a partner system (the CLI imports as the platform, without a plan). */
  by: Extract<Importer, { kind: 'person' }>;
  source: string;
  mode: 'full' | 'partial';
  restrictToSiret: string | null;
  /** A full feed withdraws even when it would withdraw much more than it brings (importer.ts). */
  confirmWithdrawal: boolean;
}

/** What a person decides about a full feed's withdrawal held for confirmation. */
export type WithdrawalDecision = 'confirm' | 'cancel';

/** Imports of LHÉO feeds: their plan, the upload, the runs' reports and the withdrawals they hold. */
export function importService(
  { db, catalogue, changed }: ServiceContext,
  options: Pick<TrainingsOptions, 'maxImportBytes' | 'uploadDir' | 'uploadQuotaBytes' | 'fullFeedMinShare'>,
) {
  const imports = importRepository(db);
  const uploads = uploadArea({
    dir: options.uploadDir,
    quotaBytes: options.uploadQuotaBytes,
    maxBytes: options.maxImportBytes,
  });
  /** An existing source this importer may use, or a new one it may create (the refusal names `source`). */
  async function checkSource(by: Importer, name: string) {
    const existing = await imports.source(name);
    if (existing) requireSourceRights(by, existing);
    else newSourceOwner(by, name);
  }
  const fullFeedMinShare = options.fullFeedMinShare ?? FULL_FEED_MIN_SHARE;

  async function importReport(actor: Actor, id: string) {
    if (!isUuid(id)) throw notFound('Import introuvable.');
    const run = await imports.get(id);
    if (!run || (!actor.isSuperAdmin && run.organisation_id !== actor.organisationId))
      throw notFound('Import introuvable.');
    const problems = await imports.rejections(id);
    return {
      run,
      rejections: problems.filter((p) => p.severity === 'error'),
      warnings: problems.filter((p) => p.severity === 'warning'),
      heldWithdrawal: run.status === 'done' ? heldWithdrawal(run.counts, fullFeedMinShare) : null,
    };
  }

  return {
    /**
     * Who imports what under which source, decided before a byte of the file is read: import
     * rights, then the source's owner (rights.ts). The importer decides again under its lock.
     */
    async planImport(
      actor: Actor,
      input: { source: string | null; mode: 'full' | 'partial'; confirmWithdrawal?: boolean },
    ): Promise<ImportPlan> {
      const rights = requireImportRights(actor);
      const confirmWithdrawal = input.mode === 'full' && input.confirmWithdrawal === true;
      const by: ImportPlan['by'] = { kind: 'person', actor };
      if (!rights.anySource) {
        // A training organisation imports its own offer only: the SIRET of its organisation.
        const siret = actor.organisationId ? await catalogue.organisationSiret(actor.organisationId) : null;
        if (!siret)
          throw invalid(
            'file',
            'Votre organisme n’a pas de SIRET : renseignez-le avant d’importer son offre.',
          );
        const source = `${OWN_OFFER_PREFIX}${siret}`;
        await checkSource(by, source);
        return { by, source, mode: input.mode, restrictToSiret: siret, confirmWithdrawal };
      }
      if (!input.source) throw invalid('source', 'Indiquez la source du flux (ex. : carif-oref-ara).');
      if (!SOURCE_PATTERN.test(input.source))
        throw invalid(
          'source',
          'Source invalide : lettres minuscules, chiffres, « . », « _ » ou « - » (ex. : carif-oref-ara).',
        );
      await checkSource(by, input.source);
      return { by, source: input.source, mode: input.mode, restrictToSiret: null, confirmWithdrawal };
    },

    /**
     * Receives an uploaded file (size limit, quota), imports it under its plan, and removes it,
     * whatever happens. A file refused as a whole is answered as such (422, with its report).
     */
    async importUpload(plan: ImportPlan, file: Readable, fileName: string, signal?: AbortSignal) {
      const upload = await uploads.save(file, fileName, signal);
      try {
        if (upload.size === 0) throw invalid('file', 'Choisissez un fichier LHÉO non vide.');
        const outcome = await importLheo(db, {
          source: plan.source,
          mode: plan.mode,
          fileName: upload.fileName,
          sizeBytes: upload.size,
          open: () => createReadStream(upload.path, { highWaterMark: 256 * 1024 }),
          by: plan.by,
          restrictToSiret: plan.restrictToSiret,
          maxBytes: options.maxImportBytes,
          confirmWithdrawal: plan.confirmWithdrawal,
          fullFeedMinShare,
          audit: (tx, run) =>
            recordAudit(tx, plan.by.actor, {
              action: 'lheo_import.done',
              subjectType: 'lheo_import',
              subjectId: run.id,
              details: {
                source: plan.source,
                mode: plan.mode,
                fileName: upload.fileName,
                ...run.counts,
                rejected: run.rejected,
                ...(plan.confirmWithdrawal ? { withdrawalConfirmedInAdvance: true } : {}),
                warnings: run.warnings,
              },
            }),
        });
        changed();
        const summary = {
          ...outcome,
          counts: { ...outcome.counts },
          reportUrl: `/formations/imports/${outcome.id}`,
        };
        if (outcome.status === 'failed')
          throw new AppError(
            'unprocessable',
            `Fichier refusé, rien n’a été modifié : ${outcome.error}`,
            'file',
            {
              id: outcome.id,
              reportUrl: summary.reportUrl,
              error: outcome.error,
              line: outcome.line,
              column: outcome.column,
            },
          );
        return summary;
      } finally {
        await uploads.remove(upload);
      }
    },

    /** The sources this person may import under (rights.ts: their organisation's own and operated ones), to suggest on the form. */
    async importSources(actor: Actor) {
      requireImportRights(actor);
      if (actor.isSuperAdmin) return imports.sourceNames(null);
      return actor.organisationId ? imports.sourceNames(actor.organisationId) : [];
    },

    async listImports(actor: Actor) {
      return imports.list({
        ...(actor.isSuperAdmin ? {} : { organisationId: actor.organisationId }),
        limit: 50,
      });
    },

    importReport,

    /**
     * Confirms or cancels the withdrawal a full feed held (importer.ts): whoever may import under
     * its source decides, once, under the import lock. A confirmation withdraws what that run did
     * not bring, so it is refused once a later import of the source has run: the absent
     * formations would then be judged against a file that is no longer the latest.
     */
    async decideWithdrawal(actor: Actor, id: string, decision: WithdrawalDecision) {
      // Rights first, as for an upload: a refusal never depends on what was sent.
      requireImportRights(actor);
      if (decision !== 'confirm' && decision !== 'cancel')
        throw invalid('decision', 'Décision attendue : « confirm » (retirer) ou « cancel » (garder).');
      const { run } = await importReport(actor, id);
      const source = await imports.source(run.source);
      if (source) requireSourceRights({ kind: 'person', actor }, source);
      const outcome = await db.transaction().execute(async (tx) => {
        const repo = importRepository(tx);
        if (!(await repo.serialise(30_000)))
          throw conflict('decision', 'Un import est en cours : réessayez dans quelques minutes.');
        const locked = await repo.lockedRun(id);
        const counts: Record<string, number> = { ...(locked?.counts ?? {}) };
        const held = counts.withdrawalHeld;
        if (locked?.status !== 'done' || !held)
          throw conflict(
            'decision',
            'Ce flux complet n’attend aucune confirmation : la décision a déjà été prise, ou il n’y avait rien à retirer.',
          );
        if (decision === 'confirm' && (await repo.supersededBy(locked)))
          throw conflict(
            'decision',
            `Un import plus récent de la source « ${locked.source} » a eu lieu depuis : ce fichier n’est plus le dernier état connu du flux. Importez le flux complet à jour.`,
          );
        delete counts.withdrawalHeld;
        if (decision === 'confirm') {
          counts.withdrawn = await repo.withdrawAbsent(locked.source, id);
          // The search must stop offering what was just withdrawn, in the same transaction.
          await refreshSearchProjection(tx, { importId: id });
          await repo.refreshVocabulary();
        } else counts.withdrawalCancelled = held;
        await repo.setCounts(id, counts);
        await recordAudit(tx, actor, {
          action: 'lheo_import.withdrawal',
          subjectType: 'lheo_import',
          subjectId: id,
          details: {
            source: locked.source,
            decision: decision === 'confirm' ? 'confirmé' : 'annulé',
            wouldWithdraw: held,
            withdrawn: counts.withdrawn ?? 0,
          },
        });
        return { counts, withdrawn: counts.withdrawn ?? 0, kept: decision === 'cancel' ? held : 0 };
      });
      if (decision === 'confirm') {
        await imports.vacuum();
        changed();
      }
      return { id, decision, ...outcome, reportUrl: `/formations/imports/${id}` };
    },
  };
}
