import type { Db } from '../../db/database.js';
import { invalid, notFound } from '../../shared/errors.js';
import { hasUnstorableCharacter, isUuid } from '../../shared/formats.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { type OfferImportServiceOptions, offerImportService } from './import-service.js';
import { checkOffer, type InputLookups, type OfferFields, staleEdit } from './input.js';
import { OFFERS_PAGE_SIZE, type OfferFilters, type OfferRow, offerRepository } from './repository.js';
import { canManageOffers, canRead, managesOffer, requireOfferManager } from './rights.js';
import {
  CONTRACT_TYPES,
  canTransition,
  DEFAULT_VALIDITY_DAYS,
  MANUAL_TARGETS,
  OFFER_STATES,
  OFFER_TRANSITIONS,
  type OfferState,
} from './rules.js';
import type { OfferInput, OfferListQuery, OfferPatch, TransitionInput } from './schemas.js';

export { OFFERS_PAGE_SIZE } from './repository.js';

export interface OffersOptions {
  /** The day dates are checked against (tests fix it). */
  today?: () => string;
  /** Feed imports from the web and the API: size limit, upload folder and quota. */
  imports?: Partial<OfferImportServiceOptions>;
}

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

type OfferAction = 'job_offer.created' | 'job_offer.updated' | 'job_offer.transition';

/** A stored offer as the API fields an edit is merged over (and the form is filled from). */
export function fieldsOf(row: OfferRow): OfferFields {
  return {
    appellationCode: row.appellation_code ?? '',
    title: row.title,
    description: row.description,
    communeCode: row.commune_code,
    remote: row.remote,
    contractType: row.contract_type as OfferFields['contractType'],
    durationMonths: row.duration_months,
    workingTime: row.working_time,
    weeklyHours: row.weekly_hours === null ? null : Number(row.weekly_hours),
    salaryMinCents: row.salary_min_cents === null ? null : Number(row.salary_min_cents),
    salaryMaxCents: row.salary_max_cents === null ? null : Number(row.salary_max_cents),
    positions: row.positions,
    startDate: row.start_date,
    expiresOn: row.expires_on,
    skills: [
      ...row.required_skills.map((code) => ({ code, requirement: 'required' as const })),
      ...row.wished_skills.map((code) => ({ code, requirement: 'wished' as const })),
    ],
    drivingLicences: row.driving_licences as OfferFields['drivingLicences'],
    experience: row.experience,
    experienceMonths: row.experience_months,
    educationLevel: row.education_level as OfferFields['educationLevel'],
    accessibleDisability: row.accessible_disability,
  };
}

/**
 * The offers module's use cases (issue 10 §3): employers' and SIAE's job offers, their states as
 * data (rules.ts), the published offers read by every partner. Access is decided by rights.ts
 * before any read; every change runs in one transaction with its transition line (when the state
 * moves), its audit line and its outbox event.
 */
export function offersService(db: Db, options: OffersOptions = {}) {
  const repo = offerRepository(db);
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  const lookups = (): InputLookups => ({
    today: today(),
    appellationTrade: repo.appellationTrade,
    skillsExisting: repo.skillsExisting,
    communeExists: repo.communeExists,
  });

  async function load(actor: Actor, id: string): Promise<OfferRow> {
    if (!isUuid(id)) throw notFound('Offre introuvable.');
    const row = await repo.find(id);
    // An offer the actor may not read is « not found »: its existence says nothing to them.
    if (!row || !canRead(actor, { organisationId: row.organisation_id, state: row.state }))
      throw notFound('Offre introuvable.');
    return row;
  }

  async function loadManaged(actor: Actor, id: string): Promise<OfferRow> {
    requireOfferManager(actor);
    const row = await load(actor, id);
    if (!managesOffer(actor, { organisationId: row.organisation_id })) throw notFound('Offre introuvable.');
    return row;
  }

  function change<T>(
    actor: Actor,
    action: OfferAction,
    fn: (tx: Db) => Promise<{ offerId: string; result: T; details: Record<string, unknown> }>,
  ): Promise<T> {
    return repo.transaction(async (tx) => {
      const { offerId, result, details } = await fn(tx);
      await recordAudit(tx, actor, { action, subjectType: 'job_offer', subjectId: offerId, details });
      await repo.recordEvent(tx, action, actor.userId, { offerId, ...details });
      return result;
    });
  }

  async function view(actor: Actor, row: OfferRow, withHistory: boolean) {
    const codes = [...row.required_skills, ...row.wished_skills];
    const labels = await repo.skillLabels(codes);
    const manages = managesOffer(actor, { organisationId: row.organisation_id });
    const contract = CONTRACT_TYPES[row.contract_type as keyof typeof CONTRACT_TYPES];
    return {
      id: row.id,
      version: row.version,
      state: row.state,
      stateLabel: OFFER_STATES[row.state],
      organisation: row.organisation_id ? { id: row.organisation_id, name: row.organisation_name } : null,
      source: row.source ? { name: row.source, id: row.source_id, url: row.origin_url } : null,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      publishedAt: row.published_at ? new Date(row.published_at).toISOString() : null,
      expiresOn: row.expires_on,
      appellation: row.appellation_code ? { code: row.appellation_code, label: row.appellation_label } : null,
      rome: { code: row.rome_code, label: row.rome_label },
      title: row.title,
      description: row.description,
      place: {
        commune: row.commune_code
          ? { code: row.commune_code, name: row.commune_name, departmentCode: row.department_code }
          : null,
        label: row.place_label,
        remote: row.remote,
      },
      contract: {
        type: row.contract_type,
        label: contract?.label ?? row.contract_type,
        durationMonths: row.duration_months,
      },
      workingTime: row.working_time,
      weeklyHours: row.weekly_hours === null ? null : Number(row.weekly_hours),
      salary: {
        minCents: row.salary_min_cents === null ? null : Number(row.salary_min_cents),
        maxCents: row.salary_max_cents === null ? null : Number(row.salary_max_cents),
        label: row.salary_label,
      },
      positions: row.positions,
      startDate: row.start_date,
      skills: [
        ...row.required_skills.map((code) => ({
          code,
          label: labels.get(code) ?? null,
          requirement: 'required',
        })),
        ...row.wished_skills.map((code) => ({
          code,
          label: labels.get(code) ?? null,
          requirement: 'wished',
        })),
      ],
      drivingLicences: row.driving_licences,
      experience: row.experience,
      experienceMonths: row.experience_months,
      openToBeginners: row.experience === 'D',
      educationLevel: row.education_level,
      accessibleDisability: row.accessible_disability,
      employer: { name: row.employer_name ?? row.organisation_name, siret: row.employer_siret },
      /** What the actor may do with it: the transitions allowed from its state, by hand. */
      transitions: manages ? OFFER_TRANSITIONS[row.state].filter((s) => MANUAL_TARGETS.has(s)) : [],
      editable: manages && row.state !== 'filled',
      history:
        withHistory && (manages || actor.isSuperAdmin)
          ? (await repo.transitions(row.id)).map((t) => ({
              occurredAt: new Date(t.occurred_at).toISOString(),
              from: t.from_state,
              to: t.to_state,
              actor: t.actor_label,
              reason: t.reason,
            }))
          : [],
    };
  }

  return {
    /** Feed imports from the web and the API (import-service.ts). */
    imports: offerImportService(db, options.imports),
    canManage: (actor: Actor | null) => canManageOffers(actor),
    requireManager: (actor: Actor) => requireOfferManager(actor),

    async get(actor: Actor, id: string) {
      return view(actor, await load(actor, id), true);
    },

    /** The stored fields of an offer the actor manages, for its edit form. */
    async editable(actor: Actor, id: string) {
      const row = await loadManaged(actor, id);
      return {
        version: row.version,
        state: row.state,
        fields: fieldsOf(row),
        appellationLabel: row.appellation_label,
        communeName: row.commune_name,
      };
    },

    /** Published offers, or with `scope=mine` every offer of the actor's organisation. */
    async list(actor: Actor, query: OfferListQuery) {
      const mine = query.scope === 'mine';
      if (query.q && hasUnstorableCharacter(query.q))
        throw invalid('q', 'Recherche : caractère de contrôle refusé.');
      if (mine) requireOfferManager(actor);
      const filters: OfferFilters = {
        organisationId: mine ? actor.organisationId : null,
        state: mine && query.state ? query.state : null,
        words: (query.q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 5),
        appellation: query.appellation ?? null,
        rome: query.rome?.toUpperCase() ?? null,
        commune: query.commune ?? null,
        department: query.department?.toUpperCase() ?? null,
        contract: query.contract ?? null,
        beginners: query.beginners === undefined ? null : query.beginners === 'true',
        page: query.page ?? 1,
      };
      const { total, items } = await repo.list(filters);
      return {
        total,
        page: filters.page,
        pageSize: OFFERS_PAGE_SIZE,
        items: items.map((r) => ({
          id: r.id,
          state: r.state,
          title: r.title,
          appellation: r.appellation_code ? { code: r.appellation_code, label: r.appellation_label } : null,
          romeCode: r.rome_code,
          commune: r.commune_code ? { code: r.commune_code, name: r.commune_name } : null,
          remote: r.remote,
          contractType: r.contract_type,
          positions: r.positions,
          employer: r.employer_name ?? r.organisation_name,
          openToBeginners: r.experience === 'D',
          updatedAt: new Date(r.updated_at).toISOString(),
          expiresOn: r.expires_on,
        })),
      };
    },

    /** Creates an offer for the actor's organisation: a draft, or published at once (`publish`). */
    async create(actor: Actor, input: OfferInput) {
      requireOfferManager(actor);
      const { publish, ...fields } = input;
      const values = await checkOffer(fields, lookups());
      const state: OfferState = publish ? 'published' : 'draft';
      if (publish && !values.expires_on) values.expires_on = addDays(today(), DEFAULT_VALIDITY_DAYS);
      return change(actor, 'job_offer.created', async (tx) => {
        const id = await repo.insert(tx, {
          ...values,
          organisation_id: actor.organisationId,
          created_by: actor.userId,
          state,
        });
        await repo.addTransition(tx, { offerId: id, from: null, to: state, actorLabel: actor.label });
        return { offerId: id, result: { id, version: 1, state }, details: { state, title: values.title } };
      });
    },

    /** An edit by the offer's organisation, merged over the stored offer; refused when stale or filled. */
    async update(actor: Actor, id: string, patch: OfferPatch) {
      const row = await loadManaged(actor, id);
      const { version, ...changes } = patch;
      if (row.state === 'filled')
        throw invalid('state', 'Une offre pourvue ne se modifie plus : publiez une nouvelle offre.');
      const values = await checkOffer({ ...fieldsOf(row), ...changes }, lookups());
      if (row.version !== version) throw staleEdit(version, row.version);
      return change(actor, 'job_offer.updated', async (tx) => {
        const next = await repo.update(tx, id, version, values);
        if (next === null) throw staleEdit(version, (await repo.find(id))?.version ?? version + 1);
        return { offerId: id, result: { id, version: next }, details: { fields: Object.keys(changes) } };
      });
    },

    /**
     * The platform's daily pass (npm run expire:offers): published offers past their expiry date
     * become « expirée » (rules.ts: published → expired), one event for the pass, each transition logged.
     */
    async expireDue(label = 'Plateforme (expiration)') {
      return repo.transaction(async (tx) => {
        const ids = await repo.expireDue(tx, today(), label);
        if (ids.length) await repo.recordEvent(tx, 'job_offer.expired', null, { offerIds: ids, on: today() });
        return ids.length;
      });
    },

    /** A change of state (rules.ts OFFER_TRANSITIONS), logged with who, when and why. */
    async transition(actor: Actor, id: string, input: TransitionInput) {
      const row = await loadManaged(actor, id);
      const to = input.to;
      if (!Object.hasOwn(OFFER_STATES, to)) throw invalid('to', `État « ${to} » inconnu.`);
      if (!MANUAL_TARGETS.has(to) || !canTransition(row.state, to))
        throw invalid(
          'to',
          `Une offre « ${OFFER_STATES[row.state].toLowerCase()} » ne peut pas passer à l’état « ${OFFER_STATES[to].toLowerCase()} ».`,
        );
      if (row.version !== input.version) throw staleEdit(input.version, row.version);
      const reason = input.reason?.trim() || null;
      const expiresOn =
        to === 'published'
          ? row.expires_on && row.expires_on >= today()
            ? row.expires_on
            : addDays(today(), DEFAULT_VALIDITY_DAYS)
          : null;
      return change(actor, 'job_offer.transition', async (tx) => {
        const next = await repo.setState(tx, id, input.version, row.state, to, expiresOn);
        if (next === null)
          throw staleEdit(input.version, (await repo.find(id))?.version ?? input.version + 1);
        await repo.addTransition(tx, { offerId: id, from: row.state, to, actorLabel: actor.label, reason });
        return { offerId: id, result: { id, version: next, state: to }, details: { from: row.state, to } };
      });
    },
  };
}

export type OffersService = ReturnType<typeof offersService>;
export type OfferView = Awaited<ReturnType<OffersService['get']>>;
