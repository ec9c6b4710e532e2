import Html from '@kitajs/html';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { firstAppellation, member, organisation } from '../../../test/persons-fixtures.js';

/**
 * The person's own space (issue 10 §2): invited by the counsellor, signed in by an e-mailed link,
 * they see and correct their profile, choose the employers' view and download their data — their
 * own file only, whatever ids they send; staff sessions do not open it.
 */
describe.each(testEngines())('person space on %s', (engine) => {
  let t: TestApp;
  let counsellor: Browser;
  let appellation = '';
  let skill = '';
  const ids = { a: '', b: '' };

  const linkIn = (text: string) => /\/mon-espace\/lien\?jeton=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
  async function invite(personId: string) {
    await counsellor.get(`/personnes/${personId}/donnees`);
    const before = t.mailer.sent.length;
    const res = await counsellor.post(`/personnes/${personId}/invitation`, {});
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Invitation envoyée');
    return linkIn(t.mailer.sent.slice(before).at(-1)!.text);
  }
  async function signIn(token: string) {
    const person = new Browser(t.app);
    await person.get(`/mon-espace/lien?jeton=${token}`);
    const res = await person.post('/mon-espace/lien', { jeton: token });
    return { person, res };
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    const org = await organisation(t.db, 'mission_locale');
    counsellor = await new Browser(t.app).login(await member(t.db, org));
    appellation = await firstAppellation(t.db);
    skill = (await sql<{ code: string }>`select code from rome_skill order by code limit 1`.execute(t.db))
      .rows[0]!.code;
    for (const [key, name] of [
      ['a', 'Espace-Alpha'],
      ['b', 'Espace-Beta'],
    ] as const) {
      const res = await counsellor.api('POST', '/api/v1/persons', {
        lastName: name,
        firstName: key === 'a' ? 'Aïcha' : 'Bruno',
        birthDate: '1995-03-04',
        email: `${key}.espace@exemple.fr`,
        situations: ['rsa'],
        wantedJobs: [appellation],
        legalBasis: 'public_service',
        informedOn: '2026-01-05',
      });
      expect(res.statusCode).toBe(201);
      ids[key] = res.json().id;
    }
  });
  afterAll(() => t.close());

  it('sends to the sign-in page whoever has no space session, staff included', async () => {
    const anonymous = await new Browser(t.app).get('/mon-espace');
    expect(anonymous.statusCode).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/mon-espace\/connexion/);
    const staff = await counsellor.get('/mon-espace');
    expect(staff.statusCode).toBe(302);
    expect(staff.headers.location).toMatch(/^\/mon-espace\/connexion/);
    expect((await counsellor.get('/mon-espace/mes-donnees')).statusCode).toBe(302);
  });

  it('opens the space with the invitation link, once', async () => {
    const token = await invite(ids.a);
    expect(token).not.toBe('');
    const { person, res } = await signIn(token);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/mon-espace');
    expect(res.cookies.find((c) => c.name === 'passerelle_personne')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    const page = await person.get('/mon-espace');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Bonjour Aïcha');
    expect(page.body).not.toContain('Bruno');
    // The job field holds a ROME code: its hint says the job in words, as « Mes métiers » does.
    const label = (
      await sql<{ label: string }>`select label from rome_appellation where code = ${appellation}`.execute(
        t.db,
      )
    ).rows[0]!.label;
    // (the page puts a non-breaking space before « : »)
    expect(page.body.replace(/[\u00a0\u202f]/g, ' ')).toContain(`Aujourd’hui : ${Html.escapeHtml(label)}.`);
    // The link served once.
    expect((await signIn(token)).res.statusCode).toBe(400);
    // The sign-in is in the audit log, the token is stored hashed only.
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'person.space_signed_in' and subject_id = ${ids.a}`.execute(
      t.db,
    );
    expect(rows[0]!.n).toBe(1);
    const stored = await sql<{ token_hash: string }>`select token_hash from person_link`.execute(t.db);
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it('mails a sign-in link on request, and says the same for an unknown address', async () => {
    const before = t.mailer.sent.length;
    const known = await new Browser(t.app).get('/mon-espace/connexion');
    expect(known.statusCode).toBe(200);
    const b = new Browser(t.app);
    await b.get('/mon-espace/connexion');
    const res = await b.post('/mon-espace/connexion', { email: 'A.Espace@exemple.fr' });
    expect(res.statusCode).toBe(303);
    expect(t.mailer.sent.length).toBe(before + 1);
    const unknown = await b.post('/mon-espace/connexion', { email: 'personne@exemple.fr' });
    expect(unknown.headers.location).toBe(res.headers.location);
    expect(t.mailer.sent.length).toBe(before + 1);
    // B was never invited: no space, no link.
    await b.post('/mon-espace/connexion', { email: 'b.espace@exemple.fr' });
    expect(t.mailer.sent.length).toBe(before + 1);
    const { res: signedIn } = await signIn(linkIn(t.mailer.sent.at(-1)!.text));
    expect(signedIn.statusCode).toBe(303);
  });

  it('lets the person correct their profile and choose the employers’ view, their own file only', async () => {
    const { person } = await signIn(await invite(ids.a));
    const page = await person.get('/mon-espace');
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    // Another person's id in the body or the query changes nothing: the space knows one file.
    const res = await person.post(`/mon-espace/profil?personId=${ids.b}`, {
      version,
      personId: ids.b,
      email: 'a.espace@exemple.fr',
      phone: '06 12 34 56 78',
      mobilityRadiusKm: '25',
      mobilityMeans: 'public_transport',
      wantedJob1: appellation,
      skill1: skill,
    });
    expect(res.statusCode).toBe(303);
    // The person declares a skill (ROME 4.0): stored as its code, listed back by its label.
    const own = await sql<{ skills: string[] }>`select skills from person where id = ${ids.a}`.execute(t.db);
    expect(own.rows[0]!.skills).toEqual([skill]);
    const after = await person.get('/mon-espace');
    expect(after.body).toContain('Mes compétences');
    expect(after.body).toContain(`name="skills" value="${skill}" checked`);
    const unknownSkill = await person.post('/mon-espace/profil', {
      version: /name="version" value="(\d+)"/.exec(after.body)![1]!,
      wantedJob1: appellation,
      skill1: '99999999',
    });
    expect(unknownSkill.statusCode).toBe(400);
    expect(unknownSkill.body).toMatch(/Compétence ROME 4.0 «\s99999999\s» inconnue/);
    const rows = await sql<{ id: string; phone: string | null; mobility_radius_km: number | null }>`
      select id, phone, mobility_radius_km from person where id in (${ids.a}, ${ids.b}) order by last_name`.execute(
      t.db,
    );
    expect(rows.rows).toEqual([
      { id: ids.a, phone: '06 12 34 56 78', mobility_radius_km: 25 },
      { id: ids.b, phone: null, mobility_radius_km: null },
    ]);
    // A bad value is named, never a 500; a stale version is refused.
    const bad = await person.post('/mon-espace/profil', {
      version: String(Number(version) + 1),
      mobilityRadiusKm: '999',
      wantedJob1: appellation,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/Rayon de mobilité/);
    const stale = await person.post('/mon-espace/profil', { version, wantedJob1: appellation });
    expect(stale.statusCode).toBe(409);
    // The counsellor's history names the correction, not its values.
    const history = await counsellor.get(`/personnes/${ids.a}/historique`);
    expect(history.body).toContain('Correction par la personne');

    expect((await person.post('/mon-espace/visibilite', { employerVisible: 'true' })).statusCode).toBe(303);
    const visible = await sql<{
      v: boolean;
    }>`select employer_visible as v from person where id = ${ids.a}`.execute(t.db);
    expect(visible.rows[0]!.v).toBe(true);
    // Without its CSRF token a form is refused.
    expect(
      (await person.post('/mon-espace/visibilite', { employerVisible: 'false' }, { csrf: false })).statusCode,
    ).toBe(403);
  });

  it('downloads the person’s own data, and no other file opens from the space', async () => {
    const { person } = await signIn(await invite(ids.a));
    const res = await person.get(`/mon-espace/mes-donnees?personId=${ids.b}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    const data = JSON.parse(res.body);
    expect(data.file.id).toBe(ids.a);
    expect(data.file.situations).toEqual(['rsa']);
    expect(res.body).not.toContain(ids.b);
    // The counsellors' pages and API are not the person's: no staff session, no file.
    const staffPage = await person.get(`/personnes/${ids.b}`);
    expect(staffPage.statusCode).toBe(302);
    expect(staffPage.headers.location).toMatch(/^\/connexion/);
    expect((await person.get(`/personnes/${ids.a}`)).statusCode).toBe(302);
    expect((await person.api('GET', `/api/v1/persons/${ids.b}`)).statusCode).toBe(401);
    expect((await person.api('GET', `/api/v1/persons/${ids.b}/export`)).statusCode).toBe(401);
  });

  it('signs out, and an erased file closes its space', async () => {
    const { person } = await signIn(await invite(ids.a));
    await person.get('/mon-espace');
    expect((await person.post('/mon-espace/deconnexion', {})).statusCode).toBe(303);
    expect((await person.get('/mon-espace')).statusCode).toBe(302);

    const { person: again } = await signIn(await invite(ids.a));
    expect((await again.get('/mon-espace')).statusCode).toBe(200);
    await counsellor.get(`/personnes/${ids.a}/donnees`);
    expect(
      (await counsellor.post(`/personnes/${ids.a}/effacement`, { confirm: 'espace-alpha' })).statusCode,
    ).toBe(303);
    expect((await again.get('/mon-espace')).statusCode).toBe(302);
  });
});
