import { Type } from 'typebox';
import { stringEnum } from '../identity/schemas.js';

/** The offer feed imports' public types (import-routes.ts), checked at the HTTP edge and shown in OpenAPI. */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ImportQuery = Type.Object(
  {
    source: Type.Optional(
      Type.String({
        maxLength: 60,
        description:
          'Nom du flux, obligatoire : 1 à 50 minuscules sans accent, chiffres, « - » ou « _ » (ex. france-travail-ara). Une source appartient à l’organisation dont l’import l’a créée (à la plateforme pour le super-administrateur) : elle seule y importe.',
      }),
    ),
    full: Type.Optional(
      stringEnum(
        ['true', 'false'],
        'true : flux complet, les offres publiées de la source absentes du flux sont clôturées',
      ),
    ),
    confirmWithdrawal: Type.Optional(
      stringEnum(
        ['true', 'false'],
        'true : un flux complet clôture ce qu’il ne contient plus même s’il clôturerait plus d’offres qu’il n’en apporte (sinon le retrait attend une confirmation)',
      ),
    ),
  },
  { additionalProperties: false },
);

export const ImportParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const IssuesQuery = Type.Object(
  {
    severity: Type.Optional(
      stringEnum(
        ['rejection', 'warning'],
        'rejection (par défaut) : enregistrements refusés ; warning : importés avec une valeur laissée de côté',
      ),
    ),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: '50 par page' })),
  },
  { additionalProperties: false },
);

export const WithdrawalDecisionBody = Type.Object(
  {
    decision: stringEnum(
      ['confirm', 'cancel'],
      'confirm : clôturer les offres absentes du flux ; cancel : les garder publiées',
    ),
  },
  { additionalProperties: false },
);

export const ImportRun = Type.Object({
  id: Type.String({ format: 'uuid' }),
  source: Type.String(),
  fileName: Type.String(),
  full: Type.Boolean({ description: 'Flux complet' }),
  status: stringEnum(
    ['running', 'done', 'failed'],
    'running : en cours ; done : terminé ; failed : refusé ou interrompu',
  ),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  actor: Type.String({ description: 'Qui a importé' }),
  counts: Type.Object({
    records: Type.Integer({ description: 'Enregistrements lus' }),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    withdrawn: Type.Integer({ description: 'Offres clôturées, absentes d’un flux complet' }),
    rejected: Type.Integer(),
    warnings: Type.Integer(),
  }),
  withdrawalHeld: Nullable(
    Type.Integer({
      description: 'Flux complet retenu avant tout retrait : nombre d’offres qu’il clôturerait',
    }),
  ),
  withdrawalDecision: Nullable(
    stringEnum(['confirmed', 'cancelled'], 'Décision prise sur le retrait retenu'),
  ),
  error: Nullable(Type.String({ description: 'Pourquoi le flux a été refusé en entier' })),
  reportUrl: Type.String({ description: 'Le rapport de l’import (page)' }),
});

export const ImportList = Type.Object({ items: Type.Array(ImportRun) });

export const ImportIssues = Type.Object({
  severity: stringEnum(['rejection', 'warning'], 'Gravité listée'),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      record: Type.Integer({ description: 'Rang de l’enregistrement dans le flux (à partir de 1)' }),
      recordId: Nullable(Type.String({ description: 'Son identifiant (id)' })),
      field: Type.String({
        description: 'Le champ en cause, chemin JSON (ex. salaire/libelle) ; vide : l’enregistrement entier',
      }),
      message: Type.String(),
    }),
  ),
});

export const ImportReport = Type.Object({ run: ImportRun, issues: ImportIssues });
