import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problems } from '../persons/response-schemas.js';
import type { MatchingDeps } from './deps.js';
import { EXCLUSION_REASONS, OUTCOMES, PRESETS, TERM_KEYS, TERMS, WEIGHT_RANGE } from './rules.js';
import type { SuggestionView } from './service.js';

const tags = ['Appariement offres et personnes'];
const WHO =
  'Réservé aux organisations qui peuvent lire le dossier de la personne (l’organisation référente et celles avec qui il est partagé) ; un jeton d’API agit pour son organisation. Chaque lecture est tracée.';

const PersonParams = Type.Object(
  { personId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
const PersonOfferParams = Type.Object(
  { personId: Type.String({ format: 'uuid' }), offerId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** ?preset=reconversion&skills=4 — each term's weight by its name (0–5 by halves). */
const WeightsQuery = Type.Object(
  {
    preset: Type.Optional(Type.String({ description: `Préréglage : ${Object.keys(PRESETS).join(', ')}` })),
    ...Object.fromEntries(
      TERM_KEYS.map((k) => [
        k,
        Type.Optional(
          Type.Number({
            description: `Poids « ${TERMS[k]} » (${WEIGHT_RANGE.min} à ${WEIGHT_RANGE.max}, par pas de 0,5)`,
          }),
        ),
      ]),
    ),
  },
  { additionalProperties: false },
);

const ReasonSchema = Type.Object({
  term: Type.String(),
  label: Type.String(),
  value: Type.Union([Type.Number(), Type.Null()], {
    description: '0 à 1 ; null : pas de donnée, critère non compté',
  }),
  weight: Type.Number(),
  text: Type.String({ description: 'Pourquoi, en français' }),
});
const SuggestionSchema = Type.Object({
  offer: Type.Object({
    id: Type.String({ format: 'uuid' }),
    title: Type.String(),
    employer: Type.Union([Type.String(), Type.Null()]),
    place: Type.Union([Type.String(), Type.Null()]),
    contractType: Type.String(),
    remote: Type.Boolean(),
  }),
  score: Type.Number({ description: 'Moyenne pondérée des critères, de 0 à 1' }),
  reasons: Type.Array(ReasonSchema),
  feedback: Type.Array(
    Type.Object({
      party: Type.String(),
      verdict: Type.String(),
      reason: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  outcomes: Type.Array(Type.String()),
});
const SuggestionsResponse = Type.Object({
  personId: Type.String({ format: 'uuid' }),
  preset: Type.String(),
  storedPreset: Type.String(),
  weights: Type.Record(Type.String(), Type.Number()),
  located: Type.Boolean({
    description: 'false : commune inconnue, seules les offres en télétravail sont proposées',
  }),
  suggestions: Type.Array(SuggestionSchema),
  dismissed: Type.Array(
    Type.Object({
      offerId: Type.String(),
      party: Type.String(),
      verdict: Type.String(),
      reason: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

const suggestionJson = (s: SuggestionView) => ({
  offer: {
    id: s.offer.id,
    title: s.offer.title,
    employer: s.offer.employer,
    place: s.offer.place,
    contractType: s.offer.contractType,
    remote: s.offer.remote,
  },
  score: s.score,
  reasons: s.reasons,
  feedback: s.feedback.map((f) => ({ party: f.party, verdict: f.verdict, reason: f.reason })),
  outcomes: s.outcomes,
});

/** The matching API (issue 11 §3): a person's suggested offers, the preset, exclusions and outcomes. */
export async function matchingApiRoutes(app: FastifyInstance, { matching }: MatchingDeps) {
  app.get(
    '/matches/persons/:personId/offers',
    {
      config: { access: 'user', audit: 'person.read' },
      schema: {
        tags,
        summary: 'Les offres suggérées à une personne, classées, avec leurs raisons',
        description: `${WHO} Filtres stricts : métier recherché, proche (mobilité ROME 4.0) ou déjà exercé ; dans le rayon de mobilité ou en télétravail ; contrat accepté ; permis détenus ; disponibilité. Puis une moyenne pondérée des critères, chacun expliqué. Préréglage inconnu ou poids hors de 0–5 : 400 nommant le champ.`,
        params: PersonParams,
        querystring: WeightsQuery,
        response: { 200: SuggestionsResponse, ...problems },
      },
    },
    async (request) => {
      const { personId } = request.params as { personId: string };
      const { preset, ...weights } = request.query as Record<string, unknown>;
      const r = await matching.suggestionsFor(request.actor!, personId, {
        preset: preset as string | undefined,
        weights,
      });
      return {
        personId,
        preset: r.preset,
        storedPreset: r.storedPreset,
        weights: r.weights,
        located: r.located,
        suggestions: r.suggestions.map(suggestionJson),
        dismissed: r.dismissed.map((d) => ({
          offerId: d.offerId,
          party: d.party,
          verdict: d.verdict,
          reason: d.reason,
        })),
      };
    },
  );

  app.put(
    '/matches/persons/:personId/preset',
    {
      config: { access: 'user', audit: ['person.match_setting', 'person.read'] },
      schema: {
        tags,
        summary: 'Garder un préréglage de critères pour une personne',
        description: `${WHO} Le re-calcul de nuit et l’espace de la personne l’utilisent. Préréglages : ${Object.keys(PRESETS).join(', ')}.`,
        params: PersonParams,
        body: Type.Object({ preset: Type.String() }, { additionalProperties: false }),
        response: { 200: Type.Object({ preset: Type.String() }), ...problems },
      },
    },
    async (request) =>
      matching.setPreset(
        request.actor!,
        (request.params as { personId: string }).personId,
        (request.body as { preset: string }).preset,
      ),
  );

  app.post(
    '/matches/persons/:personId/offers/:offerId/exclusion',
    {
      config: { access: 'user', audit: 'person.match_feedback' },
      schema: {
        tags,
        summary: 'Écarter une offre suggérée, avec une raison',
        description: `${WHO} Raisons : ${Object.keys(EXCLUSION_REASONS).join(', ')} (« other » demande un commentaire). Sans raison : 400.`,
        params: PersonOfferParams,
        body: Type.Object(
          { reason: Type.Optional(Type.String()), comment: Type.Optional(Type.String({ maxLength: 500 })) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const { personId, offerId } = request.params as { personId: string; offerId: string };
      await matching.exclude(
        request.actor!,
        personId,
        offerId,
        request.body as { reason?: string; comment?: string },
      );
      return reply.status(204).send();
    },
  );

  app.delete(
    '/matches/persons/:personId/offers/:offerId/exclusion',
    {
      config: { access: 'user', audit: 'person.match_feedback' },
      schema: {
        tags,
        summary: 'Rétablir une offre écartée',
        description: WHO,
        params: PersonOfferParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const { personId, offerId } = request.params as { personId: string; offerId: string };
      await matching.restore(request.actor!, personId, offerId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/matches/persons/:personId/offers/:offerId/outcomes',
    {
      config: { access: 'user', audit: 'person.match_outcome' },
      schema: {
        tags,
        summary: 'Noter la suite donnée à une offre suggérée',
        description: `${WHO} Suites : ${Object.keys(OUTCOMES).join(', ')}. Elles mesurent la qualité des suggestions (précision des 10 premières).`,
        params: PersonOfferParams,
        body: Type.Object({ outcome: Type.String() }, { additionalProperties: false }),
        response: {
          200: Type.Object({ outcome: Type.String(), alreadyRecorded: Type.Boolean() }),
          ...problems,
        },
      },
    },
    async (request) => {
      const { personId, offerId } = request.params as { personId: string; offerId: string };
      return matching.recordOutcome(
        request.actor!,
        personId,
        offerId,
        (request.body as { outcome: string }).outcome,
      );
    },
  );
}
