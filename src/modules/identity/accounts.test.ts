import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testConfig } from '../../../test/config.js';
import { testEngines } from '../../../test/databases.js';
import { memoryMailer } from '../../shared/mailer.js';
import { identityService } from './service.js';

describe.each(testEngines())('accounts on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t.close());

  const service = () => {
    const config = testConfig();
    return identityService({
      db: t.db,
      mailer: memoryMailer(),
      secret: config.secret,
      publicUrl: config.publicUrl,
      sessionTtlHours: 12,
    });
  };

  it('creates the first super-admin on a bare database, who can then log in and create organisations', async () => {
    expect((await sql<{ n: number }>`select count(*)::int as n from app_user`.execute(t.db)).rows[0]!.n).toBe(
      0,
    );
    await expect(
      service().createSuperAdmin({
        email: 'ada@region.fr',
        firstName: 'Ada',
        lastName: 'Lovelace',
        password: 'faible',
      }),
    ).rejects.toMatchObject({ field: 'password' });
    await service().createSuperAdmin({
      email: 'ada@region.fr',
      firstName: 'Ada',
      lastName: 'Lovelace',
      password: 'Premiere-Admin-2026!',
    });
    await expect(
      service().createSuperAdmin({
        email: 'ADA@region.fr',
        firstName: 'A',
        lastName: 'L',
        password: 'Premiere-Admin-2026!',
      }),
    ).rejects.toMatchObject({ field: 'email' });

    const b = await new Browser(t.app).login('ada@region.fr', 'Premiere-Admin-2026!');
    const created = await b.api('POST', '/api/v1/organisations', { name: 'Région Test', kind: 'region' });
    expect(created.statusCode).toBe(201);
    const { rows } = await sql<{ action: string }>`select action from audit_log order by id`.execute(t.db);
    expect(rows.map((r) => r.action)).toEqual([
      'user.super_admin_created',
      'auth.login',
      'organisation.created',
    ]);
  });

  it('forgets expired sessions', async () => {
    const b = await new Browser(t.app).login('ada@region.fr', 'Premiere-Admin-2026!');
    await sql`update user_session set expires_at = now() - interval '1 minute'`.execute(t.db);
    expect((await b.api('GET', '/api/v1/me')).statusCode).toBe(401);
    await new Browser(t.app).login('ada@region.fr', 'Premiere-Admin-2026!');
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from user_session where expires_at < now()`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('searches the directory without caring for accents or case, and filters by kind', async () => {
    const b = await new Browser(t.app).login('ada@region.fr', 'Premiere-Admin-2026!');
    await b.api('POST', '/api/v1/organisations', {
      name: 'Mission locale de Saint-Étienne',
      kind: 'mission_locale',
      communeCode: '42218',
    });
    await b.api('POST', '/api/v1/organisations', { name: 'Cap emploi Loire', kind: 'cap_emploi' });
    const byName = (await b.api('GET', '/api/v1/organisations?q=ETIENNE')).json();
    expect(byName.items.map((o: { name: string }) => o.name)).toEqual(['Mission locale de Saint-Étienne']);
    expect(byName.items[0]).toMatchObject({
      communeName: 'Saint-Étienne',
      departmentCode: '42',
      memberCount: 0,
    });
    const byKind = (await b.api('GET', '/api/v1/organisations?kind=cap_emploi')).json();
    expect(byKind.total).toBe(1);
    expect((await b.api('GET', '/api/v1/organisations?kind=inconnu')).json().field).toBe('kind');
  });

  it('answers unknown pages with a French DSFR page, and unknown API routes with a problem', async () => {
    const page = await t.app.inject({ url: '/nulle-part', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('<html lang="fr"');
    expect(page.body).toContain('Cette page n’existe pas.');
    const api = await t.app.inject({ url: '/api/v1/nulle-part' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
  });

  it('escapes what users typed when rendering pages', async () => {
    const b = await new Browser(t.app).login('ada@region.fr', 'Premiere-Admin-2026!');
    const created = await b.api('POST', '/api/v1/organisations', {
      name: '<script>alert(1)</script>',
      kind: 'region',
    });
    const page = await b.get(`/organisations/${created.json().id}`);
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('&lt;script>alert(1)&lt;/script>');
  });
});
