import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { firstAppellation, member, organisation } from '../../../test/persons-fixtures.js';
import { purgeInactiveFiles, retentionLimit } from './rgpd-service.js';

/**
 * The RGPD rights over a file (issue 10 §1): the referent exports it whole and erases it (what is
 * kept, and nothing that names the person); the retention purge; the town hall's contact point.
 */
describe.each(testEngines())('persons RGPD and contact point on %s', (engine) => {
  let t: TestApp;
  const orgs = { own: '', other: '', townHall: '' };
  let own: Browser;
  let other: Browser;
  let townHall: Browser;
  let appellation = '';

  async function create(lastName: string) {
    const res = await own.api('POST', '/api/v1/persons', {
      lastName,
      firstName: 'Rose',
      birthDate: '1988-02-03',
      email: `${lastName.toLowerCase()}@exemple.fr`,
      situations: ['rqth'],
      barriers: ['sante'],
      notes: 'Note du référent',
      wantedJobs: [appellation],
      legalBasis: 'public_service',
      informedOn: '2026-01-05',
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    orgs.own = await organisation(t.db, 'mission_locale');
    orgs.other = await organisation(t.db, 'cap_emploi');
    orgs.townHall = await organisation(t.db, 'commune', 'Mairie de Test');
    own = await new Browser(t.app).login(await member(t.db, orgs.own));
    other = await new Browser(t.app).login(await member(t.db, orgs.other));
    townHall = await new Browser(t.app).login(await member(t.db, orgs.townHall));
    appellation = await firstAppellation(t.db);
  });
  afterAll(() => t.close());

  it('exports the whole file to its referent only, as JSON and as a printable page', async () => {
    const id = await create('Export');
    await own.api('POST', `/api/v1/persons/${id}/shares`, {
      organisationId: orgs.other,
      consentOn: '2026-01-06',
    });
    const res = await own.get(`/personnes/${id}/export.json`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="donnees-personne-/);
    const data = JSON.parse(res.body);
    expect(data.file).toMatchObject({
      id,
      situations: ['rqth'],
      barriers: ['sante'],
      notes: 'Note du référent',
    });
    expect(data.file.shares).toHaveLength(1);
    expect(data.history.map((h: { action: string }) => h.action)).toEqual([
      'person.shared',
      'person.created',
    ]);
    const api = await own.api('GET', `/api/v1/persons/${id}/export`);
    expect(api.json().file.id).toBe(id);
    const sheet = await own.get(`/personnes/${id}/export`);
    expect(sheet.statusCode).toBe(200);
    expect(sheet.body).toContain('psl-no-print');
    expect(sheet.body).toContain('Note du référent');
    // The organisation it was shared with reads it, but has no export of the whole file.
    expect((await other.api('GET', `/api/v1/persons/${id}`)).statusCode).toBe(200);
    expect((await other.api('GET', `/api/v1/persons/${id}/export`)).statusCode).toBe(403);
    expect((await other.get(`/personnes/${id}/export.json`)).statusCode).toBe(403);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'person.exported' and subject_id = ${id}`.execute(
      t.db,
    );
    expect(rows[0]!.n).toBe(3);
  });

  it('erases a file at the person’s request: the audit lines stay, without the name', async () => {
    const id = await create('Efface');
    await own.get(`/personnes/${id}`);
    const page = await own.get(`/personnes/${id}/donnees`);
    expect(page.body).toMatch(/Ce qui est gardé, et pourquoi\s:/);
    const wrong = await own.post(`/personnes/${id}/effacement`, { confirm: 'Autre' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('aria-describedby="champ-confirm-erreur"');
    expect((await other.api('POST', `/api/v1/persons/${id}/erasure`, { confirm: 'Efface' })).statusCode).toBe(
      403,
    );
    const res = await own.post(`/personnes/${id}/effacement`, { confirm: 'efface' });
    expect(res.statusCode).toBe(303);
    expect((await own.get(String(res.headers.location))).body).toContain('Dossier effacé');
    expect((await sql`select 1 from person where id = ${id}`.execute(t.db)).rows).toHaveLength(0);
    const erasure = await sql<{ reason: string; referent_organisation_id: string }>`
      select reason, referent_organisation_id from person_erasure where person_id = ${id}`.execute(t.db);
    expect(erasure.rows).toEqual([{ reason: 'request', referent_organisation_id: orgs.own }]);
    const audit = await sql<{ action: string; details: unknown }>`
      select action, details from audit_log where subject_id = ${id} order by id`.execute(t.db);
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['person.created', 'person.read', 'person.erased']),
    );
    expect(JSON.stringify(audit.rows)).not.toMatch(/Efface|Rose/);
    const events = await sql<{
      payload: unknown;
    }>`select payload from domain_event where type = 'person.erased'`.execute(t.db);
    expect(JSON.stringify(events.rows)).toContain(id);
    expect((await own.api('GET', `/api/v1/persons/${id}`)).statusCode).toBe(404);
  });

  it('purges the files without contact for the retention period, dry run first, re-runnable', async () => {
    const old = [await create('Ancien-Un'), await create('Ancien-Deux')];
    const recent = await create('Recent');
    await sql`update person set last_activity_at = now() - interval '25 months' where id in (${old[0]!}, ${old[1]!})`.execute(
      t.db,
    );
    const dry = await purgeInactiveFiles(t.db, { months: 24, dryRun: true });
    expect(dry).toMatchObject({ total: 2, erased: 0 });
    expect(
      (await sql`select 1 from person where id in (${old[0]!}, ${old[1]!})`.execute(t.db)).rows,
    ).toHaveLength(2);
    const progress: number[] = [];
    const run = await purgeInactiveFiles(t.db, {
      months: 24,
      dryRun: false,
      batchSize: 1,
      onProgress: (d) => progress.push(d),
    });
    expect(run).toMatchObject({ total: 2, erased: 2 });
    expect(progress).toEqual([1, 2]);
    expect((await purgeInactiveFiles(t.db, { months: 24, dryRun: false })).erased).toBe(0);
    expect((await sql`select 1 from person where id = ${recent}`.execute(t.db)).rows).toHaveLength(1);
    const lines = await sql<{ n: number }>`
      select count(*)::int as n from person_erasure where reason = 'retention'`.execute(t.db);
    expect(lines.rows[0]!.n).toBe(2);
    expect(retentionLimit(new Date('2026-03-31T00:00:00Z'), 24).toISOString().slice(0, 10)).toBe(
      '2024-03-31',
    );
  });

  it('lets a town hall register a person and hand the file over, keeping no access', async () => {
    const form = await townHall.get('/mairie/inscription');
    expect(form.statusCode).toBe(200);
    // A town hall's reception types a commune and jobs in words; the codes are chosen for it.
    expect(form.body).toContain('hx-get="/communes/suggestions"');
    expect(form.body).toContain('hx-get="/appellations/suggestions"');
    const home = await townHall.get('/');
    expect(home.body).toContain('/mairie/inscription');
    const res = await townHall.post('/mairie/inscription', {
      lastName: 'Mairie',
      firstName: 'Paul',
      birthDate: '1990-06-07',
      email: 'paul.mairie@exemple.fr',
      wantedJob1: appellation,
      organisationId: orgs.own,
      consentOn: '2026-01-10',
      // A town hall records no sensitive facet, whatever the form sends.
      situations: 'rsa',
      notes: 'x',
    });
    expect(res.statusCode).toBe(303);
    const { rows } = await sql<{
      id: string;
      referent_organisation_id: string;
      registered_by_organisation_id: string;
      legal_basis: string;
      situations: string[];
      notes: string | null;
    }>`select id, referent_organisation_id, registered_by_organisation_id, legal_basis, situations, notes
       from person where last_name = 'Mairie'`.execute(t.db);
    expect(rows).toHaveLength(1);
    const file = rows[0]!;
    expect(file).toMatchObject({
      referent_organisation_id: orgs.own,
      registered_by_organisation_id: orgs.townHall,
      legal_basis: 'consent',
      situations: [],
      notes: null,
    });
    // The referent reads it; the town hall does not, by page or API.
    expect((await own.api('GET', `/api/v1/persons/${file.id}`)).statusCode).toBe(200);
    expect((await townHall.get(`/personnes/${file.id}`)).statusCode).toBe(403);
    expect((await townHall.api('GET', `/api/v1/persons/${file.id}`)).statusCode).toBe(403);
    // The handover and the consent are in the file's history and export.
    const data = (await own.api('GET', `/api/v1/persons/${file.id}/export`)).json();
    expect(data.registeredBy).toEqual({ organisation: 'Mairie de Test', handoverConsentOn: '2026-01-10' });
    // A counsellor of an accompanying organisation is no contact point; a bad organisation is named.
    expect((await own.get('/mairie/inscription')).statusCode).toBe(403);
    const bad = await townHall.post('/mairie/inscription', {
      lastName: 'Autre',
      firstName: 'Paul',
      birthDate: '1990-06-07',
      wantedJob1: appellation,
      organisationId: orgs.townHall,
      consentOn: '2026-01-10',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('champ-organisationId-erreur');
  });
});
