import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/database.js';
import type { AuditAction } from '../../shared/audit.js';
import { csvHeader, csvLine } from '../../shared/csv.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../shared/errors.js';
import { isDepartmentCode, isIsoDate, isUuid } from '../../shared/formats.js';
import { queryTokens } from '../../shared/text.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { FUNDERS, LEVELS, PUBLIC_JOBSEEKER_FUNDERS } from './dictionaries.js';
import { importRepository } from './import-repository.js';
import { FULL_FEED_MIN_SHARE, heldWithdrawal, importLheo, SOURCE_PATTERN } from './importer.js';
import { lheoDocument } from './lheo/writer.js';
import { catalogueRepository, type SessionPatch, type TrainingView } from './repository.js';
import {
  canManageOffer,
  type Importer,
  newSourceOwner,
  OWN_OFFER_PREFIX,
  requireImportRights,
  requireSourceRights,
} from './rights.js';
import type { NewSessionBody, TrainingTextPatch } from './schemas.js';
import { refreshSearchProjection, type SearchFilters, searchRepository } from './search-repository.js';
import { uploadArea } from './uploads.js';
import { closestByEdits, vocabularyRepository } from './vocabulary-repository.js';

export const EXPORT_LIMIT = 5000;

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

interface AnalysedWord {
  lexemes: string[];
  corrections: { from: string; to: string }[];
}

export type RawQuery = Record<string, unknown>;
const str = (q: RawQuery, k: string) => {
  const v = q[k];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;
};

/** Session dates, whoever calls (API schema, page form): a date that does not exist never reaches SQL. */
function checkSessionDates(dates: { start?: string; end?: string }) {
  for (const field of ['start', 'end'] as const) {
    const value = dates[field];
    if (value !== undefined && !isIsoDate(value))
      throw invalid(
        field,
        `Date « ${value} » invalide : une date qui existe, au format AAAA-MM-JJ, est attendue.`,
      );
  }
}

export function trainingsService(
  db: Db,
  options: {
    maxImportBytes: number;
    /** Where uploads wait for their import, and the room they may take together (uploads.ts). */
    uploadDir: string;
    uploadQuotaBytes: number;
    /** LHEO_FULL_FEED_MIN_SHARE (config.ts). */
    fullFeedMinShare?: number;
    searchCacheSize?: number;
    today?: () => string;
    /** Clock of the result cache, in ms (tests move it). */
    now?: () => number;
  },
) {
  const search = searchRepository(db);
  const vocabulary = vocabularyRepository(db);
  const catalogue = catalogueRepository(db);
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
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  const fullFeedMinShare = options.fullFeedMinShare ?? FULL_FEED_MIN_SHARE;
  // Prescribers search the same trades again and again: the stemming and typo correction of a
  // word is kept a few minutes (the vocabulary only changes with an import; one run here clears it).
  const words = new LRUCache<string, AnalysedWord>({ max: 5000, ttl: 10 * 60_000 });
  const communes = new LRUCache<string, NonNullable<Awaited<ReturnType<typeof catalogue.communePoint>>>>({
    max: 2000,
    ttl: 10 * 60_000,
    fetchMethod: async (code) => (await catalogue.communePoint(code)) ?? undefined,
  });
  // The catalogue changes with imports and the organisations' edits, a few times a day: the same
  // search within a minute gets the same answer. Every change made here empties the cache; one
  // made by another process (the import CLI) shows within the minute.
  const results = options.searchCacheSize
    ? new LRUCache<string, Awaited<ReturnType<typeof search.search>>>({
        max: options.searchCacheSize,
        ttl: 60_000,
        ...(options.now ? { perf: { now: options.now } } : {}),
      })
    : null;
  const changed = () => {
    results?.clear();
    words.clear();
  };

  /** Each query word stemmed, and corrected against the catalogue's vocabulary when unknown. */
  async function analysedWords(tokens: string[]): Promise<AnalysedWord[]> {
    const missing = tokens.filter((t) => !words.has(t));
    for (const t of await search.analyseTokens(missing)) {
      const word: AnalysedWord = { lexemes: [], corrections: [] };
      // No lexeme: a stop word ("de", "la").
      for (const lexeme of t.lexeme?.split(' ') ?? []) {
        if (t.known || lexeme.length < 4) {
          word.lexemes.push(lexeme);
          continue;
        }
        // Fewest edits first: trigrams alone turned « electricein » into « electricit » (electricity
        // maintenance) instead of « electricien », losing the trade the person typed (issue 9 §4).
        const closest = closestByEdits(lexeme, await vocabulary.candidates(lexeme));
        if (closest && closest !== lexeme)
          // Shown as a word of the catalogue (« plaquiste »), never as its stem (« plaquist »).
          word.corrections.push({ from: t.token, to: (await vocabulary.surfaceWord(closest)) ?? closest });
        word.lexemes.push(closest ?? lexeme);
      }
      words.set(t.token, word);
    }
    return tokens.map((t) => words.get(t) ?? { lexemes: [], corrections: [] });
  }

  /** Parses what a form or an API client sent into filters; every refusal names its field. */
  async function filtersFrom(q: RawQuery, paging: { maxPerPage: number } = { maxPerPage: 100 }) {
    const corrections: { from: string; to: string }[] = [];
    const text = str(q, 'q');
    if (text && text.length > 200) throw invalid('q', 'Recherche trop longue (200 caractères au plus).');
    const tokens = text ? queryTokens(text).slice(0, 8) : [];
    const lexemes: string[] = [];
    for (const token of await analysedWords(tokens)) {
      lexemes.push(...token.lexemes);
      corrections.push(...token.corrections);
    }
    let point: SearchFilters['point'] = null;
    let communeName: string | null = null;
    const commune = str(q, 'commune');
    if (commune) {
      // « Lyon (69) » is what the suggestion list puts in the field: the name in its department.
      const named = /^(.+?)\s*\((\d{2,3}|2[AB])\)$/.exec(commune);
      const found = /^(\d{5}|2[AB]\d{3})$/.test(commune)
        ? await communes.fetch(commune)
        : named
          ? await catalogue.communeByName(queryTokens(named[1]!).join(' '), named[2]!)
          : await catalogue.communeByName(queryTokens(commune).join(' '));
      if (!found)
        throw invalid('commune', `Commune « ${commune} » inconnue : choisissez-la dans la liste proposée.`);
      const radius = Number(str(q, 'radiusKm') ?? 30);
      if (!Number.isInteger(radius) || radius < 1 || radius > 200)
        throw invalid('radiusKm', 'Le rayon doit être un nombre entier de kilomètres entre 1 et 200.');
      point = { latitude: found.latitude, longitude: found.longitude, radiusKm: radius };
      communeName = found.name;
    }
    let romeCodes: string[] | null = null;
    const appellation = str(q, 'appellation');
    if (appellation) {
      const found = await catalogue.appellationRome(appellation);
      if (!found) throw invalid('appellation', `Appellation ROME « ${appellation} » inconnue.`);
      romeCodes = [found.rome_code];
    }
    const rome = str(q, 'rome');
    if (rome) {
      if (!/^[A-N]\d{4}$/.test(rome)) throw invalid('rome', `Code ROME « ${rome} » invalide (ex. : F1602).`);
      romeCodes = [...(romeCodes ?? []), rome];
    }
    const formacode = str(q, 'formacode');
    if (formacode && !/^\d{5}$/.test(formacode))
      throw invalid('formacode', 'Un code Formacode compte 5 chiffres.');
    const rncp = str(q, 'rncp')?.replace(/^RNCP/i, '') ?? null;
    if (rncp && !/^\d{1,6}$/.test(rncp)) throw invalid('rncp', 'Numéro RNCP invalide (ex. : RNCP34827).');
    const startFrom = str(q, 'startFrom');
    const startTo = str(q, 'startTo');
    if (startFrom && !isIsoDate(startFrom))
      throw invalid('startFrom', 'Date de début invalide (AAAA-MM-JJ).');
    if (startTo && !isIsoDate(startTo)) throw invalid('startTo', 'Date de fin invalide (AAAA-MM-JJ).');
    if (startFrom && startTo && startTo < startFrom)
      throw invalid('startTo', 'La fin de la période d’entrée précède son début.');
    const teachingMode = str(q, 'teachingMode');
    if (teachingMode && !['0', '1', '2'].includes(teachingMode))
      throw invalid('teachingMode', 'Modalité inconnue.');
    const certifying = str(q, 'certifying');
    if (certifying && certifying !== 'true' && certifying !== 'false')
      throw invalid('certifying', 'true ou false.');
    const entryLevel = str(q, 'entryLevel');
    if (entryLevel && !(entryLevel in LEVELS))
      throw invalid('entryLevel', `Niveau « ${entryLevel} » inconnu.`);
    const funder = str(q, 'funder');
    if (funder && funder !== 'demandeurs' && !(funder in FUNDERS))
      throw invalid('funder', `Financeur « ${funder} » inconnu (code LHÉO ou « demandeurs »).`);
    const sort = str(q, 'sort') ?? (text ? 'relevance' : point ? 'distance' : 'start');
    if (!['relevance', 'distance', 'start'].includes(sort)) throw invalid('sort', 'Tri inconnu.');
    const page = Number(str(q, 'page') ?? 1);
    const perPage = Number(str(q, 'perPage') ?? 20);
    if (!Number.isInteger(page) || page < 1 || page > 1000) throw invalid('page', 'Page invalide.');
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > paging.maxPerPage)
      throw invalid('perPage', `De 1 à ${paging.maxPerPage} résultats par page.`);
    const department = str(q, 'department');
    if (department && !isDepartmentCode(department)) throw invalid('department', 'Département invalide.');
    const filters: SearchFilters = {
      lexemes,
      point,
      romeCodes,
      formacode,
      rncp,
      startFrom,
      startTo,
      teachingMode,
      certifying: certifying === null ? null : certifying === 'true',
      entryLevel,
      funders: funder ? (funder === 'demandeurs' ? PUBLIC_JOBSEEKER_FUNDERS : [funder]) : null,
      openPlaces: str(q, 'openPlaces') === 'true',
      department,
      sort: sort as SearchFilters['sort'],
      limit: perPage,
      offset: (page - 1) * perPage,
      today: today(),
    };
    return { filters, corrections, communeName, page, perPage };
  }

  async function trainingsOfQuery(q: RawQuery): Promise<string[]> {
    const { filters } = await filtersFrom(
      { ...q, page: '1', perPage: String(EXPORT_LIMIT) },
      { maxPerPage: EXPORT_LIMIT },
    );
    const result = await search.search(filters);
    return catalogue.trainingIdsOfActions(result.items.map((i) => i.actionId));
  }

  /**
   * A change of the training offer and its audit line, in one transaction: the line commits or
   * rolls back with the change (issue 8, hole 13: 345 session edits and a text edit left no line).
   */
  function changeOffer<T>(
    actor: Actor,
    trainingId: string,
    fn: (repo: ReturnType<typeof catalogueRepository>) => Promise<T>,
    audit: (result: T) => {
      action: AuditAction;
      subjectType: string;
      subjectId: string;
      details?: Record<string, unknown>;
    },
  ): Promise<T> {
    return db.transaction().execute(async (tx) => {
      const result = await fn(catalogueRepository(tx));
      // The search reads its projection: the formation's rows change with it, in its transaction.
      await refreshSearchProjection(tx, { trainingIds: [trainingId] });
      await recordAudit(tx, actor, audit(result));
      return result;
    });
  }

  async function managedSession(actor: Actor, sessionId: string) {
    if (!isUuid(sessionId)) throw notFound('Session introuvable.');
    const owner = await catalogue.sessionOwner(sessionId);
    if (!owner) throw notFound('Session introuvable.');
    if (!canManageOffer(actor, owner.organisation_id))
      throw forbidden('Seul l’organisme de formation responsable peut modifier cette session.');
    return owner;
  }

  return {
    /** The filters a query becomes (words analysed, commune located): the benchmark runs them under EXPLAIN. */
    async searchFilters(q: RawQuery): Promise<SearchFilters> {
      return (await filtersFrom(q)).filters;
    },

    async search(q: RawQuery) {
      const { filters, corrections, communeName, page, perPage } = await filtersFrom(q);
      // The filters carry today's date: a cached answer never outlives its day.
      const key = JSON.stringify(filters);
      let result = results?.get(key);
      if (!result) {
        result = await search.search(filters);
        // Set on a miss only: a hit must not push the minute back, or a change made by another
        // process would never show for a query asked all the time.
        results?.set(key, result);
      }
      return { ...result, page, perPage, corrections, communeName };
    },

    async get(actor: Actor | null, id: string): Promise<TrainingView & { canManage: boolean }> {
      if (!isUuid(id)) throw notFound('Formation introuvable.');
      const [training] = await catalogue.load([id]);
      if (!training) throw notFound('Formation introuvable.');
      return { ...training, canManage: canManageOffer(actor, training.providerOrganisationId) };
    },

    /** LHÉO document of the formations a search matched (at most EXPORT_LIMIT actions). */
    async exportLheo(q: RawQuery): Promise<AsyncIterable<string>> {
      const ids = await trainingsOfQuery(q);
      return lheoDocument(chunked(ids, (chunk) => catalogue.load(chunk)));
    },

    async exportCsv(q: RawQuery): Promise<AsyncIterable<string>> {
      const ids = await trainingsOfQuery(q);
      return csvRows(chunked(ids, (chunk) => catalogue.load(chunk)));
    },

    async ownTrainings(actor: Actor, page: number) {
      if (!actor.organisationId) return { total: 0, items: [] };
      return catalogue.ownTrainings(actor.organisationId, 50, (page - 1) * 50);
    },

    /** Checks the right before reading a form, so that a refusal never depends on what was typed. */
    async checkSessionRights(actor: Actor, sessionId: string) {
      await managedSession(actor, sessionId);
    },

    async checkTrainingRights(actor: Actor, trainingId: string) {
      const training = await this.get(actor, trainingId);
      if (!training.canManage)
        throw forbidden('Seul l’organisme de formation responsable peut modifier cette formation.');
      return training;
    },

    async updateSession(actor: Actor, sessionId: string, patch: SessionPatch) {
      checkSessionDates(patch);
      const owner = await managedSession(actor, sessionId);
      const start = patch.start ?? owner.start_date;
      const end = patch.end ?? owner.end_date;
      if (end < start) throw invalid('end', 'La session ne peut pas finir avant de commencer.');
      const total = patch.placesTotal !== undefined ? patch.placesTotal : owner.places_total;
      const remaining = patch.placesRemaining !== undefined ? patch.placesRemaining : owner.places_remaining;
      if (total !== null && remaining !== null && remaining > total)
        throw invalid(
          'placesRemaining',
          `Places restantes (${remaining}) supérieures aux places totales (${total}).`,
        );
      await changeOffer(
        actor,
        owner.training_id,
        (repo) => repo.updateSession(sessionId, owner.training_id, patch),
        () => ({
          action: 'training_session.updated',
          subjectType: 'training_session',
          subjectId: sessionId,
          details: { trainingId: owner.training_id, fields: Object.keys(patch) },
        }),
      );
      changed();
      return owner.training_id;
    },

    async addSession(actor: Actor, trainingId: string, actionId: string, body: NewSessionBody) {
      const training = await this.get(actor, trainingId);
      if (!training.canManage)
        throw forbidden('Seul l’organisme de formation responsable peut ajouter une session.');
      const action = training.actions.find((a) => a.id === actionId);
      if (!action) throw notFound('Action introuvable.');
      checkSessionDates(body);
      if (body.end < body.start) throw invalid('end', 'La session ne peut pas finir avant de commencer.');
      const total = body.placesTotal ?? null;
      const remaining = body.placesRemaining ?? total;
      if (total !== null && remaining !== null && remaining > total)
        throw invalid('placesRemaining', 'Places restantes supérieures aux places totales.');
      const number = `PSL-${Date.now().toString(36)}`;
      const address = action.sessions[0]?.registrationAddress ?? training.provider.address;
      const created = await changeOffer(
        actor,
        trainingId,
        (repo) =>
          repo.addSession(actionId, trainingId, {
            number,
            start: body.start,
            end: body.end,
            recruitmentState: body.recruitmentState ?? '1',
            placesTotal: total,
            placesRemaining: remaining,
            registrationAddress: address,
            registrationPeriod: null,
            extras: [],
            stamps: { createdOn: null, updatedOn: null },
          }),
        (id) => ({
          action: 'training_session.created',
          subjectType: 'training_session',
          subjectId: id,
          details: { trainingId, actionId, start: body.start, end: body.end },
        }),
      );
      changed();
      return created;
    },

    async updateText(actor: Actor, trainingId: string, patch: TrainingTextPatch) {
      await this.checkTrainingRights(actor, trainingId);
      await changeOffer(
        actor,
        trainingId,
        (repo) => repo.updateTrainingText(trainingId, patch),
        () => ({
          action: 'training.updated',
          subjectType: 'training',
          subjectId: trainingId,
          details: { fields: Object.keys(patch) },
        }),
      );
      changed();
    },

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

    async importReport(actor: Actor, id: string) {
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
    },

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
      const { run } = await this.importReport(actor, id);
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

export type TrainingsService = ReturnType<typeof trainingsService>;

async function* chunked(ids: string[], load: (chunk: string[]) => Promise<TrainingView[]>) {
  for (let i = 0; i < ids.length; i += 200) yield* await load(ids.slice(i, i + 200));
}

async function* csvRows(trainings: AsyncIterable<TrainingView>) {
  yield csvHeader([
    // One number may exist in two sources: the source says which formation a line is.
    'Source',
    'Numéro formation',
    'Intitulé',
    'Organisme',
    'SIRET',
    'Certifiante',
    'RNCP',
    'ROME',
    'Numéro action',
    'Commune',
    'Code postal',
    'Modalité',
    'Heures en centre',
    'Heures en entreprise',
    'Prix total TTC',
    'Financeurs (places)',
    'Numéro session',
    'Début',
    'Fin',
    'État du recrutement',
    'Places restantes',
  ]);
  for await (const t of trainings)
    for (const a of t.actions)
      for (const s of a.sessions)
        yield csvLine([
          t.source,
          t.number,
          t.title,
          t.provider.name,
          t.provider.siret,
          t.certifying ? 'oui' : 'non',
          t.rncpCode,
          t.romeCodes.join(' '),
          a.number,
          a.communeName,
          a.place?.postalCode,
          a.teachingMode,
          a.hoursCentre,
          a.hoursCompany,
          a.priceTotal,
          // Unknown places are said so, never shown as a number (issue 9 §4).
          a.funders
            .map(
              (f) =>
                `${FUNDERS[f.code] ?? f.code} (${f.places === null ? 'places non précisées' : f.places})`,
            )
            .join(', '),
          s.number,
          s.start,
          s.end,
          s.recruitmentState,
          s.placesRemaining,
        ]);
}
