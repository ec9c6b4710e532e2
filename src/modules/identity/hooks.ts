import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import { AUDITED_ACTIONS, type AuditedActionRule, auditCheck, declaredActions } from '../../shared/audit.js';
import type { IdentityDeps } from './deps.js';
import type { Access, Actor } from './model.js';
import { recordAudit } from './service.js';
import { sessionCookieName } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking, set by the hook below; null for an anonymous request. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route, declared next to it and checked by the app before validation. */
    access?: Access;
  }
}

/**
 * Identity's part of every request: who is asking (an API token or the session cookie), and the
 * audit lines of what the request read (issue 8, hole 13).
 */
export function identityHooks(app: FastifyInstance, { identity }: IdentityDeps, config: Config, db: Db) {
  const cookieName = sessionCookieName(config.secureCookies);

  // Who is asking: an API token (partner systems) or the session cookie (browser).
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/static/')) return;
    const ip = request.ip ?? null;
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      request.actor = await identity.actorFromApiToken(authorization.slice(7).trim(), ip);
      return;
    }
    const token = request.cookies[cookieName];
    if (token) request.actor = await identity.actorFromSessionToken(token, ip);
  });

  // Each request carries an audit trail (AsyncLocalStorage, opened by the app) in which
  // repositories mark the audited data they read or write. Before the answer leaves, the reads get
  // their audit line and the trail is checked against the route's `config.audit` (shared/audit.ts).
  // Written before the answer is sent, not onResponse: a read of audited data that cannot be
  // audited is not served (the hook's error becomes a 500 problem without the data). An answer
  // of 5xx served no data; a 4xx may still show what was read (a form shown again with the list).
  app.addHook('onSend', async (request, reply, payload) => {
    const trail = request.auditTrail;
    if (!trail || trail.closed || !trail.touched.size || reply.statusCode >= 500) return payload;
    trail.closed = true;
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const { reads, violations } = auditCheck(declaredActions(request.routeOptions.config.audit), trail, {
      failed: reply.statusCode >= 400,
    });
    for (const violation of violations) {
      request.log.error({ route, violation }, 'audit : route sans déclaration d’audit');
      if (app.auditViolations.length < 1000) app.auditViolations.push(`${route} ${violation}`);
    }
    const params = (request.params ?? {}) as Record<string, string>;
    const filters = Object.fromEntries(
      Object.entries((request.query ?? {}) as Record<string, unknown>)
        .slice(0, 20)
        .map(([k, v]) => [k.slice(0, 40), String(v).slice(0, 200)]),
    );
    for (const read of reads) {
      const rule: AuditedActionRule = AUDITED_ACTIONS[read.action];
      await recordAudit(db, request.actor, {
        action: read.action,
        subjectType: rule.subject?.type ?? null,
        subjectId: rule.subject ? (params[rule.subject.param] ?? null) : null,
        details: {
          ...read.details,
          ...(Object.keys(filters).length ? { filters } : {}),
          ...(read.undeclared ? { undeclared: route } : {}),
        },
      });
    }
    return payload;
  });
}
