import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from './app.js';

/**
 * Issue 8, hole 7: each input that answered 500 (or Fastify's raw English JSON) now answers a 4xx
 * problem naming the field, decided at the edge. The route fuzzing (fuzz.test.ts) covers every
 * route; these are the cases of the report, one by one.
 */
describe('bad input at the edge', () => {
  let t: TestApp;
  let admin: Browser;
  let trainingId: string;
  let actionId: string;
  let sessionId: string;

  beforeAll(async () => {
    t = await createTestApp('pglite', { demo: true });
    admin = await new Browser(t.app).login('superadmin@passerelle.demo');
    const row = await t.db
      .selectFrom('training_session as s')
      .innerJoin('training_action as a', 'a.id', 's.action_id')
      .select(['s.id as sessionId', 'a.id as actionId', 'a.training_id as trainingId'])
      .executeTakeFirstOrThrow();
    ({ trainingId, actionId, sessionId } = row);
  });
  afterAll(async () => t?.close());

  const problem = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return JSON.parse(res.body) as { status: number; field?: string; detail: string };
  };

  it('refuses a NUL byte in a query string, a path parameter and a JSON body, naming the field', async () => {
    const query = await admin.api('GET', '/api/v1/organisations?q=a%00b');
    expect(query.statusCode).toBe(400);
    expect(problem(query).field).toBe('q');
    const suggest = await admin.api('GET', '/api/v1/referentials/communes?q=%00');
    expect(suggest.statusCode).toBe(400);
    expect(problem(suggest).field).toBe('q');
    const audit = await admin.api('GET', '/api/v1/audit-log?actor=x%00');
    expect(audit.statusCode).toBe(400);
    expect(problem(audit).field).toBe('actor');
    const body = await admin.api('POST', '/api/v1/organisations', {
      name: 'Organisme\u0000',
      kind: 'organisme-formation',
    });
    expect(body.statusCode).toBe(400);
    expect(problem(body).field).toBe('name');
    const patch = await admin.api('PATCH', `/api/v1/trainings/${trainingId}`, { title: 'Titre\u0000 nul' });
    expect(patch.statusCode).toBe(400);
    expect(problem(patch).field).toBe('title');
    const param = await admin.api('GET', '/api/v1/trainings/%00');
    expect(param.statusCode).toBe(400);
    expect(problem(param).field).toBe('id');
  });

  it('refuses a lone surrogate and control characters, and a NUL in a page form or query', async () => {
    const lone = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { cookie: admin.cookies, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      payload: '{"name":"a\\ud800b","kind":"organisme-formation"}',
    });
    expect(lone.statusCode).toBe(400);
    expect(problem(lone).field).toBe('name');
    const form = await admin.post('/mon-compte/profil', { firstName: 'Ann\u0000e', lastName: 'X' });
    expect(form.statusCode).toBe(400);
    expect(form.headers['content-type']).toMatch(/^text\/html/);
    expect(form.body).toContain('firstName');
    const page = await admin.get('/formations?q=%00');
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('caractère non autorisé');
  });

  it('refuses dates that do not exist, in the API and on the pages', async () => {
    for (const date of ['2027-02-31', '0000-00-00', '2027-13-45']) {
      const search = await admin.api('GET', `/api/v1/trainings?startFrom=${date}`);
      expect(search.statusCode).toBe(400);
      expect(problem(search).field).toBe('startFrom');
      const patch = await admin.api('PATCH', `/api/v1/training-sessions/${sessionId}`, { start: date });
      expect(patch.statusCode).toBe(400);
      expect(problem(patch).field).toBe('start');
      const audit = await admin.api('GET', `/api/v1/audit-log?from=${date}`);
      expect(audit.statusCode).toBe(400);
      expect(problem(audit).field).toBe('from');
      const journal = await admin.get(`/journal?du=${date}`);
      expect(journal.statusCode).toBe(400);
      const form = await admin.post(`/formations/${trainingId}/actions/${actionId}/sessions`, {
        start: date,
        end: '2027-03-01',
      });
      expect(form.statusCode).toBe(400);
      const page = await admin.get(`/formations?startFrom=${date}`);
      expect(page.statusCode).toBeLessThan(500);
    }
    // A real 29 February still passes.
    const leap = await admin.api('GET', '/api/v1/trainings?startFrom=2028-02-29');
    expect(leap.statusCode).toBe(200);
  });

  it('answers an overlong path parameter and a bad percent-encoding with a French problem', async () => {
    const long = await admin.api('GET', `/api/v1/trainings/${'a'.repeat(300)}`);
    expect(long.statusCode).toBe(414);
    expect(problem(long)).toMatchObject({ field: 'url', detail: 'L’adresse demandée est trop longue.' });
    const encoding = await admin.api('GET', '/api/v1/trainings/%E9%zz');
    expect(encoding.statusCode).toBe(400);
    expect(problem(encoding).field).toBe('url');
    const page = await t.app.inject({
      method: 'GET',
      url: `/formations/${'a'.repeat(300)}`,
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(414);
    expect(page.body).not.toContain('FST_ERR');
  });

  it('refuses a page number out of range on the list pages (an OFFSET out of range before)', async () => {
    for (const url of ['/journal', '/organisations', '/mon-offre']) {
      const res = await admin.get(`${url}?page=99999999999999999999`);
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toContain('Numéro de page invalide');
      expect((await admin.get(`${url}?page=1e20`)).statusCode, url).toBe(400);
      expect((await admin.get(`${url}?page=2`)).statusCode, url).toBe(200);
    }
  });

  it('answers an empty patch with a 400, not a 500', async () => {
    const res = await admin.api('PATCH', `/api/v1/training-sessions/${sessionId}`, {});
    expect(res.statusCode).toBe(400);
    expect(problem(res).field).toBe('body');
  });

  it('maps a bad content type and a bad JSON body to French problems', async () => {
    const type = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: {
        cookie: admin.cookies,
        'x-csrf-token': admin.csrf,
        'content-type': 'application/x-nonsense',
      },
      payload: 'x',
    });
    expect(type.statusCode).toBe(415);
    expect(problem(type).field).toBe('content-type');
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { cookie: admin.cookies, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(json.statusCode).toBe(400);
    expect(problem(json).field).toBe('body');
  });
});
