import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { member, organisation } from '../../../test/persons-fixtures.js';

/**
 * An offer's candidates and the person's own suggestions (issue 11 §3), on the demo region: the
 * employer sees only the persons visible to employers and never a name; a counsellor sees only the
 * files their organisation follows; anyone else is refused; the person answers « pas pour moi » and
 * the offer leaves their list.
 */
describe.each(testEngines())('candidates and own suggestions on %s', (engine) => {
  let t: TestApp;
  const offer = { id: '', title: '', appellation: '', commune: '', employerOrg: '' };
  const orgs = { a: '', b: '' };
  /** Persons made for the test, near the offer and wanting its job. */
  const people = { visibleA: '', hiddenA: '', visibleB: '' };
  const names = { visibleA: '', hiddenA: '', visibleB: '' };
  let employer: Browser;
  let counsellorA: Browser;
  let counsellorB: Browser;

  async function person(referent: string, visible: boolean, key: keyof typeof names) {
    const last = `Candidat-${key}-${randomUUID().slice(0, 6)}`;
    names[key] = last;
    const { rows } = await sql<{ id: string }>`
      insert into person (referent_organisation_id, last_name, first_name, name_key, birth_date, wanted_jobs,
        legal_basis, informed_on, commune_code, employer_visible, email)
      values (${referent}, ${last}, 'Alix', ${`cand|${randomUUID().slice(0, 8)}`}, '1992-05-06',
        array[${offer.appellation}]::text[], 'public_service', '2026-01-02', ${offer.commune}, ${visible},
        ${`${key}.${randomUUID().slice(0, 6)}@exemple.fr`})
      returning id`.execute(t.db);
    return rows[0]!.id;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    // A published offer of an employer, in a commune, with no licence, experience or level asked:
    // the persons made below pass every hard filter.
    const found = await sql<{
      id: string;
      title: string;
      appellation_code: string;
      commune_code: string;
      organisation_id: string;
    }>`
      select o.id, o.title, o.appellation_code, o.commune_code, o.organisation_id
      from job_offer o join match_offer m on m.offer_id = o.id
      where o.state = 'published' and o.organisation_id is not null and o.commune_code is not null
        and not o.remote and cardinality(o.driving_licences) = 0 and o.appellation_code is not null
        and (o.expires_on is null or o.expires_on > current_date + 30)
      order by o.id limit 1`.execute(t.db);
    const row = found.rows[0]!;
    Object.assign(offer, {
      id: row.id,
      title: row.title,
      appellation: row.appellation_code,
      commune: row.commune_code,
      employerOrg: row.organisation_id,
    });
    orgs.a = await organisation(t.db, 'mission_locale');
    orgs.b = await organisation(t.db, 'cap_emploi');
    people.visibleA = await person(orgs.a, true, 'visibleA');
    people.hiddenA = await person(orgs.a, false, 'hiddenA');
    people.visibleB = await person(orgs.b, true, 'visibleB');
    employer = await new Browser(t.app).login(await member(t.db, offer.employerOrg, 'gestionnaire'));
    counsellorA = await new Browser(t.app).login(await member(t.db, orgs.a, 'conseiller'));
    counsellorB = await new Browser(t.app).login(await member(t.db, orgs.b, 'conseiller'));
  });
  afterAll(() => t.close());

  it('shows the employer the visible persons only, as pseudonymised profiles with their reasons', async () => {
    const api = await employer.api('GET', `/api/v1/matches/offers/${offer.id}/candidates`);
    expect(api.statusCode).toBe(200);
    const body = api.json();
    expect(body.view).toBe('employer');
    const ids = new Set(
      (
        await sql<{ id: string }>`select person_id as id from match_person where employer_visible`.execute(
          t.db,
        )
      ).rows.map((r) => r.id),
    );
    expect(body.candidates.length).toBeGreaterThanOrEqual(2);
    for (const c of body.candidates) {
      expect(c.personId).toBeNull();
      expect(c.label).toBe(`Profil ${c.ref}`);
      expect(c.reasons.length).toBeGreaterThan(0);
    }
    const text = JSON.stringify(body);
    for (const key of ['visibleA', 'hiddenA', 'visibleB'] as const) expect(text).not.toContain(names[key]);
    expect(text).not.toContain(people.hiddenA);
    expect(ids.has(people.hiddenA)).toBe(false);

    const page = await employer.get(`/offres/${offer.id}/candidats`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Demander la mise en relation');
    expect(page.body).toContain('Pas pour ce poste');
    expect(page.body).toContain('Pourquoi ce profil');
    for (const key of ['visibleA', 'hiddenA', 'visibleB'] as const)
      expect(page.body).not.toContain(names[key]);
    expect(page.body).not.toContain('/personnes/');
    // The offer page links its managers to the candidates.
    expect((await employer.get(`/offres/${offer.id}`)).body).toContain(`/offres/${offer.id}/candidats`);
  });

  it('takes the employer’s request to be put in touch, tells the referent organisation, and shows it', async () => {
    const list = (await employer.api('GET', `/api/v1/matches/offers/${offer.id}/candidates`)).json();
    const ref = list.candidates[0].ref as string;
    await employer.get(`/offres/${offer.id}/candidats`);
    const res = await employer.post(`/offres/${offer.id}/candidats/${ref}/avis`, { verdict: 'contact' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/offres/${offer.id}/candidats?info=contact`);
    const page = await employer.get(String(res.headers.location));
    expect(page.body).toContain('Votre demande de mise en relation est transmise');
    expect(page.body).toContain('Vous avez demandé la mise en relation');
    const events = await sql<{ n: number }>`
      select count(*)::int as n from domain_event where type = 'match.contact_requested'
        and payload->>'offerId' = ${offer.id}`.execute(t.db);
    expect(events.rows[0]!.n).toBe(1);
    const audit = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'person.match_feedback'`.execute(t.db);
    expect(audit.rows[0]!.n).toBeGreaterThan(0);
    // « Pas pour ce poste » through the API.
    const api = await employer.api(
      'POST',
      `/api/v1/matches/offers/${offer.id}/candidates/${list.candidates[1].ref}/verdict`,
      { verdict: 'not_for_me' },
    );
    expect(api.statusCode).toBe(200);
    expect(api.json()).toEqual({ verdict: 'not_for_me' });
  });

  it('refuses a bad verdict, a bad preset and an unknown profile with a 4xx naming the field', async () => {
    const bad = await employer.api('POST', `/api/v1/matches/offers/${offer.id}/candidates/ABC/verdict`, {
      verdict: 'peut-etre',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(JSON.stringify(bad.json())).toContain('verdict');
    await employer.get(`/offres/${offer.id}/candidats`);
    const form = await employer.post(`/offres/${offer.id}/candidats/ABC/avis`, { verdict: 'peut-etre' });
    expect(form.statusCode).toBe(400);
    const preset = await employer.api('GET', `/api/v1/matches/offers/${offer.id}/candidates?preset=magie`);
    expect(preset.statusCode).toBe(400);
    expect(JSON.stringify(preset.json())).toContain('preset');
    expect((await employer.get(`/offres/${offer.id}/candidats?preset=magie`)).statusCode).toBe(400);
    const unknown = await employer.api('POST', `/api/v1/matches/offers/${offer.id}/candidates/ABC/verdict`, {
      verdict: 'contact',
    });
    expect(unknown.statusCode).toBe(404);
    expect((await employer.api('GET', '/api/v1/matches/offers/pas-un-id/candidates')).statusCode).toBe(400);
  });

  it('shows a counsellor the files their organisation follows only, by name, linking to their suggestions', async () => {
    const a = (
      await counsellorA.api('GET', `/api/v1/matches/offers/${offer.id}/candidates?preset=proximite`)
    ).json();
    expect(a.view).toBe('counsellor');
    expect(a.preset).toBe('proximite');
    const idsA = a.candidates.map((c: { personId: string }) => c.personId);
    expect(idsA).toContain(people.visibleA);
    expect(idsA).toContain(people.hiddenA);
    expect(idsA).not.toContain(people.visibleB);
    const followed = new Set(
      (
        await sql<{
          id: string;
        }>`select person_id as id from person_access where organisation_id = ${orgs.a}`.execute(t.db)
      ).rows.map((r) => r.id),
    );
    for (const id of idsA) expect(followed.has(id)).toBe(true);
    const page = await counsellorA.get(`/offres/${offer.id}/candidats`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/personnes/${people.hiddenA}/suggestions`);
    expect(page.body).toContain(names.hiddenA.toUpperCase());
    expect(page.body).not.toContain(names.visibleB.toUpperCase());
    expect(page.body).not.toContain('Demander la mise en relation');
    const b = (await counsellorB.api('GET', `/api/v1/matches/offers/${offer.id}/candidates`)).json();
    expect(b.candidates.map((c: { personId: string }) => c.personId)).toEqual([people.visibleB]);
    // A counsellor does not answer for the employer.
    await counsellorA.get(`/offres/${offer.id}/candidats`);
    expect(
      (
        await counsellorA.post(`/offres/${offer.id}/candidats/${a.candidates[0].ref}/avis`, {
          verdict: 'contact',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('refuses an analyst, another employer and an anonymous caller', async () => {
    const analyst = await new Browser(t.app).login(await member(t.db, orgs.a, 'analyste'));
    const otherEmployer = await new Browser(t.app).login(
      await member(t.db, await organisation(t.db, 'employeur'), 'administrateur'),
    );
    for (const b of [analyst, otherEmployer]) {
      expect((await b.api('GET', `/api/v1/matches/offers/${offer.id}/candidates`)).statusCode).toBe(403);
      expect((await b.get(`/offres/${offer.id}/candidats`)).statusCode).toBe(403);
      expect(
        (
          await b.api('POST', `/api/v1/matches/offers/${offer.id}/candidates/ABC/verdict`, {
            verdict: 'contact',
          })
        ).statusCode,
      ).toBe(403);
    }
    // Refused before the input is read: a bad id answers 403 too, not 400.
    expect((await analyst.api('GET', '/api/v1/matches/offers/pas-un-id/candidates')).statusCode).toBe(403);
    const anonymous = new Browser(t.app);
    expect((await anonymous.api('GET', `/api/v1/matches/offers/${offer.id}/candidates`)).statusCode).toBe(
      401,
    );
    expect((await anonymous.get(`/offres/${offer.id}/candidats`)).statusCode).toBe(302);
    // Another employer's offer page shows no candidates link.
    expect((await otherEmployer.get(`/offres/${offer.id}`)).body).not.toContain('/candidats');
  });

  it('shows the person their suggestions in plain French; « pas pour moi » takes the offer out', async () => {
    // The person's space, opened by the invitation link their counsellor sends (persons/space.test.ts).
    await counsellorA.get(`/personnes/${people.visibleA}/donnees`);
    const before = t.mailer.sent.length;
    expect((await counsellorA.post(`/personnes/${people.visibleA}/invitation`, {})).statusCode).toBe(200);
    const token = /\/mon-espace\/lien\?jeton=([A-Za-z0-9_-]+)/.exec(
      t.mailer.sent.slice(before).at(-1)!.text,
    )![1]!;
    const me = new Browser(t.app);
    await me.get(`/mon-espace/lien?jeton=${token}`);
    expect((await me.post('/mon-espace/lien', { jeton: token })).statusCode).toBe(303);
    expect((await me.get('/mon-espace')).body).toContain('href="/mon-espace/offres"');

    const list = await me.get('/mon-espace/offres');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/mon-espace/offres/${offer.id}/avis`);
    expect(list.body).toContain('Intéressé·e');
    // Reasons in the person's words (reasons.ts who='person').
    expect(list.body).toMatch(/vous recherchez|vous avez déjà/);

    const interested = await me.post(`/mon-espace/offres/${offer.id}/avis`, { verdict: 'interested' });
    expect(interested.statusCode).toBe(303);
    const after = await me.get(String(interested.headers.location));
    expect(after.body).toContain('Vous êtes intéressé·e');

    const no = await me.post(`/mon-espace/offres/${offer.id}/avis`, { verdict: 'not_for_me' });
    expect(no.statusCode).toBe(303);
    expect(no.headers.location).toBe('/mon-espace/offres?info=not_for_me');
    const gone = await me.get('/mon-espace/offres?info=not_for_me');
    expect(gone.body).toContain('n’est pas pour vous');
    expect(gone.body).not.toContain(`/mon-espace/offres/${offer.id}/avis`);

    const bad = await me.post(`/mon-espace/offres/${offer.id}/avis`, { verdict: 'bof' });
    expect(bad.statusCode).toBe(400);
    // A form without the space's CSRF token is refused.
    expect(
      (await me.post(`/mon-espace/offres/${offer.id}/avis`, { verdict: 'interested' }, { csrf: false }))
        .statusCode,
    ).toBe(403);
    // Staff sessions do not open the person's page.
    expect((await counsellorA.get('/mon-espace/offres')).statusCode).toBe(302);
  });
});
