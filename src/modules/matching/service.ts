import type { Db } from '../../db/database.js';
import { forbidden, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { type Mailer, memoryMailer } from '../../shared/mailer.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { canManageOffers } from '../offers/rights.js';
import { canHoldFiles } from '../persons/rights.js';
import { gapUseCases } from './gap-service.js';
import type { MatchingNeeds } from './needs.js';
import { type Reason, reasons } from './reasons.js';
import { type FeedbackRow, type OfferSummary, recordsRepository } from './records-repository.js';
import { rematchUseCases } from './rematch-service.js';
import { matchRepository } from './repository.js';
import {
  DEFAULT_PRESET,
  EXCLUSION_REASONS,
  isPreset,
  OUTCOMES,
  PRESETS,
  type PresetName,
  STORED_SUGGESTIONS,
  TERM_KEYS,
  type Term,
  VERDICTS,
  WEIGHT_RANGE,
  type Weights,
} from './rules.js';
import type { Match } from './score.js';

export interface MatchingOptions {
  mailer?: Mailer;
  publicUrl?: string;
  /** Today's ISO date (tests fix it). */
  today?: () => string;
}

/** What the counsellor asks for: a preset by name, and optionally weights of their own (0–5 by halves). */
export interface WeightsQuery {
  preset?: string;
  weights?: Partial<Record<string, unknown>>;
}

/** A suggestion as shown: the offer, the score, its reasons, and what was said and came of it. */
export interface SuggestionView {
  offer: OfferSummary;
  score: number;
  reasons: Reason[];
  feedback: FeedbackRow[];
  outcomes: string[];
}

/** Checks a preset name and custom weights (issue 11 « Bad input »): 4xx naming the field. */
export function resolveWeights(
  query: WeightsQuery,
  stored?: string,
): { preset: PresetName; weights: Weights; custom: boolean } {
  const name = query.preset ?? stored ?? DEFAULT_PRESET;
  if (!isPreset(name))
    throw invalid(
      'preset',
      `Préréglage inconnu : « ${String(name).slice(0, 40)} ». Choisissez parmi : ${Object.keys(PRESETS).join(', ')}.`,
    );
  const weights: Weights = { ...PRESETS[name].weights };
  let custom = false;
  for (const [key, raw] of Object.entries(query.weights ?? {})) {
    if (raw === undefined || raw === '') continue;
    if (!TERM_KEYS.includes(key as Term))
      throw invalid(`weights.${key}`, `Critère inconnu : « ${key.slice(0, 40)} ».`);
    const value = typeof raw === 'number' ? raw : Number(String(raw).replace(',', '.'));
    if (
      !Number.isFinite(value) ||
      value < WEIGHT_RANGE.min ||
      value > WEIGHT_RANGE.max ||
      Math.round(value / WEIGHT_RANGE.step) * WEIGHT_RANGE.step !== value
    )
      throw invalid(
        `weights.${key}`,
        `Le poids « ${key} » doit être compris entre ${WEIGHT_RANGE.min} et ${WEIGHT_RANGE.max}, par pas de 0,5.`,
      );
    if (value !== weights[key as Term]) custom = true;
    weights[key as Term] = value;
  }
  return { preset: name, weights, custom };
}

const checkOfferId = (offerId: string) => {
  if (!isUuid(offerId)) throw invalid('offerId', 'Identifiant d’offre invalide.');
};

/** Matching people and jobs both ways, with reasons, and the trainings that close the gap (issue 11). */
export function matchingService(db: Db, needs: MatchingNeeds, options: MatchingOptions = {}) {
  const repo = matchRepository(db);
  const records = recordsRepository(db);
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  const { persons, offers } = needs;
  const rematch = rematchUseCases(db, {
    mailer: options.mailer ?? memoryMailer(),
    publicUrl: options.publicUrl ?? '',
    today,
  });

  /** The file, as the actor may read it (403/404 otherwise; an audited read). */
  const readFile = (actor: Actor, personId: string) => persons.get(actor, personId);

  /** The ranked offers of one person under weights, with their offers and reasons. */
  async function ranked(
    personId: string,
    preset: PresetName,
    weights: Weights,
    limit: number,
    who: 'staff' | 'person',
  ) {
    const [features] = await repo.personFeatures([personId]);
    if (!features) return { suggestions: [] as SuggestionView[], located: false, targets: 0 };
    const matches =
      (await repo.topOffers([features], preset, weights, limit, today(), { skipDismissed: true })).get(
        personId,
      ) ?? [];
    return {
      suggestions: await views(personId, matches, weights, who),
      located: features.latitude !== null,
      targets: features.targets.size,
    };
  }

  async function views(personId: string, matches: Match[], weights: Weights, who: 'staff' | 'person') {
    const ids = matches.map((m) => m.offerId);
    const [summaries, feedback, outcomes] = await Promise.all([
      records.offerSummaries(ids),
      records.feedback(personId, ids),
      records.outcomes(personId),
    ]);
    return matches.flatMap((m): SuggestionView[] => {
      const offer = summaries.get(m.offerId);
      if (!offer) return [];
      return [
        {
          offer,
          score: m.score,
          reasons: reasons(m.terms, m.facts, weights, who),
          feedback: feedback.filter((f) => f.offerId === m.offerId),
          outcomes: outcomes.filter((o) => o.offerId === m.offerId).map((o) => o.outcome),
        },
      ];
    });
  }

  /** The offer must be one the actor may read (a published one: public), else 404. */
  async function publishedOffer(actor: Actor, offerId: string) {
    checkOfferId(offerId);
    const offer = await offers.get(actor, offerId);
    if (offer.state !== 'published')
      throw notFound('Cette offre n’est pas publiée : elle n’est suggérée à personne.');
    return offer;
  }

  // An actor's label is read before a transaction, never inside it: PGlite has one connection, and a
  // read beside an open transaction waits for it forever.
  return {
    ...gapUseCases(db, needs, today),
    /** The person's suggested offers (issue 11 §3 « Suggestions »): readers of the file only. */
    async suggestionsFor(actor: Actor, personId: string, query: WeightsQuery = {}) {
      const file = await readFile(actor, personId);
      const stored = await records.preset(personId);
      const { preset, weights, custom } = resolveWeights(query, stored);
      const result = await ranked(personId, preset, weights, STORED_SUGGESTIONS, 'staff');
      const dismissed = (await records.feedback(personId)).filter(
        (f) =>
          (f.party === 'counsellor' && f.verdict === 'excluded') ||
          (f.party === 'person' && f.verdict === 'not_for_me'),
      );
      const dismissedOffers = await records.offerSummaries(dismissed.map((f) => f.offerId));
      return {
        file,
        preset,
        storedPreset: (stored ?? DEFAULT_PRESET) as PresetName,
        weights,
        custom,
        ...result,
        dismissed: dismissed.flatMap((f) => {
          const offer = dismissedOffers.get(f.offerId);
          return offer ? [{ ...f, offer }] : [];
        }),
      };
    },

    /** The counsellor keeps a preset for the person: the nightly re-match and their space use it. */
    async setPreset(actor: Actor, personId: string, presetName: string) {
      await persons.checkReader(actor, personId);
      const { preset } = resolveWeights({ preset: presetName });
      const label = await records.actorLabel(actor);
      await records.transaction(async (tx) => {
        await records.setPreset(tx, personId, preset, label);
        await recordAudit(tx, actor, {
          action: 'person.match_setting',
          subjectType: 'person',
          subjectId: personId,
          details: { preset },
        });
        await records.recordEvent(tx, 'match.preset_changed', actor.userId, { personId, preset });
      });
      // On change: the stored suggestions (measured, notified) follow the new preset at once.
      await rematch.rematchPersons([personId]);
      return { preset };
    },

    /** A counsellor excludes a suggestion, with a reason from the list (and a comment for « autre »). */
    async exclude(
      actor: Actor,
      personId: string,
      offerId: string,
      input: { reason?: string; comment?: string },
    ) {
      checkOfferId(offerId);
      await persons.checkReader(actor, personId);
      const reason = input.reason ?? '';
      if (!reason) throw invalid('reason', 'Indiquez pourquoi vous écartez cette offre.');
      if (!Object.hasOwn(EXCLUSION_REASONS, reason))
        throw invalid(
          'reason',
          `Raison inconnue. Choisissez parmi : ${Object.keys(EXCLUSION_REASONS).join(', ')}.`,
        );
      const comment = (input.comment ?? '').trim();
      if (reason === 'other' && !comment) throw invalid('comment', 'Précisez la raison dans le commentaire.');
      if (comment.length > 500) throw invalid('comment', 'Le commentaire tient en 500 caractères au plus.');
      await offerExists(offerId);
      const text = comment ? `${reason}: ${comment}` : reason;
      const label = await records.actorLabel(actor);
      await records.transaction(async (tx) => {
        await records.setFeedback(tx, {
          personId,
          offerId,
          party: 'counsellor',
          verdict: 'excluded',
          reason: text,
          actorLabel: label,
          organisationId: actor.organisationId,
        });
        await recordAudit(tx, actor, {
          action: 'person.match_feedback',
          subjectType: 'person',
          subjectId: personId,
          details: { offerId, verdict: 'excluded', reason },
        });
        await records.recordEvent(tx, 'match.excluded', actor.userId, { personId, offerId, reason });
      });
    },

    /** Puts an excluded suggestion back. */
    async restore(actor: Actor, personId: string, offerId: string) {
      checkOfferId(offerId);
      await persons.checkReader(actor, personId);
      const removed = await records.transaction(async (tx) => {
        const done = await records.removeFeedback(tx, personId, offerId, 'counsellor');
        if (done) {
          await recordAudit(tx, actor, {
            action: 'person.match_feedback',
            subjectType: 'person',
            subjectId: personId,
            details: { offerId, verdict: 'restored' },
          });
          await records.recordEvent(tx, 'match.restored', actor.userId, { personId, offerId });
        }
        return done;
      });
      if (!removed) throw notFound('Cette offre n’était pas écartée.');
    },

    /**
     * What came of a suggestion (contacted, interview, hired), recorded by a counsellor of the file.
     * The rank and preset it had among the stored suggestions are kept with it (precision@10).
     */
    async recordOutcome(actor: Actor, personId: string, offerId: string, outcome: string) {
      checkOfferId(offerId);
      await persons.checkReader(actor, personId);
      if (!Object.hasOwn(OUTCOMES, outcome))
        throw invalid('outcome', `Suite inconnue. Choisissez parmi : ${Object.keys(OUTCOMES).join(', ')}.`);
      await offerExists(offerId);
      const suggested = await records.storedSuggestion(personId, offerId);
      const label = await records.actorLabel(actor);
      const added = await records.transaction(async (tx) => {
        const done = await records.addOutcome(tx, {
          personId,
          offerId,
          outcome,
          suggestedRank: suggested?.rank ?? null,
          suggestedPreset: suggested?.preset ?? null,
          actorLabel: label,
          organisationId: actor.organisationId,
        });
        if (done) {
          await recordAudit(tx, actor, {
            action: 'person.match_outcome',
            subjectType: 'person',
            subjectId: personId,
            details: { offerId, outcome, suggestedRank: suggested?.rank ?? null },
          });
          await records.recordEvent(tx, 'match.outcome', actor.userId, {
            personId,
            offerId,
            outcome,
            suggestedRank: suggested?.rank ?? null,
          });
        }
        return done;
      });
      return { outcome, alreadyRecorded: !added };
    },

    /**
     * An offer's ranked candidates (issue 11 §3): its employer sees the persons who made their profile
     * visible to employers, without their name; a counsellor of an accompanying organisation sees,
     * by name, the files their organisation follows. Anyone else: 403.
     */
    async candidatesFor(actor: Actor, offerId: string, query: WeightsQuery = {}) {
      const refusal =
        'Les candidats d’une offre sont proposés à l’employeur qui l’a publiée et aux conseillers des organisations qui accompagnent des personnes.';
      // Who may see candidates at all is decided before the input is read (a 403 says nothing of the offer).
      if (!canManageOffers(actor) && !canHoldFiles(actor)) throw forbidden(refusal);
      const offer = await publishedOffer(actor, offerId);
      const { preset, weights } = resolveWeights(query);
      const employer = canManageOffers(actor) && offer.organisation?.id === actor.organisationId;
      const counsellor = canHoldFiles(actor);
      if (!employer && !counsellor) throw forbidden(refusal);
      const list = await repo.candidates(offerId, {
        visibility: employer ? { employer: true } : { organisationId: actor.organisationId as string },
        preset,
        weights,
        limit: 50,
        today: today(),
      });
      const ids = list.map((c) => c.personId);
      const [names, profiles, feedback] = await Promise.all([
        employer
          ? Promise.resolve(new Map<string, { firstName: string; lastName: string }>())
          : records.personNames(actor.organisationId as string, ids),
        records.candidateProfiles(ids),
        records.offerFeedback(offerId, ids),
      ]);
      return {
        offer,
        preset,
        weights,
        view: employer ? ('employer' as const) : ('counsellor' as const),
        candidates: list.map((c) => {
          const profile = profiles.get(c.personId);
          return {
            personId: employer ? null : c.personId,
            // An employer reads a pseudonym stable for this offer, never the name (persons: « sans le nom »).
            label: employer
              ? `Profil ${pseudonym(offerId, c.personId)}`
              : `${names.get(c.personId)?.firstName ?? ''} ${names.get(c.personId)?.lastName.toUpperCase() ?? ''}`.trim(),
            ref: employer ? pseudonym(offerId, c.personId) : c.personId,
            score: c.score,
            reasons: reasons(c.terms, c.facts, weights),
            commune: profile?.commune ?? null,
            wanted: profile?.wanted ?? [],
            referentOrganisation: profile?.referentOrganisation ?? null,
            // The employer reads its own answers only: a counsellor's exclusion (its reason, its
            // author) and the person's « pas pour moi » are not theirs to know.
            feedback: feedback.filter(
              (f) => f.personId === c.personId && (!employer || f.party === 'employer'),
            ),
          };
        }),
      };
    },

    /**
     * The employer asks to be put in touch with a visible candidate, or says « pas pour moi »: the
     * referent organisation is told through the outbox (its counsellor contacts the person).
     */
    async employerVerdict(actor: Actor, offerId: string, ref: string, verdict: string) {
      const offer = await publishedOffer(actor, offerId);
      if (!(canManageOffers(actor) && offer.organisation?.id === actor.organisationId))
        throw forbidden('Seul l’employeur qui a publié l’offre répond sur ses candidats.');
      if (verdict !== 'contact' && !Object.hasOwn(VERDICTS, verdict))
        throw invalid('verdict', 'Réponse inconnue : « contact », « interested » ou « not_for_me ».');
      // Any visible candidate of the offer, whatever the preset that ranked it for the employer.
      const list = await repo.candidates(offerId, {
        visibility: { employer: true },
        ...resolveWeights({}),
        limit: MAX_VISIBLE_CANDIDATES,
        today: today(),
      });
      const candidate = list.find((c) => pseudonym(offerId, c.personId) === ref);
      if (!candidate) throw notFound('Ce profil n’est plus parmi les candidats de l’offre.');
      const label = await records.actorLabel(actor);
      await records.transaction(async (tx) => {
        await records.setFeedback(tx, {
          personId: candidate.personId,
          offerId,
          party: 'employer',
          verdict: verdict === 'contact' ? 'contact_requested' : verdict,
          reason: null,
          actorLabel: label,
          organisationId: actor.organisationId,
        });
        await recordAudit(tx, actor, {
          action: 'person.match_feedback',
          subjectType: 'person',
          subjectId: candidate.personId,
          details: { offerId, ref, verdict, by: 'employer' },
        });
        await records.recordEvent(
          tx,
          verdict === 'contact' ? 'match.contact_requested' : 'match.employer_verdict',
          actor.userId,
          {
            personId: candidate.personId,
            offerId,
            verdict,
          },
        );
      });
      return { verdict };
    },

    /** The person's own suggestions, in their space (no staff actor: the person's session). */
    async ownSuggestions(personId: string) {
      const stored = await records.preset(personId);
      const { preset, weights } = resolveWeights({}, stored);
      return ranked(personId, preset, weights, STORED_SUGGESTIONS, 'person');
    },

    /** The person says « intéressé » or « pas pour moi » of an offer suggested to them. */
    async ownVerdict(personId: string, offerId: string, verdict: string) {
      checkOfferId(offerId);
      if (!Object.hasOwn(VERDICTS, verdict))
        throw invalid('verdict', 'Réponse inconnue : « interested » ou « not_for_me ».');
      await offerExists(offerId);
      await records.transaction(async (tx) => {
        await records.setFeedback(tx, {
          personId,
          offerId,
          party: 'person',
          verdict,
          reason: null,
          actorLabel: 'La personne, depuis son espace',
          organisationId: null,
        });
        await recordAudit(tx, null, {
          action: 'person.match_feedback',
          subjectType: 'person',
          subjectId: personId,
          details: { offerId, verdict, by: 'person' },
        });
        await records.recordEvent(tx, 'match.person_verdict', null, { personId, offerId, verdict });
      });
      return { verdict };
    },

    repository: repo,
    rematch,
  };

  async function offerExists(offerId: string) {
    const found = await records.offerSummaries([offerId]);
    if (!found.has(offerId)) throw notFound('Offre introuvable.');
  }
}

/** Past this many visible candidates an offer's list is cut (the employer's answer looks among them). */
const MAX_VISIBLE_CANDIDATES = 5_000;

/** A short reference for a candidate shown to an employer: stable for the offer, says nothing of the person. */
export function pseudonym(offerId: string, personId: string): string {
  let h = 2166136261;
  for (const ch of `${offerId}:${personId}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0).toString(36).toUpperCase().padStart(7, '0');
}

export type MatchingService = ReturnType<typeof matchingService>;
