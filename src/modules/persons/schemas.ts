import { type Static, Type } from 'typebox';
import { stringEnum } from '../identity/schemas.js';
import {
  BARRIERS,
  CIVILITIES,
  CONTRACT_TYPES,
  DECLARED_SKILLS,
  DRIVING_LICENCES,
  EDUCATION_LEVELS,
  LEGAL_BASES,
  MAX_MOBILITY_KM,
  MOBILITY_MEANS,
  PAST_JOBS,
  REGISTERED_CATEGORIES,
  SITUATIONS,
  WANTED_JOBS,
  WORKING_TIMES,
} from './rules.js';

/**
 * The persons module's public types, checked at the HTTP edge (`additionalProperties: false`: an
 * unknown field is a 400 naming it). The service checks the same rules again for the pages'
 * forms (dates that exist, ages, appellations and communes that exist).
 */
const keys = <T extends object>(o: T) => Object.keys(o) as (keyof T & string)[];
const codes = <T extends object>(o: T, description: string, maxItems?: number) =>
  Type.Array(stringEnum(keys(o)), { uniqueItems: true, maxItems: maxItems ?? keys(o).length, description });
const IsoDate = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10, description });
const Text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const AppellationCode = Type.String({ pattern: '^\\d{1,8}$', description: 'Code d’appellation ROME' });
const SkillCode = Type.String({
  pattern: '^\\d{1,8}$',
  description: 'Code OGR d’une compétence ou d’un savoir ROME 4.0 (GET /api/v1/referentials/skills?q=…)',
});

export const PastJob = Type.Object(
  {
    appellationCode: AppellationCode,
    months: Type.Integer({ minimum: 1, maximum: PAST_JOBS.maxMonths, description: 'Durée en mois' }),
  },
  { additionalProperties: false },
);
export type PastJob = Static<typeof PastJob>;

/** Everything a counsellor records, each field optional for an edit (PersonPatch). */
const profileFields = {
  civility: Type.Optional(Nullable(stringEnum(keys(CIVILITIES)))),
  lastName: Type.String({ minLength: 1, maxLength: 100 }),
  firstName: Type.String({ minLength: 1, maxLength: 100 }),
  birthDate: IsoDate('Date de naissance (AAAA-MM-JJ) : 15 ans au moins, jamais dans le futur'),
  email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
  phone: Type.Optional(Nullable(Type.String({ pattern: '^[0-9 +().-]{6,20}$' }))),
  franceTravailId: Type.Optional(
    Nullable(
      Type.String({
        pattern: '^[0-9A-Za-z]{8}([0-9A-Za-z]{3})?$',
        description: 'Identifiant France Travail',
      }),
    ),
  ),
  communeCode: Type.Optional(Nullable(Type.String({ pattern: '^[0-9AB]{5}$', description: 'Code INSEE' }))),
  registeredCategory: Type.Optional(Nullable(stringEnum(keys(REGISTERED_CATEGORIES)))),
  situations: Type.Optional(codes(SITUATIONS, 'Situations (rules.ts)')),
  educationLevel: Type.Optional(Nullable(stringEnum(keys(EDUCATION_LEVELS)))),
  drivingLicences: Type.Optional(codes(DRIVING_LICENCES, 'Permis de conduire')),
  hasVehicle: Type.Optional(Type.Boolean()),
  mobilityRadiusKm: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: MAX_MOBILITY_KM }))),
  mobilityMeans: Type.Optional(codes(MOBILITY_MEANS, 'Moyens de déplacement')),
  availableFrom: Type.Optional(Nullable(IsoDate('Disponible à partir du'))),
  workingTime: Type.Optional(Nullable(stringEnum(keys(WORKING_TIMES)))),
  contractTypes: Type.Optional(codes(CONTRACT_TYPES, 'Types de contrat acceptés')),
  wantedJobs: Type.Array(AppellationCode, {
    minItems: WANTED_JOBS.min,
    maxItems: WANTED_JOBS.max,
    uniqueItems: true,
    description: 'Métiers recherchés : 1 à 5 appellations ROME',
  }),
  pastJobs: Type.Optional(Type.Array(PastJob, { maxItems: PAST_JOBS.max })),
  skills: Type.Optional(
    Type.Array(SkillCode, {
      maxItems: DECLARED_SKILLS.max,
      uniqueItems: true,
      description: `Compétences déclarées : ${DECLARED_SKILLS.max} codes ROME 4.0 au plus`,
    }),
  ),
  barriers: Type.Optional(codes(BARRIERS, 'Freins périphériques à l’emploi')),
  notes: Type.Optional(Nullable(Text(5000))),
  legalBasis: stringEnum(keys(LEGAL_BASES), 'Base légale du traitement (RGPD art. 6)'),
  informedOn: IsoDate('Date à laquelle la personne a été informée du traitement (RGPD art. 13)'),
};

export const PersonInput = Type.Object(
  {
    ...profileFields,
    confirmDuplicate: Type.Optional(
      Type.Boolean({
        description:
          'true : créer le dossier même si un dossier semble déjà exister (même nom et date de naissance, ou même identifiant France Travail) ; sinon 409',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PersonInput = Static<typeof PersonInput>;

export const PersonPatch = Type.Object(
  {
    ...Type.Partial(Type.Object(profileFields)).properties,
    version: Type.Integer({
      minimum: 1,
      description: 'Version du dossier lue avant la modification : une version dépassée est refusée (409)',
    }),
  },
  { additionalProperties: false },
);
export type PersonPatch = Static<typeof PersonPatch>;

export const ShareInput = Type.Object(
  {
    organisationId: Type.String({ format: 'uuid' }),
    consentOn: IsoDate('Date du consentement de la personne au partage (AAAA-MM-JJ)'),
  },
  { additionalProperties: false },
);
export type ShareInput = Static<typeof ShareInput>;

export const PersonListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 100, description: 'Nom, prénom ou identifiant France Travail' }),
    ),
    scope: Type.Optional(stringEnum(['all', 'referent', 'shared'], 'Dossiers tenus, partagés, ou tous')),
    situation: Type.Optional(
      stringEnum(keys(SITUATIONS), 'Situation (sensibles : dossiers tenus seulement)'),
    ),
    age: Type.Optional(stringEnum(['young', 'senior'], 'young : moins de 26 ans ; senior : 50 ans et plus')),
    department: Type.Optional(Type.String({ pattern: '^(\\d{2,3}|2[ABab])$' })),
    commune: Type.Optional(Type.String({ pattern: '^[0-9AB]{5}$' })),
    availableNow: Type.Optional(stringEnum(['true', 'false'], 'true : disponibles à ce jour')),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type PersonListQuery = Static<typeof PersonListQuery>;
export const PersonParams = Type.Object(
  { personId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const ErasureInput = Type.Object(
  { confirm: Type.String({ minLength: 1, maxLength: 100, description: 'Le nom de famille de la personne' }) },
  { additionalProperties: false },
);
export type ErasureInput = Static<typeof ErasureInput>;
