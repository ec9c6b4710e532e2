import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { problems } from '../persons/response-schemas.js';
import type { MatchingDeps } from './deps.js';
import { GAP_TERMS } from './gap-rules.js';
import { SKILL_KINDS } from './gap-service.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const CodeLabel = Type.Object({ code: Type.String(), label: Type.String() });

export const TrainingGapParams = Type.Object(
  { personId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export const TrainingGapQuery = Type.Object(
  {
    appellation: Type.Optional(
      Type.String({
        pattern: '^\\d{1,6}$',
        description: 'Code d’appellation ROME du métier visé (ex. 38215)',
      }),
    ),
    offerId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Une offre d’emploi publiée : son métier est le métier visé',
      }),
    ),
  },
  { additionalProperties: false },
);

const GapTarget = Type.Object({
  label: Type.String({ description: 'Intitulé de l’offre, de l’appellation ou du métier' }),
  appellationCode: Nullable(Type.String()),
  appellationLabel: Nullable(Type.String()),
  offerId: Nullable(Type.String()),
  offerTitle: Nullable(Type.String()),
  metierCode: Nullable(Type.String({ description: 'Métier ROME 4.0 ; null : appellation sans métier 4.0' })),
  metierLabel: Nullable(Type.String()),
  tradeCode: Type.String({ description: 'Fiche ROME v3 dont relève le métier' }),
});

const SkillGap = Type.Object({
  coreCount: Type.Integer({ description: 'Compétences cœur de métier (ROME 4.0, « principale »)' }),
  missingCount: Type.Integer(),
  groups: Type.Array(
    Type.Object({
      kind: Enum(Object.keys(SKILL_KINDS)),
      label: Type.String(),
      missing: Type.Array(CodeLabel),
      held: Type.Array(CodeLabel),
    }),
  ),
});

const RankedTrainingSchema = Type.Object({
  actionId: Type.String(),
  trainingId: Type.String(),
  title: Type.String(),
  providerName: Type.String(),
  communeName: Nullable(Type.String()),
  postalCode: Nullable(Type.String()),
  teachingMode: Type.String({ description: 'LHÉO dict-modalites-enseignement' }),
  remote: Type.Boolean({
    description: 'Entièrement à distance : comptée proche quelle que soit la distance',
  }),
  distanceKm: Nullable(Type.Number()),
  romeCodes: Type.Array(Type.String()),
  funderCodes: Type.Array(Type.String({ description: 'LHÉO dict-financeurs' })),
  certifying: Type.Boolean(),
  entryLevel: Type.String({ description: 'LHÉO dict-niveaux' }),
  hoursCentre: Nullable(Type.Number()),
  hoursCompany: Nullable(Type.Number()),
  nextStart: Type.String({ description: 'AAAA-MM-JJ' }),
  sessions: Type.Integer(),
  openStart: Nullable(Type.String({ description: 'Première session ouverte au recrutement' })),
  openPlaces: Nullable(Type.Integer({ description: 'Places restantes ; null : non précisées' })),
  leads: Nullable(Enum(['metier', 'trade'])),
  funding: Enum(['public', 'partial', 'none']),
  places: Enum(['open', 'openUnknown', 'closed']),
  tier: Type.Integer({ description: '0 : financée et ouverte ; 1 : classée après' }),
  score: Type.Number(),
  reasons: Type.Array(
    Type.Object({
      term: Enum(Object.keys(GAP_TERMS)),
      label: Type.String(),
      value: Type.Number(),
      weight: Type.Number(),
      text: Type.String(),
    }),
  ),
});

export const TrainingGapResponse = Type.Object({
  personId: Type.String(),
  target: GapTarget,
  origin: Type.Object({
    communeName: Nullable(Type.String()),
    located: Type.Boolean({ description: 'false : commune inconnue, seules les formations à distance' }),
    radiusKm: Type.Integer(),
  }),
  skills: SkillGap,
  trainings: Type.Array(RankedTrainingSchema),
});

/**
 * « Se former » in the API (issue 11 §2-3): the missing skills and the ranked trainings for a
 * person and a target job. Access is the persons service's (the file is read first, audited).
 */
export async function gapApiRoutes(app: FastifyInstance, { matching }: MatchingDeps) {
  app.get(
    '/matches/persons/:personId/training-gap',
    {
      config: { access: 'user', audit: 'person.read' },
      schema: {
        tags: ['Rapprochement'],
        summary: 'Se former : compétences manquantes et formations qui mènent au métier visé',
        description:
          'Réservé aux organisations qui peuvent lire le dossier (organisation référente, organisations avec qui il est partagé) ; chaque lecture est tracée. Le métier visé est une appellation ROME (appellation) ou une offre publiée (offerId), exactement l’un des deux : sinon 400 nommant le champ. Compétences cœur du métier ROME 4.0 moins celles de la personne (déclarées et issues de ses expériences) ; formations du catalogue dont les codes ROME nomment le métier ou sa fiche v3, dans le rayon de mobilité de la personne (30 km par défaut) ou entièrement à distance, avec une session à venir ; classées (financées pour les demandeurs d’emploi et ouvertes au recrutement d’abord), chaque terme expliqué.',
        params: TrainingGapParams,
        querystring: TrainingGapQuery,
        response: { 200: TrainingGapResponse, ...problems },
      },
    },
    async (request) => {
      const { personId } = request.params as { personId: string };
      const query = request.query as { appellation?: string; offerId?: string };
      const { person, ...gap } = await matching.trainingGap(request.actor!, personId, query);
      return { personId: person.id, ...gap };
    },
  );
}
