import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyContextConfig,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchema,
} from 'fastify';
import { type Config, fastifyTrustProxy } from './config.js';
import type { Db } from './db/database.js';
import { pendingMigrations } from './db/migrate.js';
import { buildServices, modules, type Services } from './modules/index.js';
import { type AnyModule, type ModuleContext, orderFaults } from './modules/module.js';
import {
  type AuditAction,
  type AuditTrail,
  declaredActions,
  newAuditTrail,
  runWithAuditTrail,
} from './shared/audit.js';
import type { Mailer } from './shared/mailer.js';
import { apiDocsPage } from './web/api-docs-page.js';
import { csrfBinding, csrfCookieName, csrfHmacKey } from './web/csrf.js';
import { renderErrorPage } from './web/error-page.js';
import { csrfTokenPart, isMultipart } from './web/multipart.js';
import type { NavLink } from './web/page-context.js';
import { sendProblem, toProblem } from './web/problem.js';
import { staticPages } from './web/static-pages.js';
import { rejectUnstorableInput, validatorCompiler } from './web/validation.js';

declare module 'fastify' {
  interface FastifyRequest {
    // Audit (issue 8, hole 13) ---------------------------------------------------------------------
    /** What this request did with audited data (shared/audit.ts). */
    auditTrail: AuditTrail | null;
    /**
     * A job seeker signed in to their own space (issue 10 §2), set by the persons module's hook;
     * not an app user, so never an actor.
     */
    person: { personId: string; sessionId: string } | null;
  }
  interface FastifyContextConfig {
    /** The audited action(s) this route performs (shared/audit.ts); checked after each request. */
    audit?: AuditAction | readonly AuditAction[];
  }
  interface FastifyInstance {
    /** Every route with its declared access rule, for the authorisation tests and docs. */
    routeTable: RouteEntry[];
    /** Routes caught touching audited data without declaring it (also logged as errors). */
    auditViolations: string[];
    /** The main menu for a signed-in person: what each module offers, in menu order. */
    navigation(actor: NonNullable<FastifyRequest['actor']>): NavLink[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  access: FastifyContextConfig['access'];
  /** The route's declared schemas (the fuzz test reads the fields a body or query may carry). */
  schema: FastifySchema | undefined;
  audit: AuditAction[];
}

export interface AppDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  /** Services to use instead of those the modules would build (tests: e.g. no autocomplete cache). */
  services?: Partial<Services>;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes registered by plugins (static files, API docs) carry no access rule and are public reads. */
const PLUGIN_PUBLIC_PREFIXES = ['/static/', '/api/docs'];
const API_DOCS_INTERACTIVE = '/api/docs/interactive';

// --- Errors and readiness (issue 8, holes 7 and 14)
/** /ready answers within this delay even when the database hangs (a load balancer's probe waits 2-5 s). */
const READY_TIMEOUT_MS = 1_500;

/**
 * Every error, thrown by a handler or refused by Fastify itself, as one problem: problem+json for
 * the API and non-HTML clients, the French error page for a browser.
 */
function sendError(request: FastifyRequest, reply: FastifyReply, error: Error) {
  const problem = toProblem(error);
  if (problem.status === 503) request.log.warn(error);
  else if (problem.status >= 500) request.log.error(error);
  if (request.url.startsWith('/api/') || !request.headers.accept?.includes('text/html')) {
    return sendProblem(request, reply, problem);
  }
  return reply
    .status(problem.status)
    .type('text/html; charset=utf-8')
    .send(renderErrorPage(request, reply, problem));
}
// --- end errors and readiness

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    // Only the configured proxy hops are believed about the client's IP (issue 8, hole 12).
    trustProxy: fastifyTrustProxy(config.trustProxy),
    // --- Bad input (issue 8, hole 7): the router's own refusals (bad percent-encoding, a path
    // parameter over maxParamLength) go through the one error mapper, not Fastify's English JSON.
    frameworkErrors: (error, request, reply) => sendError(request, reply, error),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.addHook('preValidation', rejectUnstorableInput);
  // --- end bad input
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD')
        routeTable.push({
          method,
          url: route.url,
          access: route.config?.access,
          schema: route.schema,
          audit: declaredActions(route.config?.audit),
        });
    }
  });

  // Audit (issue 8, hole 13) -------------------------------------------------------------------------
  // Each request carries an audit trail (AsyncLocalStorage) in which repositories mark the audited
  // data they read or write. Before the answer leaves, the reads get their audit line and the trail
  // is checked against the route's `config.audit` (shared/audit.ts).
  const auditViolations: string[] = [];
  app.decorate('auditViolations', auditViolations);
  app.decorateRequest('auditTrail', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const trail = newAuditTrail();
    request.auditTrail = trail;
    runWithAuditTrail(trail, done);
  });
  // Reading a request body continues from the socket's events, outside the context entered above:
  // the handler is entered in it again (hooks run in their registration order, this one first).
  app.addHook('preHandler', (request, _reply, done) =>
    request.auditTrail ? runWithAuditTrail(request.auditTrail, done) : done(),
  );
  // ---------------------------------------------------------------------------------------------------

  // The modules' services, each built from those of the modules before it (modules/index.ts).
  const faults = orderFaults(modules);
  if (faults.length) throw new Error(`Ordre des modules incorrect : ${faults.join(' ')}`);
  const context: ModuleContext = {
    config,
    db,
    mailer: deps.mailer,
    homeOffers: (actor) => (modules as readonly AnyModule[]).flatMap((m) => (m.home ? [m.home(actor)] : [])),
  };
  const services = buildServices(context, deps.services);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // The directory's map tiles, when configured (config.directoryMapTiles).
        imgSrc: [
          "'self'",
          'data:',
          ...(config.directoryMapTiles
            ? [new URL(config.directoryMapTiles.replace(/\{[xyz]\}/g, '1')).origin]
            : []),
        ],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    hsts: config.secureCookies,
  });
  await app.register(fastifyCookie, { secret: config.secret });
  // Tokens bound to the session (issue 8, hole 6): see web/csrf.ts.
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: csrfCookieName(config.secureCookies),
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: config.secureCookies },
    getUserInfo: csrfBinding,
    csrfOpts: { hmacKey: csrfHmacKey(config.secret) },
  });
  await app.register(fastifyFormbody, { bodyLimit: config.bodyLimitBytes });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'API Passerelle',
        description:
          'API JSON de Passerelle. Authentification par jeton d’organisation (`Authorization: Bearer psl_…`) ou par la session du navigateur. Erreurs au format application/problem+json (RFC 9457).',
        version: '1',
      },
      components: { securitySchemes: { jeton: { type: 'http', scheme: 'bearer' } } },
      security: [{ jeton: [] }],
    },
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/v1') ? schema : { ...(schema ?? {}), hide: true },
      url,
    }),
  });
  // Swagger UI (English) under /api/docs/interactive; /api/docs itself is the French DSFR page
  // (web/api-docs-page.tsx), and /api/docs/json the OpenAPI document.
  await app.register(fastifySwaggerUi, { routePrefix: API_DOCS_INTERACTIVE, staticCSP: true });
  await apiDocsPage(app, API_DOCS_INTERACTIVE);
  await app.register(fastifyStatic, {
    root: resolve(ROOT, 'node_modules/@gouvfr/dsfr/dist'),
    prefix: '/static/dsfr/',
    maxAge: '7d',
  });
  await app.register(fastifyStatic, {
    root: resolve(ROOT, 'node_modules/htmx.org/dist'),
    prefix: '/static/htmx/',
    decorateReply: false,
    maxAge: '7d',
  });
  await app.register(fastifyStatic, {
    root: resolve(ROOT, 'src/web/public'),
    prefix: '/static/',
    decorateReply: false,
    maxAge: '1h',
  });

  app.decorate('navigation', (actor: NonNullable<FastifyRequest['actor']>) =>
    (modules as readonly AnyModule[]).flatMap((m) => m.nav?.(actor) ?? []).sort((a, b) => a.order - b.order),
  );
  app.decorateRequest('actor', null);
  app.decorateRequest('person', null);
  // The modules' request hooks (identity: who is asking, the audit lines of what was read).
  for (const module of modules as readonly AnyModule[]) await module.hooks?.(app, services, context);

  // The access rule declared on each route, then CSRF on every state change made from a browser.
  // Before schema validation (issue 8): a refused request learns nothing of the schema, and a
  // tokenless form is refused with 403 whether or not its route declares a body schema.
  app.addHook('preValidation', (request, reply, done) => {
    const url = request.url;
    const access = request.routeOptions.config.access;
    const isApi = url.startsWith('/api/');
    if (request.is404) return done();
    if (!access) {
      if (PLUGIN_PUBLIC_PREFIXES.some((p) => url.startsWith(p)) && !UNSAFE.has(request.method)) return done();
      return done(Object.assign(new Error('Route sans règle d’accès.'), { statusCode: 403 }));
    }
    // A person's own space: their own session, whoever else is signed in in the same browser.
    if (access === 'person') {
      if (!request.person) {
        if (!isApi && request.method === 'GET') {
          reply.redirect(`/mon-espace/connexion?suite=${encodeURIComponent(url)}`);
          return;
        }
        const refuse = (error?: Error) =>
          done(error ?? Object.assign(new Error('Connectez-vous à votre espace.'), { statusCode: 401 }));
        // A tokenless form is refused for its token first, as on every other route (issue 8, hole 6).
        if (UNSAFE.has(request.method) && request.actor?.via !== 'token' && !isMultipart(request))
          return app.csrfProtection(request, reply, (error?: Error) => refuse(error));
        return refuse();
      }
    } else if (access !== 'public' && !request.actor) {
      if (!isApi && request.method === 'GET') {
        reply.redirect(`/connexion?suite=${encodeURIComponent(url)}`);
        return;
      }
      return done(Object.assign(new Error('Authentification requise.'), { statusCode: 401 }));
    }
    if (access === 'super-admin' && !request.actor?.isSuperAdmin) {
      return done(Object.assign(new Error('Réservé aux super-administrateurs.'), { statusCode: 403 }));
    }
    if (UNSAFE.has(request.method) && (access === 'person' || request.actor?.via !== 'token')) {
      // A multipart body is not read while it is parsed (files would reach the disk before this
      // check): its token is its first part, read here and checked like any form's.
      if (isMultipart(request)) {
        csrfTokenPart(request).then((token) => {
          request.body = { _csrf: token };
          app.csrfProtection(request, reply, done);
        }, done);
        return;
      }
      return app.csrfProtection(request, reply, done);
    }
    done();
  });

  // --- Errors (issue 8, hole 7): one mapper for every failure, thrown or refused by Fastify.
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error as Error));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, Object.assign(new Error('Cette page n’existe pas.'), { statusCode: 404 })),
  );
  // --- end errors

  app.get('/health', { config: { access: 'public' }, schema: { hide: true } }, async () => ({
    status: 'ok',
  }));
  // --- Readiness (issue 8, hole 14): a database that does not answer within READY_TIMEOUT_MS is
  // not ready; the probe answers 503 then instead of hanging as long as the query would.
  app.get('/ready', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS);
    });
    try {
      const pending = await Promise.race([pendingMigrations(db), timeout]);
      if (pending === 'timeout')
        return reply.status(503).send({
          status: 'base de données injoignable',
          detail: `Pas de réponse en ${(READY_TIMEOUT_MS / 1000).toLocaleString('fr-FR')}\u00a0s.`,
        });
      if (pending.length) return reply.status(503).send({ status: 'migrations en attente', pending });
      return { status: 'ok' };
    } catch (error) {
      return reply
        .status(503)
        .send({ status: 'base de données injoignable', detail: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  });
  // --- end readiness

  await app.register(
    async (api) => {
      for (const module of modules as readonly AnyModule[]) await module.api?.(api, services, context);
    },
    { prefix: '/api/v1' },
  );
  for (const module of modules as readonly AnyModule[]) await module.pages?.(app, services, context);
  await staticPages(app);

  return app;
}
