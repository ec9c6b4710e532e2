import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';

describe.each(testEngines())('referential autocomplete on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t.close());

  const appellations = async (q: string) => {
    const res = await t.app.inject({ url: `/api/v1/referentials/appellations?q=${encodeURIComponent(q)}` });
    expect(res.statusCode).toBe(200);
    return res.json() as { code: string; label: string; romeCode: string }[];
  };
  const communes = async (q: string) => {
    const res = await t.app.inject({ url: `/api/v1/referentials/communes?q=${encodeURIComponent(q)}` });
    expect(res.statusCode).toBe(200);
    return res.json() as { code: string; name: string; departmentCode: string; postalCodes: string[] }[];
  };

  it('holds the whole ROME and commune referentials', async () => {
    const { rows } = await import('kysely').then(({ sql }) =>
      sql<{ trades: number; appellations: number; communes: number; history: number }>`
        select (select count(*)::int from rome_trade) as trades,
               (select count(*)::int from rome_appellation) as appellations,
               (select count(*)::int from commune) as communes,
               (select count(*)::int from commune_history) as history`.execute(t.db),
    );
    // 35,094 communes with a point (COG 2024) and 5 current communes that take their former one's
    // (sources.ts); 4,240 historic INSEE codes (COG 2026).
    expect(rows[0]).toEqual({ trades: 532, appellations: 11061, communes: 35099, history: 4240 });
  });

  it('finds a trade without accents, by prefix and despite a typo', async () => {
    const electricien = await appellations('electricien');
    expect(electricien[0]!.label).toMatch(/^Électricien|^Electricien/);
    expect(electricien.every((a) => /lectric/i.test(a.label))).toBe(true);

    const elec = await appellations('élec');
    expect(elec.length).toBe(20);
    expect(elec.every((a) => /[ée]lec/i.test(a.label))).toBe(true);

    const typo = await appellations('boulangr');
    expect(typo[0]!.label).toBe('Boulanger / Boulangère');
    expect(typo[0]!.romeCode).toBe('D1102');
  });

  it('ranks exact and leading matches first and caps results at 20', async () => {
    const res = await appellations('aide soignant');
    expect(res[0]!.label).toBe('Aide-soignant / Aide-soignante');
    expect((await appellations('a')).length).toBe(0);
    const limited = await t.app.inject({ url: '/api/v1/referentials/appellations?q=agent&limit=5' });
    expect(limited.json()).toHaveLength(5);
    const tooMany = await t.app.inject({ url: '/api/v1/referentials/appellations?q=agent&limit=50' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().field).toBe('limit');
  });

  it('finds communes by abbreviated name, postal code and INSEE code', async () => {
    const stEtienne = await communes('st etienne');
    expect(stEtienne[0]).toMatchObject({ code: '42218', name: 'Saint-Étienne', departmentCode: '42' });

    const bordeaux = await communes('33000');
    expect(bordeaux[0]).toMatchObject({ code: '33063', name: 'Bordeaux' });

    const ajaccio = await communes('2A004');
    expect(ajaccio[0]!.name).toBe('Ajaccio');

    const typo = await communes('bordo');
    expect(typo[0]!.name).toBe('Bordeaux');

    const paris = await communes('PARIS');
    expect(paris[0]).toMatchObject({ code: '75056', name: 'Paris' });
  });

  it('finds the communes around a point (earthdistance)', async () => {
    const { referentialsService } = await import('./service.js');
    const service = referentialsService(t.db, { cacheSize: 0 });
    const lyon = (await service.suggestCommunes('lyon'))[0]!;
    const around = await service.communesWithin(lyon.latitude, lyon.longitude, 10);
    expect(around[0]!.code).toBe('69123');
    expect(around.some((c) => c.name === 'Villeurbanne')).toBe(true);
    expect(around.every((c) => c.distanceKm <= 10)).toBe(true);
    expect(around.some((c) => c.name === 'Saint-Étienne')).toBe(false);
  });

  it('gives each commune its INSEE employment zone 2020, through its commune nouvelle or its city when the zoning lacks its code', async () => {
    const { sql } = await import('kysely');
    const zoneOf = async (commune: string) =>
      (
        await sql<{ zone: string; name: string; via: string }>`
          select z.code as zone, z.name, cz.resolved_via as via
          from commune_employment_zone cz join employment_zone z on z.code = cz.zone_code
          where cz.commune_code = ${commune}`.execute(t.db)
      ).rows[0];
    const counts = await sql<{ zones: number; linked: number; communes: number }>`
      select (select count(*)::int from employment_zone) as zones,
        (select count(*)::int from commune_employment_zone) as linked,
        (select count(*)::int from commune) as communes`.execute(t.db);
    // 306 zones; every commune but the overseas collectivities (94) and 14 codes the COG dropped.
    expect(counts.rows[0]).toEqual({ zones: 306, linked: 35099 - 94 - 14, communes: 35099 });
    // The file wrote "1001" and "59": the codes are padded back.
    expect(await zoneOf('01001')).toEqual({ zone: '8405', name: 'Bourg-en-Bresse', via: 'insee' });
    expect((await zoneOf('01016'))?.zone).toBe('0059');
    // Béon (01039) merged into Culoz-Béon (01138) after the zoning: it takes that commune's zone.
    expect(await zoneOf('01039')).toEqual({ ...(await zoneOf('01138')), via: 'commune_deleguee' });
    // Lyon 3e: the zone of Lyon.
    expect(await zoneOf('69383')).toEqual({ ...(await zoneOf('69123')), via: 'arrondissement' });
    // Nouméa is outside the zoning: no zone, not a guessed one.
    expect(await zoneOf('98818')).toBeUndefined();
  });

  it('refuses a missing or oversized query with a problem naming the field', async () => {
    const missing = await t.app.inject({ url: '/api/v1/referentials/communes' });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ status: 400, field: 'q' });
    const huge = await t.app.inject({ url: `/api/v1/referentials/communes?q=${'a'.repeat(200)}` });
    expect(huge.json().field).toBe('q');
  });
});
