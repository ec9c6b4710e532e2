import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { ReferentialsDeps } from './deps.js';
import {
  AppellationParams,
  CloseMetier,
  Metier,
  MetierParams,
  MetierSummary,
  ReferentialVersion,
  Skill,
  SkillQuery,
} from './schemas.js';

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

  // ROME 4.0 (issue 10 §4): open data too, public like the autocomplete.
  app.get(
    '/referentials/skills',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Référentiels'],
        summary: 'Recherche des compétences et savoirs ROME 4.0 par libellé',
        querystring: SkillQuery,
        response: { 200: Type.Array(Skill) },
      },
    },
    async (request, reply) => {
      const { q, kind, limit } = request.query as Static<typeof SkillQuery>;
      reply.header('cache-control', cacheHeader);
      return services.referentials.searchSkills(q, { kind, limit });
    },
  );
  app.get(
    '/referentials/metiers/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Référentiels'],
        summary:
          'Un métier ROME 4.0 : définition, compétences cœur de métier et autres, contextes de travail',
        params: MetierParams,
        response: { 200: Metier },
      },
    },
    async (request, reply) => {
      const found = await services.referentials.metier((request.params as Static<typeof MetierParams>).code);
      // Set once found: a 404 (unknown code) is not cached for an hour.
      reply.header('cache-control', cacheHeader);
      return found;
    },
  );
  app.get(
    '/referentials/metiers/:code/close',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Référentiels'],
        summary: 'Les métiers proches d’un métier ROME 4.0 (mobilité), dans l’ordre de France Travail',
        params: MetierParams,
        response: { 200: Type.Array(CloseMetier) },
      },
    },
    async (request, reply) => {
      const found = await services.referentials.closeMetiers(
        (request.params as Static<typeof MetierParams>).code,
      );
      // Set once found: a 404 (unknown code) is not cached for an hour.
      reply.header('cache-control', cacheHeader);
      return found;
    },
  );
  app.get(
    '/referentials/appellations/:code/metier',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Référentiels'],
        summary: 'Le métier ROME 4.0 d’une appellation',
        params: AppellationParams,
        response: { 200: MetierSummary },
      },
    },
    async (request, reply) => {
      const found = await services.referentials.appellationMetier(
        (request.params as Static<typeof AppellationParams>).code,
      );
      // Set once found: a 404 (unknown code) is not cached for an hour.
      reply.header('cache-control', cacheHeader);
      return found;
    },
  );
  app.get(
    '/referentials/versions',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Référentiels'],
        summary: 'Versions des référentiels chargés (ROME 4.0 : 4.60)',
        response: { 200: Type.Array(ReferentialVersion) },
      },
    },
    async () => services.referentials.versions(),
  );
}
