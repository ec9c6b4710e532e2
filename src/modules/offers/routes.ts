import type { FastifyInstance } from 'fastify';
import type { OffersDeps } from './deps.js';
import { offerImportApiRoutes } from './import-routes.js';
import { OfferInput, OfferListQuery, OfferParams, OfferPatch, TransitionInput } from './schemas.js';

const tags = ['Offres d’emploi'];
const WHO =
  'Les offres publiées sont lues par toute personne connectée (information publique, comme sur francetravail.fr) ; les brouillons et les offres pourvues, clôturées ou expirées par leur organisation et l’administration de la plateforme. Les offres sont créées et modifiées par les administrateurs et gestionnaires des employeurs et des SIAE ; un jeton d’API agit pour son organisation.';
const BAD =
  'Salaire minimum supérieur au maximum, nombre de postes hors de 1 à 500, appellation ROME, compétence ROME 4.0 ou commune inconnue, durée donnée à un CDI, type faux : 400 nommant le champ (field).';

/** The job offers API (issue 10 §3): list, create, read, edit, change of state. */
export async function offersApiRoutes(app: FastifyInstance, deps: OffersDeps) {
  const { offers } = deps;
  await offerImportApiRoutes(app, deps);
  const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;
  app.get(
    '/job-offers',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Les offres d’emploi publiées, ou celles de mon organisation (scope=mine)',
        description: `${WHO} Filtres : mots de l’intitulé, appellation ou métier ROME, commune, département, type de contrat, ouvertes aux débutants ; 20 par page.`,
        querystring: OfferListQuery,
      },
    },
    async (request) => offers.list(request.actor!, request.query as OfferListQuery),
  );
  app.post(
    '/job-offers',
    {
      config: { access: 'user', audit: 'job_offer.created' },
      schema: {
        tags,
        summary: 'Créer une offre (brouillon, ou publiée avec publish=true)',
        description: `${WHO} Une offre publiée expire 60 jours après sa publication, sauf date d’expiration donnée. ${BAD}`,
        body: OfferInput,
      },
    },
    async (request, reply) =>
      reply.status(201).send(await offers.create(request.actor!, request.body as OfferInput)),
  );
  app.get(
    '/job-offers/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Une offre d’emploi, avec l’historique de ses états pour son organisation',
        description: WHO,
        params: OfferParams,
      },
    },
    async (request) => offers.get(request.actor!, idOf(request)),
  );
  app.patch(
    '/job-offers/:id',
    {
      config: { access: 'user', audit: 'job_offer.updated' },
      schema: {
        tags,
        summary: 'Modifier une offre de mon organisation',
        description: `Envoyez la version lue (version) : si l’offre a changé depuis, la modification est refusée (409, field : version). Une offre pourvue ne se modifie plus. ${BAD}`,
        params: OfferParams,
        body: OfferPatch,
      },
    },
    async (request) => offers.update(request.actor!, idOf(request), request.body as OfferPatch),
  );
  app.post(
    '/job-offers/:id/transitions',
    {
      config: { access: 'user', audit: 'job_offer.transition' },
      schema: {
        tags,
        summary: 'Changer l’état d’une offre : publier, marquer pourvue, clôturer',
        description:
          'États : brouillon → publiée → pourvue, clôturée ou expirée ; une offre clôturée ou expirée peut être republiée ; une offre pourvue est définitive. Un changement non permis est un 400 (field : to) ; chaque changement est tracé (qui, quand, motif).',
        params: OfferParams,
        body: TransitionInput,
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await offers.transition(request.actor!, idOf(request), request.body as TransitionInput)),
  );
}
