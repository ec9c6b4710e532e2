import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * CSRF tokens are bound to the session they were issued for (issue 8, hole 6): a token is an HMAC
 * over the secret cookie AND the session, so a cookie/token pair taken from another session (the
 * attacker's own, planted in a victim's browser) no longer passes. The secret cookie alone proved
 * nothing about whose request it was.
 *
 * Before login there is no session: anonymous forms (login, forgotten and new password) bind to
 * the constant below, i.e. to the secret cookie only. Such a token is refused once a session
 * exists (and a session's token is refused once it ends), and the secret rotates at login and
 * logout. What is left, login CSRF with a planted secret cookie, needs a cookie the `__Host-`
 * prefix (HTTPS) keeps other hosts and subdomains from setting.
 */
const ANONYMOUS = 'anonyme';

export const csrfCookieName = (secure: boolean) => (secure ? '__Host-passerelle_csrf' : 'passerelle_csrf');

/** Key of the token HMAC, derived from the app secret so that it differs from the cookie signature key. */
export const csrfHmacKey = (secret: string) =>
  createHmac('sha256', secret).update('passerelle-csrf').digest();

/** What a token is bound to: the session's stored id (never sent to the browser), or the anonymous state. */
export function csrfBinding(request: FastifyRequest): string {
  // A person's own space (issue 10 §2) binds its forms to the person's session the same way.
  return request.actor?.sessionId ?? (request.person ? `personne:${request.person.sessionId}` : ANONYMOUS);
}

/** The token a page puts in its forms and its htmx header. */
export function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfBinding(request) });
}

/**
 * A new secret cookie, at login and logout: a secret (and any token) seen before the session
 * started or after it ended does not serve again. The plugin makes a secret when the request
 * carries none, so the request's is forgotten first.
 */
export function rotateCsrfSecret(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  delete request.cookies[csrfCookieName(secure)];
  reply.generateCsrf({ userInfo: ANONYMOUS });
}
