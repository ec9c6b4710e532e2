import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ReferentialsDeps } from './deps.js';

const SuggestQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Texte saisi (accents, casse et fautes de frappe tolérés)',
    }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  },
  { additionalProperties: false },
);

const Appellation = Type.Object({
  code: Type.String(),
  label: Type.String(),
  romeCode: Type.String(),
  romeLabel: Type.String(),
});
const Commune = Type.Object({
  code: Type.String({ description: 'Code INSEE' }),
  name: Type.String(),
  departmentCode: Type.String(),
  postalCodes: Type.Array(Type.String()),
  population: Type.Union([Type.Integer(), Type.Null()]),
  latitude: Type.Number(),
  longitude: Type.Number(),
});

// Open data (ROME, COG): readable without an account, like the job-seeker facing pages will need.
export async function referentialsApiRoutes(app: FastifyInstance, services: ReferentialsDeps) {
  const cacheHeader = 'public, max-age=3600';
  app.get(
    '/referentials/appellations',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Référentiels'],
        summary: 'Autocomplétion des appellations ROME (métiers)',
        querystring: SuggestQuery,
        response: { 200: Type.Array(Appellation) },
      },
    },
    async (request, reply) => {
      const { q, limit } = request.query as { q: string; limit?: number };
      reply.header('cache-control', cacheHeader);
      return services.referentials.suggestAppellations(q, limit);
    },
  );
  app.get(
    '/referentials/communes',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Référentiels'],
        summary: 'Autocomplétion des communes (nom, code postal ou code INSEE)',
        querystring: SuggestQuery,
        response: { 200: Type.Array(Commune) },
      },
    },
    async (request, reply) => {
      const { q, limit } = request.query as { q: string; limit?: number };
      reply.header('cache-control', cacheHeader);
      return services.referentials.suggestCommunes(q, limit);
    },
  );
}
