import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { CSV_HEADERS } from './rates-pages.js';
import { ratesRepository } from './rates-repository.js';
import { commitmentProgress } from './rates-rules.js';
import { shownRate } from './rates-service.js';

/**
 * Dynamic-exit rates and the CTA's page (issue 12 §6) on a hand-built basin: a zone where no demo
 * organisation lies, an EI, an ACI and an AI in it, exits in every category (withdrawn and not
 * counted included), so that every figure is known exactly.
 */
describe.each(testEngines())('exit rates and CTA (%s)', (engine) => {
  let t: TestApp;
  const zone = { code: '', commune: '', department: '' };
  const org = { ei: '', aci: '', ai: '', ml: '' };
  let appellation = '';

  async function addOrganisation(kind: string, name: string) {
    const { rows } = await sql<{ id: string }>`
      insert into organisation (name, kind, commune_code) values (${name}, ${kind}, ${zone.commune}) returning id`.execute(
      t.db,
    );
    return rows[0]!.id;
  }
  async function addPerson() {
    const { rows } = await sql<{ id: string }>`
      insert into person (referent_organisation_id, last_name, first_name, name_key, birth_date, wanted_jobs, legal_basis, informed_on)
      values (${org.ml}, 'Taux', 'Personne', ${`taux|${randomUUID().slice(0, 8)}`}, '1990-01-01',
        array[${appellation}]::text[], 'public_service', '2025-01-02') returning id`.execute(t.db);
    return rows[0]!.id;
  }
  async function addContract(siae: string, kind: string, startOn: string, endOn: string | null) {
    const person = await addPerson();
    const { rows } = await sql<{ id: string }>`
      insert into iae_contract (person_id, siae_organisation_id, siae_kind, kind, start_on, end_on, created_by_label)
      values (${person}, ${siae}, ${kind}, 'CDDI', ${startOn}, ${endOn}, 'Test') returning id`.execute(t.db);
    return { person, contract: rows[0]!.id };
  }
  /** `n` exits of one category from the SIAE, each with its own person and contract. */
  async function addExits(siae: string, kind: string, n: number, category: string, counted = true, exitOn = '2025-06-30') {
    for (let i = 0; i < n; i++) {
      const { person, contract } = await addContract(siae, kind, `${exitOn.slice(0, 4)}-01-10`, exitOn);
      await sql`
        insert into iae_exit (contract_id, person_id, siae_organisation_id, siae_kind, zone_code, department_code, exit_on,
          reason, category, counted, hours_worked, contract_days, created_by_label)
        values (${contract}, ${person}, ${siae}, ${kind}, ${zone.code}, ${zone.department}, ${exitOn},
          'test', ${category}, ${counted}, 400, 170, 'Test')`.execute(t.db);
    }
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const { rows } = await sql<{ code: string; commune: string; department: string }>`
      select cz.zone_code as code, cz.commune_code as commune, c.department_code as department
      from commune_employment_zone cz join commune c on c.code = cz.commune_code
      where c.region_code = '84' and not exists (
        select 1 from organisation o join commune_employment_zone z2 on z2.commune_code = o.commune_code where z2.zone_code = cz.zone_code)
      order by cz.zone_code, cz.commune_code limit 1`.execute(t.db);
    Object.assign(zone, rows[0]);
    appellation = (await sql<{ code: string }>`select code from rome_appellation order by code limit 1`.execute(t.db))
      .rows[0]!.code;
    org.ml = await addOrganisation('mission_locale', 'Mission locale du bassin test');
    org.ei = await addOrganisation('siae_ei', 'EI du bassin test');
    org.aci = await addOrganisation('siae_aci', 'ACI du bassin test');
    org.ai = await addOrganisation('siae_ai', 'AI du bassin test');
    // EI 2025: 6 durable, 2 transition, 1 positive, 3 other, 2 withdrawn counted; 2 not counted.
    await addExits(org.ei, 'EI', 6, 'durable');
    await addExits(org.ei, 'EI', 2, 'transition');
    await addExits(org.ei, 'EI', 1, 'positive');
    await addExits(org.ei, 'EI', 3, 'other');
    await addExits(org.ei, 'EI', 2, 'withdrawn');
    await addExits(org.ei, 'EI', 1, 'durable', false);
    await addExits(org.ei, 'EI', 1, 'withdrawn', false);
    // One more person still employed (no exit), and an exit of 2024 (another year).
    await addContract(org.ei, 'EI', '2025-03-01', null);
    await addExits(org.ei, 'EI', 1, 'durable', true, '2024-06-30');
    // ACI 2025: 1 durable, 5 other. AI 2025: 3 durable (too few to show a rate).
    await addExits(org.aci, 'ACI', 1, 'durable');
    await addExits(org.aci, 'ACI', 5, 'other');
    await addExits(org.ai, 'AI', 3, 'durable');
  });
  afterAll(() => t.close());

  it('counts every category exactly, withdrawn and uncounted exits out of the rates, with and without ACI', async () => {
    const rows = await ratesRepository(t.db).exitRates({
      year: 2025,
      zone: zone.code,
      levels: ['all', 'siae', 'siaeKind', 'zone', 'department'],
      today: '2026-01-15',
    });
    const all = rows.find((r) => r.level === 'all')!;
    expect(all).toMatchObject({
      year: 2025,
      persons: 17 + 6 + 3,
      exits: 16 + 6 + 3,
      examined: 12 + 6 + 3,
      durable: 6 + 1 + 3,
      transition: 2,
      positive: 1,
      other: 3 + 5,
      withdrawn: 2,
      notCounted: 2,
      examinedExclAci: 15,
      dynamicExclAci: 12,
    });
    const ei = rows.find((r) => r.level === 'siae' && r.key === org.ei)!;
    expect(ei).toMatchObject({ label: 'EI du bassin test', siaeKind: 'EI', persons: 17, exits: 16, examined: 12 });
    expect(rows.find((r) => r.level === 'zone')).toMatchObject({ key: zone.code, examined: 21 });
    expect(rows.find((r) => r.level === 'department')).toMatchObject({ key: zone.department, examined: 21 });
    expect(rows.filter((r) => r.level === 'siaeKind').map((r) => [r.key, r.examined])).toEqual(
      expect.arrayContaining([
        ['ACI', 6],
        ['AI', 3],
        ['EI', 12],
      ]),
    );
    // Every year when none is asked: the 2024 exit comes back in its own year.
    const years = await ratesRepository(t.db).exitRates({ zone: zone.code, levels: ['all'], today: '2026-01-15' });
    expect(years.map((r) => [r.year, r.exits])).toEqual([
      [2024, 1],
      [2025, 25],
      [2026, 0],
    ]);

    const shown = shownRate(all);
    expect(shown.rate).toBeCloseTo(13 / 21, 10);
    expect(shown.rateExclAci).toBeCloseTo(12 / 15, 10);
    // Small counts hidden, and no rate over fewer than 5 examined exits.
    expect(shown).toMatchObject({ transition: null, positive: null, withdrawn: null, notCounted: null, other: 8 });
    const ai = shownRate(rows.find((r) => r.level === 'siae' && r.key === org.ai)!);
    expect(ai).toMatchObject({ examined: null, durable: null, rate: null, rateExclAci: null });
    const aci = shownRate(rows.find((r) => r.level === 'siae' && r.key === org.aci)!);
    expect(aci.rate).toBeCloseTo(1 / 6, 10);
    expect(aci.rateExclAci).toBeNull();
  });

  it('answers the rates to any signed-in member through the API, and refuses bad filters naming them', async () => {
    const counsellor = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
    const res = await counsellor.api('GET', `/api/v1/exit-rates?year=2025&zone=${zone.code}&groupBy=siae,zone`);
    expect(res.statusCode).toBe(200);
    const { rates } = res.json() as { rates: { level: string; key: string; rate: number | null; label: string }[] };
    expect(rates.find((r) => r.level === 'siae' && r.key === org.ei)?.rate).toBe(0.75);
    expect(rates.find((r) => r.level === 'zone')?.rate).toBeCloseTo(13 / 21, 10);
    for (const [query, field] of [
      ['groupBy=commune', 'groupBy'],
      ['year=deux', 'year'],
      ['zone=12', 'zone'],
      ['siaeKind=XYZ', 'siaeKind'],
    ]) {
      const bad = await counsellor.api('GET', `/api/v1/exit-rates?${query}`);
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json().field, query).toBe(field);
    }
    expect((await new Browser(t.app).api('GET', '/api/v1/exit-rates')).statusCode).toBe(401);
  });

  it('measures each commitment against its target, and lets only the Region enter one', async () => {
    // Two orientations the Mission locale sent in 2025 to the EI, one of them followed by a hire.
    for (const day of ['2025-03-01', '2025-04-01']) {
      const person = await addPerson();
      const { rows } = await sql<{ id: string }>`
        insert into orientation (person_id, prescriber_organisation_id, prescriber_label, target_kind, target_organisation_id,
          target_label, message, expires_on, created_at)
        values (${person}, ${org.ml}, 'Test', 'siae_position', ${org.ei}, 'Poste', 'Bonjour', '2025-06-01', ${`${day}T10:00:00Z`})
        returning id`.execute(t.db);
      if (day === '2025-04-01')
        await sql`insert into iae_contract (person_id, siae_organisation_id, siae_kind, orientation_id, kind, start_on, created_by_label)
          values (${person}, ${org.ei}, 'EI', ${rows[0]!.id}, 'CDDI', '2025-05-02', 'Test')`.execute(t.db);
    }
    const region = await new Browser(t.app).login('analyste.region@passerelle.demo');
    const post = (body: Record<string, unknown>) =>
      region.api('POST', `/api/v1/cta/${zone.code}/commitments`, { year: 2025, ...body });
    expect((await post({ partnerOrganisationId: org.ml, indicator: 'orientations', target: 3 })).statusCode).toBe(201);
    expect((await post({ partnerOrganisationId: org.ml, indicator: 'hires', target: 1 })).statusCode).toBe(201);
    expect((await post({ partnerKind: 'siae_ei', indicator: 'dynamic_rate_excl_aci', target: 70 })).statusCode).toBe(201);
    expect((await post({ partnerKind: 'siae_ai', indicator: 'dynamic_rate_excl_aci', target: 50 })).statusCode).toBe(201);
    // A second entry replaces the first (one target per partner, indicator and year).
    expect((await post({ partnerOrganisationId: org.ml, indicator: 'orientations', target: 4 })).statusCode).toBe(201);

    for (const [body, field] of [
      [{ partnerOrganisationId: org.ml, indicator: 'orientations', target: -1 }, 'target'],
      [{ partnerKind: 'siae_ei', indicator: 'dynamic_rate_excl_aci', target: 120 }, 'target'],
      [{ partnerOrganisationId: org.ml, partnerKind: 'siae_ei', indicator: 'orientations', target: 1 }, 'partnerKind'],
      [{ indicator: 'orientations', target: 1 }, 'partnerOrganisationId'],
      [{ partnerOrganisationId: randomUUID(), indicator: 'orientations', target: 1 }, 'partnerOrganisationId'],
      [{ partnerKind: 'dreets', indicator: 'orientations', target: 1 }, 'partnerKind'],
      [{ partnerOrganisationId: org.ml, indicator: 'bonheur', target: 1 }, 'indicator'],
      [{ year: 1999, partnerOrganisationId: org.ml, indicator: 'orientations', target: 1 }, 'year'],
    ] as const) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().field, JSON.stringify(body)).toBe(field);
    }
    const counsellor = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
    const refused = await counsellor.api('POST', `/api/v1/cta/${zone.code}/commitments`, {
      year: 2025,
      partnerOrganisationId: org.ml,
      indicator: 'orientations',
      target: 1,
    });
    expect(refused.statusCode).toBe(403);

    const res = await counsellor.api('GET', `/api/v1/cta/${zone.code}?year=2025`);
    expect(res.statusCode).toBe(200);
    const basin = res.json() as {
      commitments: { indicator: string; partnerKind: string | null; target: number; measured: number | null; progress: string }[];
      rates: { level: string; rateExclAci: number | null }[];
      waiting: { organisationId: string; count: number }[];
    };
    const c = (indicator: string, kind: string | null = null) =>
      basin.commitments.find((x) => x.indicator === indicator && x.partnerKind === kind);
    expect(basin.commitments).toHaveLength(4);
    expect(c('orientations')).toMatchObject({ target: 4, measured: 2, progress: 'late' });
    expect(c('hires')).toMatchObject({ target: 1, measured: 1, progress: 'reached' });
    expect(c('dynamic_rate_excl_aci', 'siae_ei')).toMatchObject({ measured: 75, progress: 'reached' });
    expect(c('dynamic_rate_excl_aci', 'siae_ai')).toMatchObject({ measured: null, progress: 'unmeasured' });
    expect(basin.rates.find((r) => r.level === 'all')?.rateExclAci).toBe(0.8);
    expect(basin.waiting).toEqual([expect.objectContaining({ organisationId: org.ei, count: 2 })]);
    expect((await counsellor.api('GET', '/api/v1/cta/0000')).statusCode).toBe(404);
  });

  it('shows the basins and the basin page, enters a target by the form, and exports the tables as CSV', async () => {
    const region = await new Browser(t.app).login('analyste.region@passerelle.demo');
    const list = await region.get('/cta?annee=2025');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/cta/${zone.code}?annee=2025`);
    const page = await region.get(`/cta/${zone.code}?annee=2025`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('EI du bassin test');
    expect(page.body).toContain('Saisir un objectif');
    const bad = await region.post(`/cta/${zone.code}/engagements`, {
      year: '2025',
      partnerKind: 'mission_locale',
      indicator: 'diagnoses',
      target: 'beaucoup',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Objectif invalide');
    const ok = await region.post(`/cta/${zone.code}/engagements`, {
      year: '2025',
      partnerKind: 'mission_locale',
      indicator: 'diagnoses',
      target: '10',
    });
    expect(ok.statusCode).toBe(303);

    const counsellor = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
    expect((await counsellor.get(`/cta/${zone.code}?annee=2025`)).body).not.toContain('Saisir un objectif');
    const csv = await counsellor.get(`/cta/${zone.code}?annee=2025&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(CSV_HEADERS.join(';'));
    expect(lines).toContain(`Sorties et taux;${org.ei};EI du bassin test;Sorties examinées;12`);
    expect(lines.some((l) => l.startsWith('Engagements;mission_locale;'))).toBe(true);
  });

  it('judges a count prorata temporis during its year, a rate on its value', () => {
    const base = { unit: 'count' as const, target: 40, year: 2026 };
    expect(commitmentProgress({ ...base, measured: 20 }, '2026-07-01')).toBe('on_track');
    expect(commitmentProgress({ ...base, measured: 10 }, '2026-07-01')).toBe('late');
    expect(commitmentProgress({ ...base, measured: 40 }, '2026-02-01')).toBe('reached');
    expect(commitmentProgress({ ...base, measured: 39 }, '2027-01-01')).toBe('late');
    expect(commitmentProgress({ unit: 'percent', target: 60, year: 2026, measured: 59 }, '2026-02-01')).toBe('late');
    expect(commitmentProgress({ unit: 'percent', target: 60, year: 2026, measured: null }, '2026-02-01')).toBe(
      'unmeasured',
    );
  });
});
