import { type TSchema, Type } from 'typebox';

/**
 * What the persons API answers (issue 10 §5, « OpenAPI documented »), declared on each route so that
 * /api/docs/json tells a partner's developer the shape of a file before they hold a token. Fastify
 * serialises the answers with them (fast-json-stringify): a property left out here would be left
 * out of the answer, so each object lists all that service-core.ts (readFileWith) and the use cases
 * return; persons/api.test.ts checks the document and a real answer against each other.
 */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const IsoDate = Type.String({ description: 'AAAA-MM-JJ' });
const CodeLabel = (description: string) =>
  Type.Object(
    {
      code: Type.String(),
      label: Nullable(Type.String({ description: 'null : code absent du ROME chargé' })),
    },
    { description },
  );

/**
 * RFC 9457 problem details (web/problem.ts): `field` names the faulty input, and extension members
 * (a duplicate's `heldBy`, a stale edit's `currentVersion`) are kept (additionalProperties).
 */
export const ProblemResponse = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    field: Type.Optional(Type.String({ description: 'Le champ refusé (ex. skills/0, birthDate)' })),
    'invalid-params': Type.Optional(Type.Array(Type.Object({ name: Type.String(), reason: Type.String() }))),
  },
  { additionalProperties: true, description: 'Problème (RFC 9457), en application/problem+json' },
);
/** The refusals every persons route may answer: input (400), sign-in (401), access (403), file (404). */
export const problems = { '4xx': ProblemResponse } as const;

export const PersonFileResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    version: Type.Integer({ description: 'À renvoyer avec une modification (PATCH)' }),
    relation: Type.Union([Type.Literal('referent'), Type.Literal('shared')], {
      description: 'referent : votre organisation tient le dossier ; shared : il vous a été partagé',
    }),
    sensitiveOmitted: Type.Boolean({
      description: 'true : situations et freins sensibles et notes retirés (dossier partagé)',
    }),
    referentOrganisation: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }),
    createdAt: DateTime,
    updatedAt: DateTime,
    civility: Nullable(Type.String()),
    lastName: Type.String(),
    firstName: Type.String(),
    birthDate: IsoDate,
    age: Type.Integer(),
    young: Type.Boolean({ description: 'Moins de 26 ans' }),
    senior: Type.Boolean({ description: '50 ans et plus' }),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    franceTravailId: Nullable(Type.String()),
    commune: Nullable(
      Type.Object({
        code: Type.String(),
        name: Nullable(Type.String()),
        departmentCode: Nullable(Type.String()),
      }),
    ),
    registeredCategory: Nullable(Type.String()),
    situations: Type.Array(Type.String()),
    educationLevel: Nullable(Type.String()),
    drivingLicences: Type.Array(Type.String()),
    hasVehicle: Type.Boolean(),
    mobilityRadiusKm: Nullable(Type.Integer()),
    mobilityMeans: Type.Array(Type.String()),
    availableFrom: Nullable(IsoDate),
    workingTime: Nullable(Type.String()),
    contractTypes: Type.Array(Type.String()),
    wantedJobs: Type.Array(CodeLabel('Appellation ROME recherchée')),
    pastJobs: Type.Array(
      Type.Object({
        appellationCode: Type.String(),
        months: Type.Integer(),
        label: Nullable(Type.String()),
      }),
    ),
    skills: Type.Array(CodeLabel('Compétence ROME 4.0 déclarée')),
    barriers: Type.Array(Type.String()),
    notes: Nullable(Type.String()),
    legalBasis: Type.String(),
    informedOn: IsoDate,
    employerVisible: Type.Boolean({
      description: 'La personne accepte que les employeurs voient son profil sans son nom',
    }),
    shares: Type.Array(
      Type.Object({
        organisationId: Type.String({ format: 'uuid' }),
        organisationName: Type.String(),
        consentOn: IsoDate,
        recordedBy: Type.String({ description: 'Qui a enregistré le partage (nom, jamais une adresse)' }),
        sharedAt: DateTime,
        basis: Type.String({
          description:
            'consent : partage avec le consentement de la personne ; orientation : orientation acceptée, le temps du parcours',
        }),
        until: Nullable(IsoDate),
      }),
      { description: 'Organisation référente seulement : vide pour un dossier partagé' },
    ),
  },
  { description: 'Le dossier d’une personne, tel que votre organisation peut le recevoir' },
);

export const PersonListResponse = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  items: Type.Array(
    Type.Object(
      {
        id: Type.String({ format: 'uuid' }),
        lastName: Type.String(),
        firstName: Type.String(),
        birthDate: IsoDate,
        communeName: Nullable(Type.String()),
        departmentCode: Nullable(Type.String()),
        availableFrom: Nullable(IsoDate),
        isReferent: Type.Boolean(),
        referentName: Type.String(),
        wantedJob: Nullable(Type.String({ description: 'Premier métier recherché (libellé)' })),
        updatedAt: DateTime,
      },
      // The list's columns may grow (list-repository.ts): none is dropped from the answer meanwhile.
      { additionalProperties: true },
    ),
  ),
});

export const PersonCreated = Type.Object({ id: Type.String({ format: 'uuid' }), version: Type.Integer() });

export const PersonShared = Type.Object({
  organisationId: Type.String({ format: 'uuid' }),
  organisationName: Type.String(),
  consentOn: IsoDate,
});

export const PersonHistoryResponse = Type.Array(
  Type.Object({
    occurredAt: DateTime,
    action: Type.String({ description: 'person.created, person.updated, person.shared…' }),
    actor: Nullable(Type.String({ description: 'Qui a agi : son nom, jamais son adresse' })),
    organisation: Nullable(Type.String()),
    fields: Type.Array(Type.String(), { description: 'Les champs modifiés (jamais leurs valeurs)' }),
    sharedWith: Nullable(Type.String()),
  }),
);

export const PersonExportResponse = Type.Object({
  exportedAt: DateTime,
  about: Type.String(),
  controller: Type.String({ description: 'Le responsable du traitement : l’organisation référente' }),
  legalBasis: Type.Object({ code: Type.String(), label: Type.String() }),
  file: PersonFileResponse,
  history: Type.Array(
    Type.Object({
      occurredAt: Nullable(DateTime),
      action: Type.String(),
      by: Nullable(Type.String()),
      organisation: Nullable(Type.String()),
      details: Type.Object({}, { additionalProperties: true }),
    }),
  ),
  space: Type.Object({
    invitedAt: Nullable(DateTime),
    firstSignInAt: Nullable(DateTime),
    lastSignInAt: Nullable(DateTime),
    employerVisible: Type.Boolean(),
  }),
  registeredBy: Nullable(Type.Object({ organisation: Type.String(), handoverConsentOn: Nullable(IsoDate) })),
  lastContactAt: Nullable(DateTime),
});
