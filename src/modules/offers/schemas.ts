import { type Static, Type } from 'typebox';
import { stringEnum } from '../identity/schemas.js';
import {
  CONTRACT_TYPES,
  DRIVING_LICENCES,
  EDUCATION_LEVELS,
  EXPERIENCE,
  LIMITS,
  MAX_SKILLS,
  OFFER_STATES,
  SKILL_REQUIREMENTS,
  WORKING_TIMES,
} from './rules.js';

/**
 * The offers module's public types, checked at the HTTP edge (`additionalProperties: false`: an
 * unknown field is a 400 naming it). input.ts checks the rest for the API and the pages alike
 * (salary range, appellation and skill codes that exist, dates that exist).
 */
const keys = <T extends object>(o: T) => Object.keys(o) as (keyof T & string)[];
const IsoDate = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10, description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Cents = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000_00, description });

export const OfferSkill = Type.Object(
  {
    code: Type.String({ pattern: '^\\d{1,8}$', description: 'Code OGR d’une compétence ROME 4.0' }),
    requirement: stringEnum(keys(SKILL_REQUIREMENTS), 'required : exigée ; wished : souhaitée'),
  },
  { additionalProperties: false },
);
export type OfferSkill = Static<typeof OfferSkill>;

const offerFields = {
  appellationCode: Type.String({
    pattern: '^\\d{1,8}$',
    description: 'Code d’appellation ROME (le métier ROME en est déduit)',
  }),
  title: Type.String({ minLength: 1, maxLength: LIMITS.title, description: 'Intitulé de l’offre' }),
  description: Type.String({ minLength: 1, maxLength: LIMITS.description }),
  communeCode: Type.Optional(Nullable(Type.String({ pattern: '^[0-9AB]{5}$', description: 'Code INSEE' }))),
  remote: Type.Optional(Type.Boolean({ description: 'Télétravail complet : aucune commune requise' })),
  contractType: stringEnum(keys(CONTRACT_TYPES), 'Type de contrat (rules.ts)'),
  durationMonths: Type.Optional(
    Nullable(
      Type.Integer({
        minimum: LIMITS.durationMonths.min,
        maximum: LIMITS.durationMonths.max,
        description: 'Durée du contrat en mois (contrats à durée déterminée)',
      }),
    ),
  ),
  workingTime: Type.Optional(Nullable(stringEnum(keys(WORKING_TIMES)))),
  weeklyHours: Type.Optional(
    Nullable(Type.Number({ minimum: LIMITS.weeklyHours.min, maximum: LIMITS.weeklyHours.max })),
  ),
  salaryMinCents: Type.Optional(Nullable(Cents('Salaire mensuel brut minimum, en centimes'))),
  salaryMaxCents: Type.Optional(Nullable(Cents('Salaire mensuel brut maximum, en centimes'))),
  positions: Type.Optional(
    Type.Integer({
      minimum: LIMITS.positions.min,
      maximum: LIMITS.positions.max,
      description: 'Nombre de postes',
    }),
  ),
  startDate: Type.Optional(Nullable(IsoDate('Date de début souhaitée'))),
  expiresOn: Type.Optional(Nullable(IsoDate('Date d’expiration (60 jours après publication sinon)'))),
  skills: Type.Optional(Type.Array(OfferSkill, { maxItems: MAX_SKILLS })),
  drivingLicences: Type.Optional(
    Type.Array(stringEnum(keys(DRIVING_LICENCES)), { uniqueItems: true, maxItems: 8 }),
  ),
  experience: Type.Optional(
    stringEnum(keys(EXPERIENCE), 'D : débutant accepté ; S : souhaitée ; E : exigée'),
  ),
  experienceMonths: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 600 }))),
  educationLevel: Type.Optional(Nullable(stringEnum(keys(EDUCATION_LEVELS), 'Niveau (décret 2019-14)'))),
  accessibleDisability: Type.Optional(
    Type.Boolean({ description: 'Poste accessible aux personnes en situation de handicap' }),
  ),
};

export const OfferInput = Type.Object(
  {
    ...offerFields,
    publish: Type.Optional(Type.Boolean({ description: 'true : publier dès la création ; sinon brouillon' })),
  },
  { additionalProperties: false },
);
export type OfferInput = Static<typeof OfferInput>;

export const OfferPatch = Type.Object(
  {
    ...Type.Partial(Type.Object(offerFields)).properties,
    version: Type.Integer({
      minimum: 1,
      description: 'Version de l’offre lue avant la modification : une version dépassée est refusée (409)',
    }),
  },
  { additionalProperties: false },
);
export type OfferPatch = Static<typeof OfferPatch>;

export const TransitionInput = Type.Object(
  {
    to: stringEnum(keys(OFFER_STATES), 'État visé (rules.ts OFFER_TRANSITIONS)'),
    version: Type.Integer({ minimum: 1 }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type TransitionInput = Static<typeof TransitionInput>;

export const OfferListQuery = Type.Object(
  {
    scope: Type.Optional(
      stringEnum(
        ['published', 'mine'],
        'published : offres publiées ; mine : toutes celles de mon organisation',
      ),
    ),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Mots de l’intitulé' })),
    state: Type.Optional(stringEnum(keys(OFFER_STATES))),
    appellation: Type.Optional(Type.String({ pattern: '^\\d{1,8}$' })),
    rome: Type.Optional(Type.String({ pattern: '^[A-Na-n]\\d{4}$' })),
    commune: Type.Optional(Type.String({ pattern: '^[0-9AB]{5}$' })),
    department: Type.Optional(Type.String({ pattern: '^(\\d{2,3}|2[ABab])$' })),
    contract: Type.Optional(stringEnum(keys(CONTRACT_TYPES))),
    beginners: Type.Optional(stringEnum(['true', 'false'], 'true : ouvertes aux débutants')),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type OfferListQuery = Static<typeof OfferListQuery>;

export const OfferParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
