import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { problems } from '../persons/response-schemas.js';
import type { PathwaysDeps } from './deps.js';
import { iaeApiRoutes } from './iae-routes.js';
import { ratesApiRoutes } from './rates-routes.js';
import {
  IMMERSION_OBJECTIVES,
  MANUAL_EVENT_KINDS,
  ORIENTATION_STATES,
  ORIENTATION_TARGETS,
  PATHWAY_EVENT_KINDS,
  REFUSAL_REASONS,
} from './rules.js';

const tags = ['Parcours et orientations'];
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ description: 'AAAA-MM-JJ' });
const keys = (o: object) => Object.keys(o).join(', ');

const OrientationSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  state: Type.String({ description: `États : ${keys(ORIENTATION_STATES)}` }),
  stateLabel: Type.String(),
  version: Type.Integer({ description: 'À renvoyer avec une décision (concurrence optimiste)' }),
  person: Type.Object({
    id: Type.String({ format: 'uuid' }),
    firstName: Type.String(),
    lastName: Type.String(),
    birthDate: IsoDate,
    commune: Nullable(Type.String()),
  }),
  prescriber: Type.Object({ organisationId: Type.String(), organisation: Type.String(), by: Type.String() }),
  target: Type.Object({
    kind: Type.String({ description: `Cibles : ${keys(ORIENTATION_TARGETS)}` }),
    kindLabel: Type.String(),
    organisationId: Type.String(),
    organisation: Type.String(),
    ref: Nullable(Type.String()),
    label: Type.String(),
  }),
  immersion: Nullable(
    Type.Object({
      host: Nullable(Type.String()),
      startOn: Nullable(IsoDate),
      endOn: Nullable(IsoDate),
      objective: Nullable(Type.String()),
    }),
  ),
  message: Type.String(),
  diagnosisId: Nullable(Type.String()),
  diagnosis: Nullable(
    Type.Object(
      { expiresOn: Nullable(IsoDate), author: Nullable(Type.String()) },
      {
        description: 'Le diagnostic d’éligibilité IAE joint : sa validité et son auteur, jamais ses critères',
      },
    ),
  ),
  createdAt: Type.String(),
  expiresOn: IsoDate,
  acceptedOn: Nullable(IsoDate),
  startOn: Nullable(IsoDate),
  refusalReason: Nullable(Type.String()),
  refusalReasonLabel: Nullable(Type.String()),
  decisionComment: Nullable(Type.String()),
});

const OrientationBody = Type.Object(
  {
    personId: Type.String({ format: 'uuid' }),
    targetKind: Type.String({ description: `Cibles : ${keys(ORIENTATION_TARGETS)}` }),
    targetRef: Type.Optional(
      Type.String({
        description:
          'Id de la session de formation, du poste en SIAE, de l’offre, ou du service de l’annuaire (targetKind service : l’organisation de sa structure reçoit la demande)',
      }),
    ),
    organisationId: Type.Optional(
      Type.String({ description: 'Organisation qui reçoit (immersion, service hors annuaire, atelier)' }),
    ),
    targetLabel: Type.Optional(Type.String({ maxLength: 200 })),
    message: Type.String({ maxLength: 2000 }),
    immersion: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String()),
          startOn: Type.Optional(Type.String()),
          endOn: Type.Optional(Type.String()),
          objective: Type.Optional(Type.String({ description: `Objectifs : ${keys(IMMERSION_OBJECTIVES)}` })),
        },
        { additionalProperties: false },
      ),
    ),
    diagnosisId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

const DecisionBody = Type.Object(
  {
    to: Type.String({
      description:
        'studying, on_hold, accepted, refused (la structure qui reçoit) ; cancelled (le prescripteur)',
    }),
    version: Type.Integer(),
    startOn: Type.Optional(Type.String({ description: 'Date d’entrée prévue, pour « accepted »' })),
    reason: Type.Optional(Type.String({ description: `Motifs de refus : ${keys(REFUSAL_REASONS)}` })),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object(
  { orientationId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
const PersonParams = Type.Object(
  { personId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const EventSchema = Type.Object({
  id: Type.Integer(),
  occurredOn: IsoDate,
  kind: Type.String({ description: `Types : ${keys(PATHWAY_EVENT_KINDS)}` }),
  kindLabel: Type.String(),
  organisation: Type.String(),
  author: Type.String(),
  summary: Type.String(),
});
const DailyRow = Type.Object({
  personId: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  on: Nullable(Type.String()),
  detail: Nullable(Type.String()),
});

const WHO_ORIENT =
  'Réservé aux conseillers et administrateurs des organisations prescriptrices (France Travail, Missions locales, Cap emploi, Région, mairies, structures d’accompagnement, SIAE) qui peuvent lire le dossier de la personne.';
const WHO_SIDES =
  'Réservé aux deux organisations de l’orientation : celle qui l’a envoyée et celle qui la reçoit. La structure qui reçoit ne lit que ce qu’il faut pour décider. Chaque lecture est tracée.';
const WHO_FILE =
  'Réservé aux organisations qui peuvent lire le dossier de la personne. Chaque lecture est tracée.';

/** The pathways API (issue 12 §7): orientations, timeline, daily lists, and the IAE and rates routes. */
export async function pathwaysApiRoutes(app: FastifyInstance, deps: PathwaysDeps) {
  const { pathways } = deps;

  app.post(
    '/orientations',
    {
      config: { access: 'user', audit: 'orientation.created' },
      schema: {
        tags,
        summary: 'Orienter une personne vers un partenaire',
        description: `${WHO_ORIENT} Cibles : ${keys(ORIENTATION_TARGETS)}. Une session complète, un poste sans place, une offre non publiée ou une demande identique en attente : refusées (400 ou 409 nommant le champ). Sans réponse, la demande expire après le délai configuré (60 jours par défaut).`,
        body: OrientationBody,
        response: { 201: Type.Object({ id: Type.String(), expiresOn: IsoDate }), ...problems },
      },
    },
    async (request, reply) => {
      const result = await pathways.orient(request.actor!, request.body as never);
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/orientations',
    {
      config: { access: 'user', audit: 'orientations.list' },
      schema: {
        tags,
        summary: 'Les orientations reçues ou envoyées par mon organisation',
        description: `Réservé aux conseillers et administrateurs. side=received (par défaut) ou sent ; state=open (en attente de réponse) ou un état (${keys(ORIENTATION_STATES)}).`,
        querystring: Type.Object(
          {
            side: Type.Optional(Type.Union([Type.Literal('received'), Type.Literal('sent')])),
            state: Type.Optional(Type.String()),
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(OrientationSchema),
            total: Type.Integer(),
            page: Type.Integer(),
            pageSize: Type.Integer(),
          }),
          ...problems,
        },
      },
    },
    async (request) => {
      const q = request.query as { side?: 'received' | 'sent'; state?: string; page?: number };
      const r = await pathways.list(request.actor!, q.side ?? 'received', q);
      return { items: r.rows, total: r.total, page: r.page, pageSize: r.pageSize };
    },
  );

  app.get(
    '/orientations/:orientationId',
    {
      config: { access: 'user', audit: 'orientation.read' },
      schema: {
        tags,
        summary: 'Une orientation et ses changements d’état',
        description: WHO_SIDES,
        params: IdParams,
        response: {
          200: Type.Object({
            orientation: OrientationSchema,
            side: Type.String({ description: 'receiver ou prescriber' }),
            transitions: Type.Array(
              Type.Object({
                occurredAt: Type.String(),
                fromState: Nullable(Type.String()),
                toState: Type.String(),
                actorLabel: Type.String(),
                organisationName: Nullable(Type.String()),
                reason: Nullable(Type.String()),
                comment: Nullable(Type.String()),
              }),
            ),
          }),
          ...problems,
        },
      },
    },
    async (request) => {
      const { orientationId } = request.params as { orientationId: string };
      return pathways.get(request.actor!, orientationId);
    },
  );

  app.post(
    '/orientations/:orientationId/decision',
    {
      config: { access: 'user', audit: ['orientation.transition', 'person.shared'] },
      schema: {
        tags,
        summary: 'Répondre à une orientation (étude, attente, acceptation, refus) ou l’annuler',
        description: `${WHO_SIDES} Les changements permis sont ceux de la table des transitions ; un refus demande un motif (${keys(REFUSAL_REASONS)}) ; une acceptation, une date d’entrée, et partage le dossier avec la structure le temps du parcours. Une version périmée : 409.`,
        params: IdParams,
        body: DecisionBody,
        response: { 200: Type.Object({ version: Type.Integer(), state: Type.String() }), ...problems },
      },
    },
    async (request) => {
      const { orientationId } = request.params as { orientationId: string };
      return pathways.decide(request.actor!, orientationId, request.body as never);
    },
  );

  app.get(
    '/persons/:personId/orientations',
    {
      config: { access: 'user', audit: 'orientations.list' },
      schema: {
        tags,
        summary: 'Les orientations d’une personne',
        description: WHO_FILE,
        params: PersonParams,
        response: { 200: Type.Object({ items: Type.Array(OrientationSchema) }), ...problems },
      },
    },
    async (request) => {
      const { personId } = request.params as { personId: string };
      return { items: await pathways.forPerson(request.actor!, personId) };
    },
  );

  app.get(
    '/persons/:personId/pathway',
    {
      config: { access: 'user', audit: 'pathway.read' },
      schema: {
        tags,
        summary: 'Le parcours d’une personne, toutes organisations confondues',
        description: `${WHO_FILE} Du plus récent au plus ancien, 50 par page : « before » reprend après le dernier événement lu (occurredOn et id).`,
        params: PersonParams,
        querystring: Type.Object(
          {
            beforeOn: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
            beforeId: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            events: Type.Array(EventSchema),
            next: Nullable(Type.Object({ occurredOn: IsoDate, id: Type.Integer() })),
            members: Type.Array(
              Type.Object({
                userId: Type.String(),
                name: Type.String(),
                organisation: Type.String(),
                role: Type.String({ description: 'referent ou co' }),
              }),
            ),
          }),
          ...problems,
        },
      },
    },
    async (request) => {
      const { personId } = request.params as { personId: string };
      const q = request.query as { beforeOn?: string; beforeId?: number };
      const before = q.beforeOn && q.beforeId ? { occurredOn: q.beforeOn, id: q.beforeId } : undefined;
      const r = await pathways.timeline(request.actor!, personId, before);
      return {
        events: r.events.map((e) => ({
          id: e.id,
          occurredOn: e.occurredOn,
          kind: e.kind,
          kindLabel: e.kindLabel,
          organisation: e.organisationLabel,
          author: e.authorLabel,
          summary: e.summary,
        })),
        next: r.next,
        members: r.members.map((m) => ({
          userId: m.userId,
          name: m.name,
          organisation: m.organisationName,
          role: m.role,
        })),
      };
    },
  );

  app.post(
    '/persons/:personId/pathway/notes',
    {
      config: { access: 'user', audit: 'pathway.noted' },
      schema: {
        tags,
        summary: 'Ajouter une note ou un rendez-vous au parcours',
        description: `${WHO_FILE} La note est lue par toutes les organisations qui accompagnent la personne : rien de médical. Types : ${MANUAL_EVENT_KINDS.join(', ')}.`,
        params: PersonParams,
        body: Type.Object(
          {
            kind: Type.Optional(Type.String()),
            occurredOn: Type.Optional(Type.String()),
            text: Type.String({ maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      await pathways.addNote(request.actor!, personId, request.body as never);
      return reply.code(204).send();
    },
  );

  app.put(
    '/persons/:personId/pathway/members',
    {
      config: { access: 'user', audit: 'pathway.members' },
      schema: {
        tags,
        summary: 'Désigner le conseiller référent ou ajouter un co-accompagnant',
        description: `${WHO_FILE} Un conseiller de sa propre organisation ; role = referent ou co.`,
        params: PersonParams,
        body: Type.Object(
          { userId: Type.String({ format: 'uuid' }), role: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      await pathways.setMember(request.actor!, personId, request.body as never);
      return reply.code(204).send();
    },
  );

  app.get(
    '/pathways/daily-lists',
    {
      config: { access: 'user', audit: 'pathways.list' },
      schema: {
        tags,
        summary: 'Les listes du jour d’un conseiller',
        description:
          'Parcours sans nouvelles depuis N jours, PASS IAE finissant dans les 3 mois, contrats finissant dans les 30 jours, orientations en attente de réponse ; scope=me (les personnes dont je suis référent ou co-accompagnant) ou organisation.',
        querystring: Type.Object(
          {
            scope: Type.Optional(Type.Union([Type.Literal('me'), Type.Literal('organisation')])),
            silentDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            scope: Type.String(),
            silentDays: Type.Integer(),
            silent: Type.Array(DailyRow),
            approvalsEnding: Type.Array(DailyRow),
            contractsEnding: Type.Array(DailyRow),
            waiting: Type.Array(DailyRow),
          }),
          ...problems,
        },
      },
    },
    async (request) => pathways.dailyLists(request.actor!, request.query as never),
  );

  await iaeApiRoutes(app, deps);
  await ratesApiRoutes(app, deps);
}
