import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';

/**
 * A counsellor's suggested offers (issue 11 « Done when »): ranked offers with their reasons in
 * French, the order changing with the preset, an exclusion that needs a reason, outcomes, and a 403
 * for an organisation that may not read the file. Built on a small controlled case: a person in a
 * town, an offer of their wanted appellation 12–18 km away and one of a close métier next door.
 */
describe.each(testEngines())('suggested offers on %s', (engine) => {
  let t: TestApp;
  let own: Browser;
  let other: Browser;
  let personId = '';
  const offers = { same: '', close: '' };

  async function member(orgId: string) {
    const email = `m.${randomUUID().slice(0, 8)}@passerelle.demo`;
    await sql`
      with u as (insert into app_user (email, first_name, last_name, password_hash)
        select ${email}, 'Camille', 'Conseil', password_hash from app_user where email = 'superadmin@passerelle.demo' returning id)
      insert into membership (user_id, organisation_id, role) select u.id, ${orgId}, 'conseiller' from u`.execute(
      t.db,
    );
    return new Browser(t.app).login(email);
  }

  async function offer(appellation: string, romeCode: string, commune: string, title: string) {
    const { rows } = await sql<{ id: string }>`
      insert into job_offer (organisation_id, state, published_at, appellation_code, rome_code, title, description, commune_code,
        contract_type, working_time, experience)
      values ((select id from organisation where kind = 'employeur' order by name limit 1), 'published', now(), ${appellation}, ${romeCode}, ${title}, 'Texte', ${commune}, 'CDI', 'full_time', 'D')
      returning id`.execute(t.db);
    return rows[0]!.id;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const orgRows = (
      await sql<{
        id: string;
      }>`select id from organisation where kind in ('mission_locale', 'cap_emploi') order by name limit 2`.execute(
        t.db,
      )
    ).rows;
    own = await member(orgRows[0]!.id);
    other = await member(orgRows[1]!.id);
    // A town and another 12–18 km away; an appellation whose métier has a close métier (rank 1).
    const place = (
      await sql<{ home: string; far: string }>`
        select a.code as home, b.code as far from commune a join commune b
          on b.latitude between a.latitude - 0.3 and a.latitude + 0.3 and b.longitude between a.longitude - 0.4 and a.longitude + 0.4
        where a.region_code = '84' and a.population > 50000 and b.population > 2000
          and 2 * 6371 * asin(sqrt(power(sin(radians(b.latitude - a.latitude) / 2), 2)
            + cos(radians(a.latitude)) * cos(radians(b.latitude)) * power(sin(radians(b.longitude - a.longitude) / 2), 2))) between 12 and 18
        order by a.population desc, b.code limit 1`.execute(t.db)
    ).rows[0]!;
    const jobs = (
      await sql<{ wanted: string; wanted_rome: string; close: string; close_rome: string }>`
        select a.code as wanted, a.rome_code as wanted_rome, c.code as close, c.rome_code as close_rome
        from rome_appellation a join rome_mobility m on m.from_code = a.metier_code and m.rank = 1
        join rome_appellation c on c.metier_code = m.to_code
        order by a.code, c.code limit 1`.execute(t.db)
    ).rows[0]!;
    const created = await own.api('POST', '/api/v1/persons', {
      lastName: `Appariement-${randomUUID().slice(0, 6)}`,
      firstName: 'Inès',
      birthDate: '1994-03-02',
      communeCode: place.home,
      mobilityRadiusKm: 30,
      wantedJobs: [jobs.wanted],
      legalBasis: 'public_service',
      informedOn: '2026-01-05',
    });
    expect(created.statusCode).toBe(201);
    personId = created.json().id;
    offers.same = await offer(jobs.wanted, jobs.wanted_rome, place.far, 'Offre du métier recherché');
    offers.close = await offer(jobs.close, jobs.close_rome, place.home, 'Offre d’un métier proche');
  });
  afterAll(() => t.close());

  const suggestions = async (query = '') => {
    const res = await own.api('GET', `/api/v1/matches/persons/${personId}/offers${query}`);
    expect(res.statusCode).toBe(200);
    return res.json() as {
      preset: string;
      suggestions: { offer: { id: string }; score: number; reasons: { term: string; text: string }[] }[];
      dismissed: { offerId: string; reason: string }[];
    };
  };
  const order = (r: Awaited<ReturnType<typeof suggestions>>) =>
    r.suggestions.map((s) => s.offer.id).filter((id) => id === offers.same || id === offers.close);

  it('ranks the offers with their reasons in French, and the preset changes the order', async () => {
    const standard = await suggestions();
    expect(standard.preset).toBe('standard');
    expect(order(standard)).toEqual([offers.same, offers.close]);
    const same = standard.suggestions.find((s) => s.offer.id === offers.same)!;
    expect(same.reasons.find((r) => r.term === 'job')!.text).toBe(
      'Même appellation que le métier recherché.',
    );
    expect(same.reasons.find((r) => r.term === 'distance')!.text).toMatch(
      /^À 1\d km \(rayon de mobilité 30 km\)\.$/,
    );
    const close = standard.suggestions.find((s) => s.offer.id === offers.close)!;
    expect(close.reasons.find((r) => r.term === 'job')!.text).toBe(
      'Métier proche du métier recherché (mobilité ROME 4.0, rang 1).',
    );
    // Close métiers count almost as the wanted one, and distance a lot: the offer next door first.
    const reconversion = await suggestions('?preset=reconversion&distance=5');
    expect(order(reconversion)).toEqual([offers.close, offers.same]);
  });

  it('refuses an unknown preset and a weight out of range, naming the field', async () => {
    const preset = await own.api('GET', `/api/v1/matches/persons/${personId}/offers?preset=magique`);
    expect(preset.statusCode).toBe(400);
    expect(preset.json().field).toBe('preset');
    const weight = await own.api('GET', `/api/v1/matches/persons/${personId}/offers?skills=7`);
    expect(weight.statusCode).toBe(400);
    expect(weight.json().field).toBe('weights.skills');
  });

  it('excludes a suggestion only with a reason, lists it apart, and puts it back', async () => {
    const url = `/api/v1/matches/persons/${personId}/offers/${offers.close}/exclusion`;
    const bare = await own.api('POST', url, {});
    expect(bare.statusCode).toBe(400);
    expect(bare.json().field).toBe('reason');
    expect(order(await suggestions())).toContain(offers.close);
    expect((await own.api('POST', url, { reason: 'distance' })).statusCode).toBe(204);
    const after = await suggestions();
    expect(order(after)).toEqual([offers.same]);
    expect(after.dismissed).toEqual([expect.objectContaining({ offerId: offers.close, reason: 'distance' })]);
    // Who excluded it is named as a person of an organisation, never by an e-mail address.
    const page = await own.get(`/personnes/${personId}/suggestions`);
    expect(page.body).toMatch(/écartée par Camille Conseil \([^)]+\) le/);
    expect(page.body).not.toMatch(/écartée par [^<]*@/);
    expect((await own.api('DELETE', url)).statusCode).toBe(204);
    expect(order(await suggestions())).toContain(offers.close);
  });

  it('records an outcome once, and refuses an unknown one', async () => {
    const url = `/api/v1/matches/persons/${personId}/offers/${offers.same}/outcomes`;
    const bad = await own.api('POST', url, { outcome: 'peut-être' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('outcome');
    expect((await own.api('POST', url, { outcome: 'contacted' })).json()).toEqual({
      outcome: 'contacted',
      alreadyRecorded: false,
    });
    expect((await own.api('POST', url, { outcome: 'contacted' })).json()).toEqual({
      outcome: 'contacted',
      alreadyRecorded: true,
    });
  });

  it('shows the page with the preset chooser and the reasons', async () => {
    const page = await own.get(`/personnes/${personId}/suggestions?preset=proximite`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Offre d’un métier proche');
    expect(page.body).toContain('Même appellation que le métier recherché.');
    expect(page.body).toMatch(/Garder «\s?Proximité\s?» pour cette personne/u);
  });

  it('stores the suggestions again at once when the counsellor keeps a preset (on change)', async () => {
    expect(
      (await own.api('PUT', `/api/v1/matches/persons/${personId}/preset`, { preset: 'reconversion' }))
        .statusCode,
    ).toBe(200);
    const stored = await sql<{ offer_id: string; preset: string }>`
      select offer_id, preset from match_suggestion where person_id = ${personId} order by rank`.execute(
      t.db,
    );
    expect(stored.rows.map((r) => r.preset)).toContain('reconversion');
    expect(
      stored.rows.map((r) => r.offer_id).filter((id) => id === offers.same || id === offers.close),
    ).toEqual([offers.close, offers.same]);
    const bad = await own.api('PUT', `/api/v1/matches/persons/${personId}/preset`, { preset: 'magique' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('preset');
  });

  it('refuses an organisation that may not read the file', async () => {
    expect((await other.api('GET', `/api/v1/matches/persons/${personId}/offers`)).statusCode).toBe(403);
    expect((await other.get(`/personnes/${personId}/suggestions`)).statusCode).toBe(403);
    const write = await other.api(
      'POST',
      `/api/v1/matches/persons/${personId}/offers/${offers.same}/exclusion`,
      {
        reason: 'distance',
      },
    );
    expect(write.statusCode).toBe(403);
  });
});
