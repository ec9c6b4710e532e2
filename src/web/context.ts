import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfToken } from './csrf.js';
import type { PageContext } from './layout.js';

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return { actor: request.actor, csrf: csrfToken(request, reply), path: request.url.split('?')[0] ?? '/' };
}

export function html(reply: FastifyReply, body: string | Promise<string>, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').send(body);
}

/** Reads a urlencoded form field as a trimmed string. */
export function formValue(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}
