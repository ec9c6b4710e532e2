import { randomBytes, randomUUID } from 'node:crypto';
import Html from '@kitajs/html';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';

/** A random name part of n letters (a–z). */
const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');

describe.each(testEngines())('persons on %s', (engine) => {
  let t: TestApp;
  const orgs = { own: '', other: '', third: '' };
  let own: Browser;
  let other: Browser;
  let appellation = '';
  let commune = '';

  async function member(orgId: string, role = 'conseiller') {
    const email = `p.${randomUUID().slice(0, 8)}@passerelle.demo`;
    await sql`
      with u as (insert into app_user (email, first_name, last_name, password_hash)
        select ${email}, 'Camille', 'Conseil', password_hash from app_user where email = 'superadmin@passerelle.demo' returning id)
      insert into membership (user_id, organisation_id, role) select u.id, ${orgId}, ${role} from u`.execute(
      t.db,
    );
    return new Browser(t.app).login(email);
  }
  const person = (over: Record<string, unknown> = {}) => ({
    civility: 'madame',
    // Letters only: the duplicate key keeps letters (rules.ts nameKey), so random hex digits collided.
    lastName: `Martin-${letters(8)}`,
    firstName: 'Élodie',
    birthDate: '1990-05-14',
    communeCode: commune,
    situations: ['rsa', 'qpv'],
    barriers: ['sante', 'mobilite'],
    wantedJobs: [appellation],
    notes: 'Suivi social en cours',
    legalBasis: 'public_service',
    informedOn: '2026-01-05',
    ...over,
  });
  const readLines = async (personId: string) =>
    Number(
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from audit_log where action = 'person.read' and subject_id = ${personId}`.execute(
          t.db,
        )
      ).rows[0]!.n,
    );

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const { rows } = await sql<{ id: string }>`
      select id from organisation where kind in ('mission_locale', 'cap_emploi', 'france_travail') order by kind desc, name`.execute(
      t.db,
    );
    [orgs.own, orgs.other, orgs.third] = [rows[0]!.id, rows[1]!.id, rows[2]!.id];
    own = await member(orgs.own);
    other = await member(orgs.other);
    appellation = (
      await sql<{ code: string }>`select code from rome_appellation order by code limit 1`.execute(t.db)
    ).rows[0]!.code;
    commune = (
      await sql<{
        code: string;
      }>`select code from commune where region_code = '84' order by code limit 1`.execute(t.db)
    ).rows[0]!.code;
  });
  afterAll(() => t.close());

  it('creates a file, reads it back with an audit line per read, and lists it', async () => {
    const created = await own.api('POST', '/api/v1/persons', person({ lastName: 'Dubreuil' }));
    expect(created.statusCode).toBe(201);
    const { id, version } = created.json();
    expect(version).toBe(1);
    const file = await own.api('GET', `/api/v1/persons/${id}`);
    expect(file.statusCode).toBe(200);
    expect(file.json()).toMatchObject({
      lastName: 'Dubreuil',
      relation: 'referent',
      situations: ['rsa', 'qpv'],
    });
    await own.get(`/personnes/${id}`);
    expect(await readLines(id)).toBe(2);
    const list = await own.api('GET', '/api/v1/persons?q=dubreuil');
    expect(list.json().items.map((p: { id: string }) => p.id)).toContain(id);
    const page = await own.get('/personnes?q=dubreuil&situation=rsa');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/personnes/${id}`);
    // The commune filter is typed as a name and sent as the code its suggestions carry.
    const byCommune = await own.get(`/personnes?q=dubreuil&communeCode=${commune}`);
    expect(byCommune.body).toContain(`/personnes/${id}`);
    const byName = await own.get('/personnes?communeCode=Lyon');
    expect(byName.statusCode).toBe(400);
    expect(byName.body).toContain('choisissez-la dans la liste');
    // The edit form's code fields say in words what they hold.
    const edit = await own.get(`/personnes/${id}/modifier`);
    const jobLabel = (
      await sql<{ label: string }>`select label from rome_appellation where code = ${appellation}`.execute(
        t.db,
      )
    ).rows[0]!.label;
    expect(edit.body.replace(/[\u00a0\u202f]/g, ' ')).toContain(
      `Aujourd’hui : ${Html.escapeHtml(jobLabel)}.`,
    );
    const history = await own.api('GET', `/api/v1/persons/${id}/history`);
    expect(history.json()[0]).toMatchObject({ action: 'person.created' });
  });

  it('warns of a possible duplicate, naming only its holder, until confirmed', async () => {
    const first = person({ franceTravailId: `${`${Date.now() % 10_000_000}`.padStart(7, '1')}X` });
    expect((await own.api('POST', '/api/v1/persons', first)).statusCode).toBe(201);
    const again = await other.api('POST', '/api/v1/persons', {
      ...first,
      lastName: first.lastName.toUpperCase(),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().field).toBe('confirmDuplicate');
    expect(again.json().detail).not.toContain('Élodie');
    expect(again.json().heldBy).toHaveLength(1);
    const page = await other.post('/personnes', {
      lastName: first.lastName,
      firstName: 'Elodie',
      birthDate: '1990-05-14',
      wantedJob1: appellation,
      legalBasis: 'public_service',
      informedOn: '2026-01-05',
    });
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain('confirmDuplicate');
    const confirmed = await other.api('POST', '/api/v1/persons', { ...first, confirmDuplicate: true });
    expect(confirmed.statusCode).toBe(201);
  });

  it('refuses another organisation, and shares with consent without the sensitive facets', async () => {
    const { id } = (await own.api('POST', '/api/v1/persons', person())).json();
    expect((await other.api('GET', `/api/v1/persons/${id}`)).statusCode).toBe(403);
    expect((await other.get(`/personnes/${id}`)).statusCode).toBe(403);
    expect(await readLines(id)).toBe(0);
    const share = await own.api('POST', `/api/v1/persons/${id}/shares`, {
      organisationId: orgs.other,
      consentOn: '2026-01-10',
    });
    expect(share.statusCode).toBe(201);
    const seen = await other.api('GET', `/api/v1/persons/${id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({
      relation: 'shared',
      sensitiveOmitted: true,
      situations: ['qpv'],
      barriers: ['mobilite'],
      notes: null,
      shares: [],
    });
    const page = await other.get(`/personnes/${id}`);
    expect(page.body).not.toContain('RSA');
    expect(page.body).not.toContain('Suivi social');
    expect((await other.api('PATCH', `/api/v1/persons/${id}`, { version: 1, notes: 'x' })).statusCode).toBe(
      403,
    );
    const { rows } = await sql<{ consent_on: string; recorded_by_label: string }>`
      select consent_on::text, recorded_by_label from person_share where person_id = ${id}`.execute(t.db);
    expect(rows[0]!.consent_on).toBe('2026-01-10');
  });

  it('refuses a stale edit with 409 naming the version', async () => {
    const { id } = (await own.api('POST', '/api/v1/persons', person())).json();
    const first = await own.api('PATCH', `/api/v1/persons/${id}`, { version: 1, mobilityRadiusKm: 20 });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(2);
    const stale = await own.api('PATCH', `/api/v1/persons/${id}`, { version: 1, mobilityRadiusKm: 30 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().field).toBe('version');
    const lines = await sql<{ n: number }>`
      select count(*)::int as n from domain_event where type = 'person.updated' and payload->>'personId' = ${id}`.execute(
      t.db,
    );
    expect(lines.rows[0]!.n).toBe(1);
  });

  it('refuses impossible birth dates and unknown appellations, naming the field', async () => {
    for (const birthDate of ['2090-01-01', '2020-01-01', '1990-02-30']) {
      const res = await own.api('POST', '/api/v1/persons', person({ birthDate }));
      expect(res.statusCode, birthDate).toBe(400);
      expect(res.json().field).toBe('birthDate');
    }
    const unknown = await own.api('POST', '/api/v1/persons', person({ wantedJobs: ['99999999'] }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe('wantedJobs/0');
    const page = await own.post('/personnes', {
      lastName: 'Test',
      firstName: 'Date',
      birthDate: '2099-01-01',
      wantedJob1: appellation,
      legalBasis: 'public_service',
      informedOn: '2026-01-05',
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Date de naissance dans le futur');
  });

  it('keeps the files from analysts and the super-admin', async () => {
    const analyst = await member(orgs.own, 'analyste');
    expect((await analyst.api('GET', '/api/v1/persons')).statusCode).toBe(403);
    const admin = await new Browser(t.app).login('superadmin@passerelle.demo');
    expect((await admin.get('/personnes')).statusCode).toBe(403);
  });
});
