import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { invalid } from '../../shared/errors.js';
import { abortedWith, refuseAnnouncedOverLimit } from '../../shared/uploads.js';
import type { OffersDeps } from './deps.js';
import {
  ImportList,
  ImportParams,
  ImportQuery,
  ImportReport,
  ImportRun,
  IssuesQuery,
  WithdrawalDecisionBody,
} from './import-schemas.js';
import { feedTooLarge } from './import-service.js';

const tags = ['Offres d’emploi'];
const WHO =
  'Réservé aux administrateurs et gestionnaires de la Région, de France Travail, des employeurs et des SIAE (chacun sous les sources de son organisation), et au super-administrateur (toute source).';

/** A body announced (Content-Length) past the feed limit is refused before a byte is read. */
export const refuseFeedOverLimit = (headers: IncomingMessage['headers'], maxBytes: number, overhead = 0) =>
  refuseAnnouncedOverLimit(headers, maxBytes, overhead, feedTooLarge);

/** The offer feed imports' API (issue 10 §3): import a feed, list the imports, read a report, decide a held withdrawal. */
export async function offerImportApiRoutes(app: FastifyInstance, { offers }: OffersDeps) {
  const imports = offers.imports;
  await app.register(async (scope) => {
    // The feed is the raw body, streamed to its upload file after the checks (import-service.ts):
    // never parsed whole in memory, nor cut by the 1 MB body limit of the other routes.
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser(
      ['application/json', 'application/x-ndjson', 'application/jsonl'],
      (_r, payload, done) => done(null, payload),
    );
    scope.post(
      '/job-offers/imports',
      {
        config: { access: 'user', audit: 'job_offer_import.done' },
        schema: {
          tags,
          summary: 'Importer un flux d’offres au format France Travail « Offres d’emploi v2 »',
          description: `${WHO} Corps : un tableau JSON d’offres ou du NDJSON (une offre par ligne), Content-Type application/json ou application/x-ndjson, reçu en flux. Idempotent par source et id : une offre inchangée est laissée, une offre modifiée mise à jour. Chaque enregistrement invalide (type faux, code ROME ou commune inconnus, salaire minimum supérieur au maximum, nombre de postes négatif, id en double dans le flux…) est rejeté seul et listé dans le rapport avec son champ ; une compétence inconnue du ROME 4.0 est écartée de son offre, avec un avertissement qui la nomme (severity=warning). Un corps plus gros que la limite (OFFER_IMPORT_MAX_BYTES) est refusé en 413 (maxBytes), un flux mal formé (JSON non terminé, texte hors des enregistrements) en 422 (id, reportUrl, record, offset) : dans les deux cas rien n’est écrit. Un flux complet (full=true) qui clôturerait plus d’offres qu’il n’en apporte les garde publiées et l’indique (withdrawalHeld) : décidez par POST /api/v1/job-offers/imports/{id}/withdrawal, ou renvoyez-le avec confirmWithdrawal=true.`,
          querystring: ImportQuery,
          response: { 201: ImportRun },
        },
      },
      async (request, reply) => {
        const query = request.query as { source?: string; full?: string; confirmWithdrawal?: string };
        // Rights and the source's owner first: a refusal never depends on the body, and no byte is read.
        const plan = await imports.plan(request.actor!, {
          source: query.source,
          full: query.full === 'true',
          confirmWithdrawal: query.confirmWithdrawal === 'true',
        });
        refuseFeedOverLimit(request.headers, imports.maxBytes);
        if (!(request.body instanceof Readable))
          throw invalid(
            'file',
            'Envoyez le flux en corps de requête (Content-Type: application/json ou application/x-ndjson).',
          );
        const summary = await imports.run(plan, request.body, 'api.json', abortedWith(request.raw));
        return reply.status(201).send(summary);
      },
    );
  });

  app.get(
    '/job-offers/imports',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Les 50 derniers imports de flux d’offres',
        description: `${WHO} Le super-administrateur voit tous les imports ; une organisation, les siens et ceux de ses sources.`,
        response: { 200: ImportList },
      },
    },
    async (request) => ({ items: await imports.list(request.actor!) }),
  );

  app.get(
    '/job-offers/imports/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Le rapport d’un import : compteurs, puis ses rejets ou avertissements, 50 par page',
        description: `${WHO} Chaque rejet ou avertissement nomme son enregistrement (rang et id) et son champ.`,
        params: ImportParams,
        querystring: IssuesQuery,
        response: { 200: ImportReport },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const query = request.query as { severity?: 'rejection' | 'warning'; page?: number };
      const run = await imports.get(request.actor!, id);
      const issues = await imports.issues(request.actor!, id, query.severity ?? 'rejection', query.page ?? 1);
      return { run, issues };
    },
  );

  app.post(
    '/job-offers/imports/:id/withdrawal',
    {
      config: { access: 'user', audit: 'job_offer_import.withdrawal' },
      schema: {
        tags,
        summary: 'Confirmer ou annuler le retrait qu’un flux complet a retenu',
        description:
          'Pour un import dont withdrawalHeld n’est pas nul. confirm : clôture les offres absentes du flux (refusé en 409 si un import plus récent de la même source a eu lieu depuis) ; cancel : les garde. Une seule décision par import (sinon 409, field : decision). Réservé à l’organisation propriétaire de la source et au super-administrateur.',
        params: ImportParams,
        body: WithdrawalDecisionBody,
        response: { 200: ImportRun },
      },
    },
    async (request) => {
      const { decision } = request.body as { decision: 'confirm' | 'cancel' };
      return imports.decideWithdrawal(request.actor!, (request.params as { id: string }).id, decision);
    },
  );
}
