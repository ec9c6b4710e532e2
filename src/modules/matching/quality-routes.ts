import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { QualityService } from './quality-service.js';

const tags = ['Appariement'];

const Figures = {
  persons: Type.Integer({ description: 'Personnes ayant eu des suggestions enregistrées' }),
  suggestions: Type.Integer({ description: 'Leurs offres suggérées aux rangs 1 à 10 aujourd’hui' }),
  hits: Type.Integer({
    description:
      'Offres suggérées aux rangs 1 à 10 ayant mené à un contact, un entretien ou une embauche (chacune une fois)',
  }),
  interviews: Type.Integer(),
  hires: Type.Integer(),
  personsWithHit: Type.Integer({ description: 'Personnes avec au moins une telle offre' }),
  precision: Type.Union([Type.Number(), Type.Null()], {
    description:
      'hits / (10 × persons) : sur 100 offres suggérées en tête de liste, combien ont mené à un contact ou une embauche',
  }),
  hitRate: Type.Union([Type.Number(), Type.Null()], { description: 'personsWithHit / persons' }),
};

const QualityQuery = Type.Object(
  {
    department: Type.Optional(Type.String({ maxLength: 3, description: 'Code du département (ex. 69, 2A)' })),
    from: Type.Optional(
      Type.String({ maxLength: 10, description: 'Suites notées depuis cette date (AAAA-MM-JJ)' }),
    ),
    to: Type.Optional(
      Type.String({ maxLength: 10, description: 'Suites notées jusqu’à cette date incluse (AAAA-MM-JJ)' }),
    ),
  },
  { additionalProperties: false },
);

const QualityReport = Type.Object({
  filters: Type.Object({
    department: Type.Union([Type.String(), Type.Null()]),
    from: Type.Union([Type.String(), Type.Null()]),
    to: Type.Union([Type.String(), Type.Null()]),
  }),
  definition: Type.String(),
  overall: Type.Object(Figures),
  byPreset: Type.Array(Type.Object({ preset: Type.String(), label: Type.String(), ...Figures })),
  byDepartment: Type.Array(
    Type.Object({ department: Type.Union([Type.String(), Type.Null()]), name: Type.String(), ...Figures }),
  ),
});

/** GET /api/v1/matches/quality: the analysts' figures (aggregates only, no name, no id). */
export async function matchQualityApiRoutes(app: FastifyInstance, quality: QualityService) {
  app.get(
    '/matches/quality',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Qualité des suggestions d’offres (précision à 10, taux de réussite)',
        description:
          'Réservé aux analystes et administrateurs de la Région et de France Travail. Par préréglage et par département ; filtres : département, période des suites notées.',
        querystring: QualityQuery,
        response: { 200: QualityReport },
      },
    },
    async (request) => quality.report(request.actor, request.query),
  );
}
