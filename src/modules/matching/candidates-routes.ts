import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { stringEnum } from '../identity/schemas.js';
import { problems } from '../persons/response-schemas.js';
import type { MatchingDeps } from './deps.js';
import { employerFeedback, requireCandidateReader, requireOfferManager } from './match-view.js';
import { PRESETS, TERMS } from './rules.js';

const tags = ['Rapprochement offres et personnes'];
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const keys = <T extends object>(o: T) => Object.keys(o) as (keyof T & string)[];

const WHO =
  'L’employeur qui a publié l’offre (administrateurs et gestionnaires des employeurs et des SIAE) voit les personnes qui ont choisi d’être visibles des employeurs, sans nom ni coordonnées, sous une référence stable pour l’offre ; un conseiller ou un administrateur d’une organisation qui accompagne des personnes voit, par leur nom, celles que suit son organisation. Toute autre personne : 403. Une offre non publiée : 404.';

export const CandidatesParams = Type.Object(
  { offerId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export const VerdictParams = Type.Object(
  {
    offerId: Type.String({ format: 'uuid' }),
    ref: Type.String({ minLength: 1, maxLength: 40, description: 'La référence du profil (champ ref)' }),
  },
  { additionalProperties: false },
);
export const CandidatesQuery = Type.Object(
  {
    preset: Type.Optional(
      stringEnum(keys(PRESETS), 'Préréglage des poids (rules.ts PRESETS) ; standard par défaut'),
    ),
  },
  { additionalProperties: false },
);
export type CandidatesQuery = Static<typeof CandidatesQuery>;
export const VerdictInput = Type.Object(
  {
    verdict: stringEnum(
      ['contact', 'interested', 'not_for_me'] as const,
      'contact : demander la mise en relation (le conseiller de la personne est prévenu) ; interested ; not_for_me : pas pour ce poste',
    ),
  },
  { additionalProperties: false },
);
export type VerdictInput = Static<typeof VerdictInput>;

const ReasonSchema = Type.Object({
  term: stringEnum(keys(TERMS), 'Le critère du score'),
  label: Type.String(),
  value: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'null : critère non compté' })),
  weight: Type.Number(),
  text: Type.String({ description: 'Pourquoi, en français' }),
});
const FeedbackSchema = Type.Object({
  party: stringEnum(['counsellor', 'person', 'employer'] as const, 'Qui a répondu'),
  verdict: Type.String(),
  recordedAt: Type.String({ format: 'date-time' }),
});
export const CandidatesResponse = Type.Object({
  offer: Type.Object({ id: Type.String({ format: 'uuid' }), title: Type.String() }),
  preset: Type.String(),
  view: stringEnum(['employer', 'counsellor'] as const, 'Ce que voit l’appelant'),
  candidates: Type.Array(
    Type.Object({
      ref: Type.String({ description: 'Référence du profil, à renvoyer pour répondre (verdict)' }),
      personId: Nullable(Type.String({ format: 'uuid', description: 'null pour un employeur' })),
      label: Type.String({ description: '« Profil N » pour un employeur, le nom pour un conseiller' }),
      score: Type.Number({ minimum: 0, maximum: 1 }),
      reasons: Type.Array(ReasonSchema),
      commune: Nullable(Type.String()),
      wanted: Type.Array(Type.String(), { description: 'Métiers recherchés (appellations ROME)' }),
      referentOrganisation: Nullable(Type.String()),
      feedback: Type.Array(FeedbackSchema, {
        description: 'Les réponses déjà données ; un employeur ne voit que celles de son organisation',
      }),
    }),
  ),
});
export type CandidatesResponse = Static<typeof CandidatesResponse>;

/** The matching API for an offer's candidates (issue 11 §3, `/api/v1/matches`, OpenAPI). */
export async function candidatesApiRoutes(app: FastifyInstance, { matching }: MatchingDeps) {
  app.get(
    '/matches/offers/:offerId/candidates',
    {
      config: { access: 'user', audit: 'job_offer.candidates' },
      // Who may ask at all is decided before the input is checked: a 400 on a bad id would
      // otherwise answer an analyst before the 403 (authorisation matrix: refused is 401/403).
      preValidation: async (request) => requireCandidateReader(request.actor!),
      schema: {
        tags,
        summary: 'Les candidats classés d’une offre (50 au plus), avec les raisons de chaque score',
        description: `${WHO} Préréglage inconnu : 400 (field : preset).`,
        params: CandidatesParams,
        querystring: CandidatesQuery,
        response: { 200: CandidatesResponse, ...problems },
      },
    },
    async (request): Promise<CandidatesResponse> => {
      const actor = request.actor!;
      const { offerId } = request.params as Static<typeof CandidatesParams>;
      const list = await matching.candidatesFor(actor, offerId, {
        preset: (request.query as CandidatesQuery).preset,
      });
      return {
        offer: { id: list.offer.id, title: list.offer.title },
        preset: list.preset,
        view: list.view,
        candidates: list.candidates.map((c) => ({
          ref: c.ref,
          personId: c.personId,
          label: c.label,
          score: c.score,
          reasons: c.reasons,
          commune: c.commune,
          wanted: c.wanted,
          referentOrganisation: c.referentOrganisation,
          feedback: (list.view === 'employer' ? employerFeedback(c.feedback) : c.feedback).map((f) => ({
            party: f.party,
            verdict: f.verdict,
            recordedAt: new Date(f.recordedAt).toISOString(),
          })),
        })),
      };
    },
  );

  app.post(
    '/matches/offers/:offerId/candidates/:ref/verdict',
    {
      config: { access: 'user', audit: ['person.match_feedback', 'job_offer.candidates'] },
      preValidation: async (request) => requireOfferManager(request.actor!),
      schema: {
        tags,
        summary: 'L’employeur répond sur un candidat : demander la mise en relation, ou pas pour ce poste',
        description:
          'Réservé à l’employeur qui a publié l’offre (403 sinon). La référence est celle du champ ref de la liste ; un profil qui n’est plus parmi les candidats : 404. Une demande de mise en relation prévient l’organisation qui suit la personne : son conseiller la contacte. Réponse inconnue : 400 (field : verdict).',
        params: VerdictParams,
        body: VerdictInput,
        response: { 200: Type.Object({ verdict: Type.String() }), ...problems },
      },
    },
    async (request) => {
      const actor = request.actor!;
      const { offerId, ref } = request.params as Static<typeof VerdictParams>;
      return matching.employerVerdict(actor, offerId, ref, (request.body as VerdictInput).verdict);
    },
  );
}
