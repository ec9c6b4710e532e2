import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../src/app.js';
import { Browser, createTestApp, type TestApp } from './app.js';

/**
 * Route fuzzing (issue 8, hole 7): every route of the route table, hit with hostile values in its
 * path parameters, query and body, as a super-admin with a valid CSRF token (so that access rules
 * do not hide a crash) and anonymously. Whatever the input: never a 5xx, never a stack trace or
 * SQL text in the body, and an API error is always problem+json (naming the field on a 400).
 * The route table drives it, so a route added later is fuzzed without touching this file.
 * Deterministic: fast-check with a fixed seed; the counts are printed for the release note.
 */

const SEED = 20_261_123;
const RUNS_PER_ROUTE_AND_ACTOR = 12;
const SRC = resolve(import.meta.dirname, '../src');

/** Field names the pages read (form inputs, query parameters): scanned from the sources. */
function pageFieldNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const re of [
          /\bname="(\w+)"/g,
          /formValue\([^,()]+,\s*'(\w+)'\)/g,
          /str\(q,\s*'(\w+)'\)/g,
          /\bq\.(\w+)/g,
          /\bq\.(\w+)/g,
        ])
          for (const m of text.matchAll(re)) names.add(m[1]!);
      }
    }
  };
  walk(SRC);
  for (const n of ['viewport', 'length', 'trim', 'slice']) names.delete(n);
  return [...names].sort();
}

function propertiesOf(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

const IMPOSSIBLE_DATES = [
  '2027-02-31',
  '0000-00-00',
  '2027-13-45',
  '2026-02-29',
  '0000-01-01',
  '99999-01-01',
];
const NUMBER_TEXTS = [
  '-1',
  '0',
  '99999999999',
  '1e20',
  '-1e20',
  'NaN',
  'Infinity',
  '-Infinity',
  '1.5',
  '0x10',
];
const ODD_STRINGS = [
  'a\u0000b',
  '\u0000',
  'x'.repeat(5000),
  '\uD800',
  'a\uDFFFb',
  '\u202Eevil\u202C',
  'e\u0301\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '\uFEFF',
  "' or 1=1 --",
  '%',
  '\\',
  '<script>alert(1)</script>',
  '00000000-0000-0000-0000-00000000000g',
  '6f1c4e0a-1b2c-4d5e-8f90-123456789abc',
  '',
  '   ',
  '\r\nX-Injected: 1',
  '/%09/evil.com',
  '..%2F..%2Fetc%2Fpasswd',
];
/** Raw query/path fragments that are not valid percent-encoding or UTF-8. */
const BAD_ENCODINGS = ['%', '%zz', '%E9', '%00', '%ED%A0%80', '%C0%80', '%FF%FE', '%%41', '%u0041'];

/** Values a form expects, so that one hostile field among plausible ones reaches the handler. */
const PLAUSIBLE = [
  'Organisme de test',
  'organisme-formation',
  'administrateur',
  'conseiller',
  '2027-03-01',
  '2027-06-30',
  '12',
  '1',
  'true',
  'x@exemple.fr',
  '42218',
  'F1602',
  'full',
];
const hostileText = fc.oneof(
  fc.constantFrom(...ODD_STRINGS, ...IMPOSSIBLE_DATES, ...NUMBER_TEXTS),
  fc.constantFrom(...PLAUSIBLE),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => `${s}\u0000`),
);
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(-1, 0, 99_999_999_999, 1e20, -1e308, 1.5, true, false, null),
  fc.integer(),
  fc.array(hostileText, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', '__proto__', 'constructor'), hostileText, { maxKeys: 2 }),
);
/** A query or path value as it appears in the URL: percent-encoded text, or a broken encoding. */
const urlValue = fc.oneof(
  {
    weight: 4,
    arbitrary: hostileText.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))),
  },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_ENCODINGS) },
  {
    weight: 1,
    arbitrary: hostileText.map((s) => s.replace(/[\uD800-\uDFFF]/g, '')).map((s) => encodeURI(s)),
  },
);

type Actor = 'super-admin' | 'anonymous';
interface Case {
  method: string;
  url: string;
  actor: Actor;
  payload?: string;
  contentType?: string;
  api: boolean;
}

const STACK = /\n\s+at [^\n]+:\d+:\d+|node_modules\/|\/src\/[\w/-]+\.tsx?/;
const SQL_TEXT =
  /invalid input syntax|out of range for type|violates [\w-]+ constraint|syntax error at or near|relation "|column "|unsupported Unicode escape|invalid byte sequence|date\/time field value|\bselect\b[^<]{0,200}\bfrom\b[^<]{0,80}\bwhere\b/i;

describe('route fuzzing', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let admin: Browser;
  let anonymous: Browser;
  const ids: Record<string, string[]> = {};

  beforeAll(async () => {
    t = await createTestApp('pglite', { demo: true });
    app = t.app;
    admin = await new Browser(app).login('superadmin@passerelle.demo');
    anonymous = new Browser(app);
    await anonymous.get('/connexion');
    const pick = async (table: string) =>
      (await sql<{ id: string }>`select id::text from ${sql.table(table)} limit 3`.execute(t.db)).rows.map(
        (r) => r.id,
      );
    ids.orgId = await pick('organisation');
    ids.userId = await pick('app_user');
    ids.tokenId = await pick('api_token');
    ids.sessionId = await pick('training_session');
    ids.actionId = await pick('training_action');
    ids.id = [...(await pick('training')), ...(await pick('lheo_import'))];
  });
  afterAll(async () => t?.close());

  /** A valid id for the parameter when the demo has one, so hostile bodies reach the handlers. */
  const paramValue = (name: string) =>
    fc.oneof(
      { weight: 2, arbitrary: urlValue },
      { weight: 2, arbitrary: ids[name]?.length ? fc.constantFrom(...ids[name]) : urlValue },
      { weight: 1, arbitrary: fc.constant('a'.repeat(300)) },
    );

  function casesFor(route: RouteEntry, actor: Actor, fields: string[], count: number, seed: number): Case[] {
    const api = route.url.startsWith('/api/');
    const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const queryNames = [...new Set([...propertiesOf(route.schema?.querystring), ...(api ? [] : fields)])];
    const bodyNames = [...new Set([...propertiesOf(route.schema?.body), ...(api ? [] : fields)])];
    const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method);
    const arb = fc.record({
      params: fc.tuple(...params.map(paramValue)),
      query: fc
        .subarray(queryNames, { maxLength: Math.min(4, queryNames.length) })
        .chain((names) => fc.tuple(...names.map((n) => urlValue.map((v) => `${n}=${v}`)))),
      body: fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .subarray(bodyNames, { maxLength: Math.min(6, bodyNames.length) })
            .chain((names) => fc.tuple(...names.map((n) => hostileJson.map((v) => [n, v] as const)))),
        },
        { weight: 1, arbitrary: fc.constant('raw') },
      ),
      rawBody: fc.constantFrom(
        '{"a":"\\u0000"}',
        '{"a":"\\ud800"}',
        '[1,2',
        'a=%zz&b=%00',
        '',
        'null',
        '"x"',
      ),
    });
    return fc.sample(arb, { seed, numRuns: count }).map(({ params: values, query, body, rawBody }) => {
      let i = 0;
      const path = route.url
        .replace(/:(\w+)/g, () => values[i++] ?? 'x')
        .replace(/\*$/, values[0] ?? 'x.css');
      const url = query.length ? `${path}?${query.join('&')}` : path;
      if (!hasBody) return { method: route.method, url, actor, api };
      if (body === 'raw')
        return {
          method: route.method,
          url,
          actor,
          api,
          payload: rawBody,
          contentType: api ? 'application/json' : 'application/x-www-form-urlencoded',
        };
      const entries = body as (readonly [string, unknown])[];
      if (api) {
        const json = JSON.stringify(Object.fromEntries(entries)).replace(
          /\\ud[89ab][0-9a-f]{2}/gi,
          '\\ud800',
        );
        return { method: route.method, url, actor, api, payload: json, contentType: 'application/json' };
      }
      // A list becomes a repeated field (the body parser then hands an array to the page).
      const formText = (v: unknown) =>
        encodeURIComponent(
          (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)).replace(
            /[\uD800-\uDFFF]/g,
            '\uFFFD',
          ),
        );
      const form = entries
        .flatMap(([n, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${n}=${formText(x)}`))
        .join('&');
      return {
        method: route.method,
        url,
        actor,
        api,
        payload: form,
        contentType: 'application/x-www-form-urlencoded',
      };
    });
  }

  async function send(c: Case): Promise<LightMyRequestResponse> {
    const browser = c.actor === 'super-admin' ? admin : anonymous;
    const headers: Record<string, string> = {
      cookie: browser.cookies,
      accept: c.api ? 'application/json' : 'text/html',
      'x-csrf-token': browser.csrf,
    };
    if (c.contentType) headers['content-type'] = c.contentType;
    let payload = c.payload;
    if (payload !== undefined && c.contentType === 'application/x-www-form-urlencoded')
      payload = `_csrf=${encodeURIComponent(browser.csrf)}${payload ? `&${payload}` : ''}`;
    return app.inject({
      method: c.method as 'GET',
      url: c.url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
  }

  function problemsOf(c: Case, res: LightMyRequestResponse): string[] {
    const found: string[] = [];
    if (res.statusCode >= 500) found.push(`${res.statusCode}`);
    if (STACK.test(res.body)) found.push('stack trace in body');
    if (SQL_TEXT.test(res.body)) found.push('SQL text in body');
    // A browser gets the French error page (or the form with its error), never JSON.
    if (!c.api && res.statusCode >= 400 && !String(res.headers['content-type']).startsWith('text/html'))
      found.push(`page error as ${String(res.headers['content-type'])}`);
    if (c.api && res.statusCode >= 400) {
      const type = String(res.headers['content-type'] ?? '');
      if (!type.startsWith('application/problem+json')) found.push(`error as ${type || 'no content-type'}`);
      else if (res.statusCode === 400 && !(JSON.parse(res.body) as { field?: string }).field)
        found.push('400 without field');
    }
    return found;
  }

  it('answers every hostile request with a 4xx or less, no stack, no SQL, problem+json on the API', async () => {
    const fields = pageFieldNames();
    const routes = app.routeTable;
    const failures: string[] = [];
    let count = 0;
    let seed = SEED;
    for (const route of routes) {
      for (const actor of ['super-admin', 'anonymous'] as const) {
        if (actor === 'super-admin') {
          // A fuzzed logout, or a membership change, may end the session: sign in again.
          const me = await admin.api('GET', '/api/v1/me');
          if (me.statusCode !== 200) admin = await new Browser(app).login('superadmin@passerelle.demo');
        }
        for (const c of casesFor(route, actor, fields, RUNS_PER_ROUTE_AND_ACTOR, seed++)) {
          count++;
          const res = await send(c);
          const found = problemsOf(c, res);
          if (found.length)
            failures.push(
              `${c.method} ${c.url.slice(0, 120)} [${c.actor}] ${c.payload?.slice(0, 120) ?? ''} → ${found.join(', ')}: ${res.body.slice(0, 200)}`,
            );
        }
      }
    }
    // Quoted in the release note: how much the fuzzing covers.
    console.log(`route fuzzing: ${routes.length} routes, ${count} requests, ${failures.length} failures`);
    if (failures.length) console.log(failures.join('\n'));
    expect(failures.slice(0, 20)).toEqual([]);
  }, 120_000);
});
