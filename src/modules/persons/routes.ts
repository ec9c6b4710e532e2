import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { PersonsDeps } from './deps.js';
import {
  PersonCreated,
  PersonExportResponse,
  PersonFileResponse,
  PersonHistoryResponse,
  PersonListResponse,
  PersonShared,
  problems,
} from './response-schemas.js';
import {
  ErasureInput,
  PersonInput,
  PersonListQuery,
  PersonParams,
  PersonPatch,
  ShareInput,
} from './schemas.js';

const tags = ['Personnes accompagnées'];
const WHO =
  'Réservé aux conseillers et administrateurs des organisations qui accompagnent des personnes (France Travail, Missions locales, Cap emploi, SIAE, structures d’accompagnement) ; un jeton d’API agit pour son organisation. Un dossier est lu par l’organisation référente (qui l’a créé) et par celles avec qui il a été partagé ; les situations et freins sensibles (RSA, ASS, AAH, RQTH, santé, justice) et les notes ne sont transmis qu’à l’organisation référente. Chaque lecture est tracée.';

/** The persons API (issue 10): list, create, read, edit, share, history. Access is the service's. */
export async function personsApiRoutes(app: FastifyInstance, { persons }: PersonsDeps) {
  app.get(
    '/persons',
    {
      config: { access: 'user', audit: 'persons.list' },
      schema: {
        tags,
        summary: 'Les personnes suivies par mon organisation',
        description: `${WHO} Recherche par nom ou identifiant France Travail, filtres de situation (sensibles : dossiers tenus seulement), d’âge, de commune ou département, de disponibilité ; 20 par page.`,
        querystring: PersonListQuery,
        response: { 200: PersonListResponse, ...problems },
      },
    },
    async (request) => persons.list(request.actor!, request.query as PersonListQuery),
  );
  app.post(
    '/persons',
    {
      config: { access: 'user', audit: 'person.created' },
      schema: {
        tags,
        summary: 'Créer le dossier d’une personne',
        description: `${WHO} Un dossier qui existe peut-être déjà (même nom, prénom et date de naissance, ou même identifiant France Travail, dans toute organisation) est répondu 409 (field : confirmDuplicate, heldBy : les organisations qui le tiennent, sans rien du dossier) : demandez-leur de le partager, ou renvoyez avec confirmDuplicate=true. Date de naissance future ou de moins de 15 ans, appellation ROME ou commune inconnue : 400 nommant le champ.`,
        body: PersonInput,
        response: { 201: PersonCreated, ...problems },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await persons.create(request.actor!, request.body as PersonInput)),
  );
  app.get(
    '/persons/:personId',
    {
      config: { access: 'user', audit: 'person.read' },
      schema: {
        tags,
        summary: 'Le dossier d’une personne',
        description: WHO,
        params: PersonParams,
        response: { 200: PersonFileResponse, ...problems },
      },
    },
    async (request) => persons.get(request.actor!, (request.params as { personId: string }).personId),
  );
  app.patch(
    '/persons/:personId',
    {
      config: { access: 'user', audit: 'person.updated' },
      schema: {
        tags,
        summary: 'Modifier le dossier (organisation référente)',
        description:
          'Envoyez la version lue (version) : si le dossier a changé depuis, la modification est refusée (409, field : version, currentVersion).',
        params: PersonParams,
        body: PersonPatch,
        response: { 200: PersonCreated, ...problems },
      },
    },
    async (request) =>
      persons.update(
        request.actor!,
        (request.params as { personId: string }).personId,
        request.body as PersonPatch,
      ),
  );
  app.post(
    '/persons/:personId/shares',
    {
      config: { access: 'user', audit: 'person.shared' },
      schema: {
        tags,
        summary: 'Partager le dossier avec une autre organisation (consentement de la personne)',
        description:
          'Organisation référente seulement. consentOn : date à laquelle la personne a consenti au partage ; qui l’enregistre est tracé.',
        params: PersonParams,
        body: ShareInput,
        response: { 201: PersonShared, ...problems },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await persons.share(
            request.actor!,
            (request.params as { personId: string }).personId,
            request.body as ShareInput,
          ),
        ),
  );
  app.get(
    '/persons/:personId/history',
    {
      config: { access: 'user', audit: 'person.read' },
      schema: {
        tags,
        summary: 'L’historique du dossier : créations, modifications (champs), partages',
        params: PersonParams,
        response: { 200: PersonHistoryResponse, ...problems },
      },
    },
    async (request) => persons.history(request.actor!, (request.params as { personId: string }).personId),
  );
  app.get(
    '/persons/:personId/export',
    {
      config: { access: 'user', audit: 'person.exported' },
      schema: {
        tags,
        summary: 'Le dossier complet, pour le droit d’accès de la personne (RGPD art. 15)',
        description:
          'Organisation référente seulement : tout le dossier, situations et freins sensibles et notes compris (ce sont les données de la personne), ses partages, son historique, son espace.',
        params: PersonParams,
        response: { 200: PersonExportResponse, ...problems },
      },
    },
    async (request) => persons.exportFile(request.actor!, (request.params as { personId: string }).personId),
  );
  app.post(
    '/persons/:personId/erasure',
    {
      config: { access: 'user', audit: 'person.erased' },
      schema: {
        tags,
        summary: 'Effacer le dossier à la demande de la personne (RGPD art. 17)',
        description:
          'Organisation référente seulement. confirm : le nom de famille de la personne (garde-fou : un effacement ne s’annule pas). Restent le journal d’audit (sans le nom) et une ligne d’effacement (identifiant, organisation, dates, auteur, motif).',
        params: PersonParams,
        body: ErasureInput,
        response: { 204: Type.Null({ description: 'Dossier effacé' }), ...problems },
      },
    },
    async (request, reply) => {
      await persons.erase(
        request.actor!,
        (request.params as { personId: string }).personId,
        (request.body as ErasureInput).confirm,
      );
      return reply.status(204).send();
    },
  );
}
