import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { DirectoryDeps } from './deps.js';
import { RADIUS_KM } from './rules.js';
import { MAX_PER_PAGE, type RawQuery } from './search-service.js';

const tags = ['Annuaire des partenaires'];

/**
 * The search's filters as the API documents them. Values are plain strings here and checked by the
 * service, whose refusals are in French and name the field (a 400 problem), as the page shows them.
 */
export const DirectorySearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Le besoin, dans les mots de la personne (« loyer », « permis », « garde d’enfants ») : accents, pluriels et fautes de frappe tolérés',
      }),
    ),
    thematique: Type.Optional(
      Type.String({ description: 'Famille (« logement-hebergement ») ou thématique data·inclusion' }),
    ),
    public: Type.Optional(Type.String({ description: 'Public data·inclusion (« jeunes », « femmes »…)' })),
    commune: Type.Optional(
      Type.String({ maxLength: 100, description: 'Code INSEE ou « Nom (département) », ex. « Lyon (69) »' }),
    ),
    radiusKm: Type.Optional(
      Type.String({
        description: `Rayon autour de la commune, en km (${RADIUS_KM.min} à ${RADIUS_KM.max}, ${RADIUS_KM.default} par défaut)`,
      }),
    ),
    frais: Type.Optional(Type.String({ description: 'gratuit ou payant' })),
    accueil: Type.Optional(Type.String({ description: 'en-presentiel (sur place) ou a-distance' })),
    type: Type.Optional(Type.String({ description: 'Type de service data·inclusion (« accompagnement »…)' })),
    page: Type.Optional(Type.String({ description: 'Page (1 à 1000)' })),
    perPage: Type.Optional(
      Type.String({ description: `Résultats par page (1 à ${MAX_PER_PAGE}, 20 par défaut)` }),
    ),
  },
  { additionalProperties: false },
);
export type DirectorySearchQuery = Static<typeof DirectorySearchQuery>;

const Labelled = Type.Object({ code: Type.String(), label: Type.String() });
const DirectorySearchResults = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  perPage: Type.Integer(),
  radiusKm: Type.Integer(),
  needs: Type.Array(Labelled, { description: 'Les thématiques lues dans les mots du besoin' }),
  corrections: Type.Array(Type.Object({ from: Type.String(), to: Type.String() })),
  commune: Type.Union([
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      latitude: Type.Number(),
      longitude: Type.Number(),
    }),
    Type.Null(),
  ]),
  families: Type.Array(Type.Object({ family: Type.String(), label: Type.String(), count: Type.Integer() })),
  publicOnly: Type.Boolean({
    description: 'Vrai sans connexion : seuls les services mobilisables par les usagers',
  }),
  items: Type.Array(
    Type.Object({
      uuid: Type.String({ format: 'uuid' }),
      nom: Type.String(),
      structureNom: Type.String(),
      commune: Type.Union([Type.String(), Type.Null()]),
      distanceKm: Type.Union([Type.Number(), Type.Null()]),
      remote: Type.Boolean({ description: 'Trouvé comme service à distance couvrant la commune' }),
      thematiques: Type.Array(Labelled),
      frais: Type.Union([Type.String(), Type.Null()]),
      fraisLabel: Type.Union([Type.String(), Type.Null()]),
      modesAccueil: Type.Array(Labelled),
      mobilisableParUsagers: Type.Boolean(),
      dateMaj: Type.String({ format: 'date' }),
      stale: Type.Boolean({ description: 'Non mis à jour depuis plus de 6 mois : à vérifier' }),
      latitude: Type.Union([Type.Number(), Type.Null()]),
      longitude: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

/** The directory's search API (issue 13 §2): the same filters and visibility as the page /annuaire. */
export async function searchApiRoutes(app: FastifyInstance, { directory }: DirectoryDeps) {
  app.get(
    '/directory/search',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Rechercher un service dans l’annuaire des partenaires',
        description:
          'Par besoin (mots de la personne lus comme thématiques data·inclusion, fautes de frappe tolérées), public, autour d’une commune (rayon ; les services à distance couvrant la commune s’y ajoutent), frais, accueil, type. Sans connexion : seuls les services mobilisables par les usagers ; une personne connectée d’une organisation les voit tous. Une valeur invalide : 400 nommant le champ (field).',
        querystring: DirectorySearchQuery,
        response: { 200: DirectorySearchResults },
      },
    },
    async (request) => directory.search(request.actor, request.query as RawQuery),
  );
}
