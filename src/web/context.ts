import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '../shared/errors.js';
import { csrfToken } from './csrf.js';
import type { PageContext } from './page-context.js';
import { frenchHtml } from './typography.js';

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  const actor = request.actor;
  return {
    actor,
    csrf: csrfToken(request, reply),
    path: request.url.split('?')[0] ?? '/',
    // The menu each module offers this person (app.ts gathers them): web/ knows no module.
    nav: actor ? request.server.navigation(actor) : [],
  };
}

/**
 * Sends a page. French typography (non-breaking spaces, apostrophes, elision) is applied here,
 * once for every page of every module, to the text and not to code or form values.
 */
export async function html(reply: FastifyReply, body: string | Promise<string>, status = 200) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(frenchHtml(await body));
}

/** Reads a urlencoded form field as a trimmed string. */
export function formValue(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** The values of a multi-valued form field (a checkbox group): one string or several, trimmed, blanks left out. */
export function formValues(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

/**
 * The ?page= of a list page: 1 when absent, else an integer from 1 to 10 000 (the API's bound).
 * A huge one used to reach SQL as an OFFSET out of range (a 500 on /journal, /organisations and
 * /mon-offre, issue 8).
 */
export function pageParam(request: FastifyRequest, max = 10_000): number {
  const raw = (request.query as Record<string, unknown> | undefined)?.page;
  if (raw === undefined || raw === '') return 1;
  const page = typeof raw === 'string' && /^\d{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(page >= 1 && page <= max))
    throw invalid('page', `Numéro de page invalide : un nombre entier de 1 à ${max} est attendu.`);
  return page;
}
