import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { AppError, invalid } from '../../shared/errors.js';
import { abortedWith, refuseAnnouncedOverLimit } from '../../shared/uploads.js';
import { stringEnum } from '../identity/schemas.js';
import type { TrainingsDeps } from './deps.js';
import {
  ImportSummary,
  NewSessionBody,
  SessionPatchBody,
  TrainingQuery,
  TrainingResults,
  TrainingTextPatch,
} from './schemas.js';
import type { RawQuery, WithdrawalDecision } from './service.js';

const tags = ['Offre de formation'];
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const SessionParams = Type.Object({ sessionId: Type.String({ format: 'uuid' }) });
const ActionParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  actionId: Type.String({ format: 'uuid' }),
});
const ImportQuery = Type.Object(
  {
    source: Type.Optional(
      Type.String({
        maxLength: 60,
        description:
          'Nom du flux (ex. carif-oref-ara), obligatoire ; imposé pour un organisme de formation. Une source appartient à l’organisation qui l’a créée (ou est un flux Carif-Oref déclaré).',
      }),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('full'), Type.Literal('partial')], {
        description: 'full : ce que le flux ne contient plus est retiré',
      }),
    ),
    confirmWithdrawal: Type.Optional(
      stringEnum(
        ['true', 'false'],
        'true : un flux complet retire ce qu’il ne contient plus même s’il retire plus qu’il n’apporte (sinon : 409 et confirmation)',
      ),
    ),
  },
  { additionalProperties: false },
);
const WithdrawalBody = Type.Object(
  {
    decision: stringEnum(
      ['confirm', 'cancel'],
      'confirm : retirer les formations absentes du flux ; cancel : les garder (rien n’est retiré)',
    ),
  },
  { additionalProperties: false },
);

export async function trainingsApiRoutes(app: FastifyInstance, { trainings }: TrainingsDeps, config: Config) {
  // An LHÉO feed posted as the raw body is not read while parsed: the handler streams it to its
  // upload file after the checks (uploads.ts).
  app.addContentTypeParser(['application/xml', 'text/xml'], (_request, payload, done) => done(null, payload));

  app.get(
    '/trainings',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Rechercher dans l’offre de formation',
        description:
          'Texte libre en français (accents, pluriels et fautes de frappe tolérés), filtres, rayon autour d’une commune, facettes et tri.',
        querystring: TrainingQuery,
        response: { 200: TrainingResults },
      },
    },
    async (request) => trainings.search(request.query as RawQuery),
  );

  app.get(
    '/trainings/export.xml',
    {
      config: { access: 'user', audit: 'trainings.export' },
      schema: { tags, summary: 'Exporter un résultat de recherche en LHÉO 2.3', querystring: TrainingQuery },
    },
    async (request, reply) =>
      reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', 'attachment; filename="offre-formation-lheo.xml"')
        .send(Readable.from(await trainings.exportLheo(request.query as RawQuery))),
  );
  app.get(
    '/trainings/export.csv',
    {
      config: { access: 'user', audit: 'trainings.export' },
      schema: {
        tags,
        summary: 'Exporter un résultat de recherche en CSV (une ligne par session)',
        querystring: TrainingQuery,
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="offre-formation.csv"')
        .send(Readable.from(await trainings.exportCsv(request.query as RawQuery))),
  );

  app.get(
    '/trainings/:id',
    {
      config: { access: 'user' },
      schema: { tags, summary: 'Une formation, ses actions, sessions et financeurs', params: Id },
    },
    async (request) => trainings.get(request.actor!, (request.params as { id: string }).id),
  );
  app.patch(
    '/trainings/:id',
    {
      config: { access: 'user', audit: 'training.updated' },
      schema: {
        tags,
        summary: 'Modifier les textes d’une formation (son organisme)',
        params: Id,
        body: TrainingTextPatch,
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await trainings.updateText(request.actor!, id, request.body as TrainingTextPatch);
      return reply.status(204).send();
    },
  );
  app.post(
    '/trainings/:id/actions/:actionId/sessions',
    {
      config: { access: 'user', audit: 'training_session.created' },
      schema: {
        tags,
        summary: 'Ajouter une session à une action (son organisme)',
        params: ActionParams,
        body: NewSessionBody,
      },
    },
    async (request, reply) => {
      const { id, actionId } = request.params as { id: string; actionId: string };
      const sessionId = await trainings.addSession(
        request.actor!,
        id,
        actionId,
        request.body as NewSessionBody,
      );
      return reply.status(201).send({ id: sessionId });
    },
  );
  app.patch(
    '/training-sessions/:sessionId',
    {
      config: { access: 'user', audit: 'training_session.updated' },
      schema: {
        tags,
        summary:
          'Ouvrir, fermer ou suspendre le recrutement, mettre à jour les places ou les dates (son organisme)',
        params: SessionParams,
        body: SessionPatchBody,
      },
    },
    async (request, reply) => {
      await trainings.updateSession(
        request.actor!,
        (request.params as { sessionId: string }).sessionId,
        request.body as SessionPatchBody,
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/lheo-imports',
    {
      config: { access: 'user', audit: 'lheo_import.done' },
      schema: {
        tags,
        summary: 'Importer un flux LHÉO (corps application/xml)',
        description:
          'Le fichier est vérifié (XML bien formé, sans DOCTYPE) avant toute écriture ; les enregistrements invalides sont rejetés un à un et listés dans le rapport. Un fichier refusé en entier est répondu 422 (problème avec id, reportUrl, error, line, column) ; une source appartenant à une autre organisation, 403 (field : source). Une formation exportée d’une autre source (extras passerelle « source ») est rejetée, jamais fusionnée ni copiée (compteur otherSource). Un flux complet qui retirerait plus qu’il n’apporte (formations acceptées < LHEO_FULL_FEED_MIN_SHARE × formations à retirer) enregistre ses formations acceptées, ne retire rien et répond 409 (problème avec id, wouldWithdraw, accepted, minShare, confirmUrl) : confirmez par POST confirmUrl {"decision":"confirm"} (ou "cancel"), ou renvoyez le fichier avec confirmWithdrawal=true.',
        querystring: ImportQuery,
        response: { 200: ImportSummary },
      },
    },
    async (request) => {
      const query = request.query as {
        source?: string;
        mode?: 'full' | 'partial';
        confirmWithdrawal?: 'true' | 'false';
      };
      refuseAnnouncedOverLimit(request.headers, config.lheoMaxBytes);
      const plan = await trainings.planImport(request.actor!, {
        source: query.source ?? null,
        mode: query.mode ?? 'partial',
        confirmWithdrawal: query.confirmWithdrawal === 'true',
      });
      if (!(request.body instanceof Readable))
        throw invalid('file', 'Envoyez le flux LHÉO en corps de requête (Content-Type: application/xml).');
      const summary = await trainings.importUpload(plan, request.body, 'api.xml', abortedWith(request.raw));
      const held = summary.heldWithdrawal;
      if (held) {
        // The accepted formations are recorded (as an update feed's would be); the withdrawal waits.
        const confirmUrl = `/api/v1/lheo-imports/${summary.id}/withdrawal`;
        throw new AppError(
          'conflict',
          `Flux complet arrêté avant tout retrait : il retirerait ${held.wouldWithdraw} formation(s) et n’en apporte que ${held.accepted}. Les formations acceptées sont enregistrées, rien n’a été retiré. Confirmez le retrait (POST ${confirmUrl} {"decision":"confirm"}), annulez-le ({"decision":"cancel"}), ou renvoyez le fichier avec confirmWithdrawal=true.`,
          'mode',
          {
            id: summary.id,
            reportUrl: summary.reportUrl,
            confirmUrl,
            wouldWithdraw: held.wouldWithdraw,
            accepted: held.accepted,
            minShare: held.minShare,
            counts: summary.counts,
            rejected: summary.rejected,
          },
        );
      }
      return summary;
    },
  );
  app.post(
    '/lheo-imports/:id/withdrawal',
    {
      config: { access: 'user', audit: 'lheo_import.withdrawal' },
      schema: {
        tags,
        summary: 'Confirmer ou annuler le retrait qu’un flux complet a mis en attente',
        description:
          'Pour un import répondu 409 (flux complet qui retirerait plus qu’il n’apporte). confirm : retire ce que le fichier ne contenait pas (refusé en 409 si un import plus récent de la même source a eu lieu depuis) ; cancel : garde tout. Une seule décision par import.',
        params: Id,
        body: WithdrawalBody,
      },
    },
    async (request) => {
      const { decision } = request.body as { decision: WithdrawalDecision };
      return trainings.decideWithdrawal(request.actor!, (request.params as { id: string }).id, decision);
    },
  );
  app.get(
    '/lheo-imports/:id',
    {
      config: { access: 'user' },
      schema: { tags, summary: 'Rapport d’un import : compteurs, rejets et avertissements', params: Id },
    },
    async (request) => trainings.importReport(request.actor!, (request.params as { id: string }).id),
  );
}
