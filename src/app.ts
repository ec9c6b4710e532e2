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
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { pendingMigrations } from './db/migrate.js';
import type { Access, Actor } from './modules/identity/model.js';
import { identityPages } from './modules/identity/pages.js';
import { identityApiRoutes } from './modules/identity/routes.js';
import { type IdentityService, identityService } from './modules/identity/service.js';
import { referentialsApiRoutes } from './modules/referentials/routes.js';
import { type ReferentialsService, referentialsService } from './modules/referentials/service.js';
import { trainingsPages } from './modules/trainings/pages.js';
import { trainingsApiRoutes } from './modules/trainings/routes.js';
import { type TrainingsService, trainingsService } from './modules/trainings/service.js';
import type { Mailer } from './shared/mailer.js';
import { renderErrorPage } from './web/error-page.js';
import { csrfTokenPart, isMultipart } from './web/multipart.js';
import { sendProblem, toProblem } from './web/problem.js';
import { staticPages } from './web/static-pages.js';
import { validatorCompiler } from './web/validation.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route with its declared access rule, for the authorisation tests and docs. */
    routeTable: RouteEntry[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  access: Access | undefined;
}

export interface AppDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  /** For tests that need fresh services (e.g. no autocomplete cache). */
  referentials?: ReferentialsService;
}

export interface Services {
  identity: IdentityService;
  referentials: ReferentialsService;
  trainings: TrainingsService;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes registered by plugins (static files, API docs) carry no access rule and are public reads. */
const PLUGIN_PUBLIC_PREFIXES = ['/static/', '/api/docs'];
export const SESSION_COOKIE = 'passerelle_session';
export const sessionCookieName = (secure: boolean) => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url, access: route.config?.access });
    }
  });

  const services: Services = {
    identity: identityService({
      db,
      mailer: deps.mailer,
      secret: config.secret,
      publicUrl: config.publicUrl,
      sessionTtlHours: config.sessionTtlHours,
    }),
    referentials: deps.referentials ?? referentialsService(db, { cacheSize: config.autocompleteCacheSize }),
    trainings: trainingsService(db, {
      maxImportBytes: config.lheoMaxBytes,
      uploadDir: config.uploadDir,
      uploadQuotaBytes: config.uploadQuotaBytes,
      searchCacheSize: config.searchCacheSize,
    }),
  };

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
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
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: config.secureCookies ? '__Host-passerelle_csrf' : 'passerelle_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: config.secureCookies },
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
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
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

  app.decorateRequest('actor', null);
  const cookieName = sessionCookieName(config.secureCookies);

  // Who is asking: an API token (partner systems) or the session cookie (browser).
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/static/')) return;
    const ip = request.ip ?? null;
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      request.actor = await services.identity.actorFromApiToken(authorization.slice(7).trim(), ip);
      return;
    }
    const token = request.cookies[cookieName];
    if (token) request.actor = await services.identity.actorFromSessionToken(token, ip);
  });

  // The access rule declared on each route, then CSRF on every state change made from a browser.
  app.addHook('preHandler', (request, reply, done) => {
    const url = request.url;
    const access = request.routeOptions.config.access;
    const isApi = url.startsWith('/api/');
    if (request.is404) return done();
    if (!access) {
      if (PLUGIN_PUBLIC_PREFIXES.some((p) => url.startsWith(p)) && !UNSAFE.has(request.method)) return done();
      return done(Object.assign(new Error('Route sans règle d’accès.'), { statusCode: 403 }));
    }
    if (access !== 'public' && !request.actor) {
      if (!isApi && request.method === 'GET') {
        reply.redirect(`/connexion?suite=${encodeURIComponent(url)}`);
        return;
      }
      return done(Object.assign(new Error('Authentification requise.'), { statusCode: 401 }));
    }
    if (access === 'super-admin' && !request.actor?.isSuperAdmin) {
      return done(Object.assign(new Error('Réservé aux super-administrateurs.'), { statusCode: 403 }));
    }
    if (UNSAFE.has(request.method) && request.actor?.via !== 'token') {
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

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error as Error);
    if (problem.status >= 500) request.log.error(error);
    if (request.url.startsWith('/api/') || !request.headers.accept?.includes('text/html')) {
      return sendProblem(request, reply, problem);
    }
    return reply
      .status(problem.status)
      .type('text/html; charset=utf-8')
      .send(renderErrorPage(request, reply, problem));
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = toProblem(Object.assign(new Error('Cette page n’existe pas.'), { statusCode: 404 }));
    if (request.url.startsWith('/api/') || !request.headers.accept?.includes('text/html')) {
      return sendProblem(request, reply, problem);
    }
    return reply
      .status(404)
      .type('text/html; charset=utf-8')
      .send(renderErrorPage(request, reply, problem));
  });

  app.get('/health', { config: { access: 'public' }, schema: { hide: true } }, async () => ({
    status: 'ok',
  }));
  app.get('/ready', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      const pending = await pendingMigrations(db);
      if (pending.length) return reply.status(503).send({ status: 'migrations en attente', pending });
      return { status: 'ok' };
    } catch (error) {
      return reply
        .status(503)
        .send({ status: 'base de données injoignable', detail: (error as Error).message });
    }
  });

  await app.register(
    async (api) => {
      await referentialsApiRoutes(api, services);
      await identityApiRoutes(api, services);
      await trainingsApiRoutes(api, services, config);
    },
    { prefix: '/api/v1' },
  );
  await identityPages(app, services, config);
  await trainingsPages(app, services, config, db);
  await staticPages(app);

  return app;
}
