import { type Static, Type } from 'typebox';
import { stringEnum } from '../identity/schemas.js';

const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** A calendar date that exists (the `date` format of web/validation.ts checks the calendar). */
const IsoDate = Type.String({ format: 'date' });

export const TrainingQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Texte libre (intitulé, objectif, contenu) ; fautes de frappe tolérées',
      }),
    ),
    appellation: Type.Optional(Type.String({ maxLength: 10, description: 'Code d’appellation ROME' })),
    rome: Type.Optional(Type.String({ pattern: '^[A-N]\\d{4}$', description: 'Code métier ROME' })),
    formacode: Type.Optional(Type.String({ pattern: '^\\d{5}$' })),
    rncp: Type.Optional(Type.String({ maxLength: 12 })),
    commune: Type.Optional(
      Type.String({ maxLength: 5, description: 'Code INSEE de la commune de référence' }),
    ),
    radiusKm: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 200,
        description: 'Rayon autour de la commune (km, 30 par défaut)',
      }),
    ),
    startFrom: Type.Optional(IsoDate),
    startTo: Type.Optional(IsoDate),
    teachingMode: Type.Optional(stringEnum(['0', '1', '2'], '0 présentiel, 1 mixte, 2 à distance')),
    certifying: Type.Optional(stringEnum(['true', 'false'])),
    entryLevel: Type.Optional(Type.String({ maxLength: 2 })),
    funder: Type.Optional(
      Type.String({
        maxLength: 20,
        description: 'Code financeur LHÉO, ou « demandeurs » (Région, France Travail, Agefiph, État)',
      }),
    ),
    openPlaces: Type.Optional(stringEnum(['true', 'false'])),
    department: Type.Optional(Type.String({ maxLength: 3 })),
    sort: Type.Optional(stringEnum(['relevance', 'distance', 'start'])),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type TrainingQuery = Static<typeof TrainingQuery>;

export const TrainingHit = Type.Object({
  actionId: Type.String(),
  trainingId: Type.String(),
  title: Type.String(),
  providerName: Type.String(),
  communeName: Nullable(Type.String()),
  postalCode: Nullable(Type.String()),
  department: Nullable(Type.String()),
  distanceKm: Nullable(Type.Number()),
  nextStart: Type.String(),
  nextEnd: Type.String(),
  nextState: Type.String(),
  nextOpen: Type.Boolean(),
  nextOpenStart: Nullable(Type.String()),
  placesRemaining: Nullable(Type.Integer()),
  sessions: Type.Integer(),
  teachingMode: Type.String(),
  certifying: Type.Boolean(),
  entryLevel: Type.String(),
  funders: Type.Array(Type.String()),
  hoursCentre: Nullable(Type.Integer()),
  hoursCompany: Nullable(Type.Integer()),
  rank: Type.Number(),
});

const Counts = Type.Record(Type.String(), Type.Integer());
export const TrainingResults = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  perPage: Type.Integer(),
  corrections: Type.Array(Type.Object({ from: Type.String(), to: Type.String() })),
  items: Type.Array(TrainingHit),
  facets: Type.Object({
    teachingMode: Counts,
    certifying: Counts,
    entryLevel: Counts,
    funders: Counts,
    department: Counts,
  }),
});

export const SessionPatchBody = Type.Object(
  {
    start: Type.Optional(IsoDate),
    end: Type.Optional(IsoDate),
    recruitmentState: Type.Optional(stringEnum(['1', '2', '3'], '1 ouvert, 2 fermé, 3 suspendu')),
    placesTotal: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10_000 }))),
    placesRemaining: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10_000 }))),
  },
  // An empty patch changes nothing and cannot be written as SQL (a 500 found by the route fuzzing).
  { additionalProperties: false, minProperties: 1 },
);
export type SessionPatchBody = Static<typeof SessionPatchBody>;

export const NewSessionBody = Type.Object(
  {
    start: IsoDate,
    end: IsoDate,
    recruitmentState: Type.Optional(stringEnum(['1', '2', '3'])),
    placesTotal: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10_000 }))),
    placesRemaining: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10_000 }))),
  },
  { additionalProperties: false },
);
export type NewSessionBody = Static<typeof NewSessionBody>;

export const TrainingTextPatch = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 3, maxLength: 255 })),
    objective: Type.Optional(Type.String({ minLength: 3, maxLength: 3000 })),
    expectedResults: Type.Optional(Type.String({ minLength: 3, maxLength: 3000 })),
    content: Type.Optional(Type.String({ minLength: 3, maxLength: 3000 })),
  },
  // An empty patch changes nothing and cannot be written as SQL (a 500 found by the route fuzzing).
  { additionalProperties: false, minProperties: 1 },
);
export type TrainingTextPatch = Static<typeof TrainingTextPatch>;

export const ImportSummary = Type.Object({
  id: Type.String(),
  status: Type.String(),
  error: Nullable(Type.String()),
  line: Nullable(Type.Integer()),
  column: Nullable(Type.Integer()),
  formationsTotal: Type.Integer(),
  counts: Type.Record(Type.String(), Type.Integer()),
  rejected: Type.Integer(),
  /** Problems that rejected nothing (a commune resolved, coordinates replaced, an element not kept). */
  warnings: Type.Integer(),
  reportUrl: Type.String(),
});
