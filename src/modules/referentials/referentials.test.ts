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

  describe('ROME 4.0 (v4.60)', () => {
    it('suggests appellations for a field typed in words, whatever its name, with the code as value', async () => {
      const page = await t.app.inject({ url: '/appellations/suggestions?wantedJob2=aide-soign' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/<option value="\d+">Aide-soignant/);
      expect((await t.app.inject({ url: '/appellations/suggestions?wantedJob2=38215' })).body).toBe('');
    });

    it('tells anyone which ROME version the service reads, on the « Référentiels » page', async () => {
      const page = await t.app.inject({ url: '/referentiels', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/ROME 4\.0 de France Travail, version 4\.60/);
      expect(page.body).toContain('ROME 4.0\u00a0: compétences de chaque métier');
      expect(page.body).toContain('href="/referentiels"');
    });

    const get = (url: string) => t.app.inject({ url: `/api/v1/referentials/${url}` });
    const counts = async () => {
      const { sql } = await import('kysely');
      return (
        await sql<Record<string, number>>`
          select (select count(*)::int from rome_metier) as metiers,
            (select count(distinct trade_code)::int from rome_metier) as trades,
            (select count(*)::int from rome_skill) as skills,
            (select count(*)::int from rome_metier_skill) as links,
            (select count(*)::int from rome_metier_skill where core = 'principale') as core,
            (select count(*)::int from rome_metier_skill where core = 'emergente') as emerging,
            (select count(*)::int from rome_metier_work_context) as contexts,
            (select count(*)::int from rome_mobility) as mobility,
            (select count(*)::int from rome_domain) as domains,
            (select count(*)::int from rome_grand_domain) as "grandDomains",
            (select count(*)::int from rome_appellation where metier_code is not null) as appellations`.execute(
          t.db,
        )
      ).rows[0];
    };

    it('holds the 1,584 métiers under the 532 trades, their skills, links, contexts and mobility', async () => {
      // Counts of the v4.60 files: coherence_item's 104,219 links are 90,556 to skills (18,900
      // core, 1,731 emerging) and 13,663 to work contexts; every v3 appellation has its métier.
      expect(await counts()).toEqual({
        metiers: 1584,
        trades: 532,
        skills: 18317 + 15354,
        links: 90556,
        core: 18900,
        emerging: 1731,
        contexts: 13663,
        mobility: 14912,
        domains: 110,
        grandDomains: 14,
        appellations: 11061,
      });
      const { sql } = await import('kysely');
      // An appellation keeps its v3 trade. Its ROME 4.0 métier's parent trade is another one for 396
      // of them (v4.60): a métier such as E1122 groups appellations of several v3 trades.
      const mismatched = await sql<{ n: number }>`
        select count(*)::int as n from rome_appellation a join rome_metier m on m.code = a.metier_code
        where m.trade_code <> a.rome_code`.execute(t.db);
      expect(mismatched.rows[0]!.n).toBe(396);
      const adapter = await sql<{ trade: string; metier: string }>`
        select rome_code as trade, metier_code as metier from rome_appellation where code = '10267'`.execute(
        t.db,
      );
      expect(adapter.rows[0]).toEqual({ trade: 'E1102', metier: 'E1122' });
      // Each métier ranks its close métiers 1, 2, 3… with no rank twice.
      const ranks = await sql<{ firsts: number; duplicates: number; maxRank: number }>`
        select count(*) filter (where rank = 1)::int as firsts,
          (count(*) - count(distinct (from_code, rank)))::int as duplicates, max(rank)::int as "maxRank"
        from rome_mobility`.execute(t.db);
      expect(ranks.rows[0]).toEqual({ firsts: 1584, duplicates: 0, maxRank: 21 });
    });

    it('finds skills by the start of their words, accents and case ignored, with a kind filter', async () => {
      const res = await get('skills?q=soud&kind=savoir');
      expect(res.statusCode).toBe(200);
      const hits = res.json() as { label: string; kind: string }[];
      expect(hits.map((h) => h.label)).toContain('Techniques de soudage');
      expect(hits.every((h) => h.kind === 'savoir' && /\bsoud/i.test(h.label))).toBe(true);

      const accents = (await (
        await get(`skills?q=${encodeURIComponent('TÉCHNIQUES DE SOUDÂGE')}`)
      ).json()) as {
        label: string;
      }[];
      expect(accents[0]!.label).toBe('Techniques de soudage');
      const anyKind = (await (await get('skills?q=souder')).json()) as { kind: string; label: string }[];
      expect(anyKind.length).toBeGreaterThan(0);
      expect(anyKind.every((h) => /\bsouder/i.test(h.label))).toBe(true);
      expect((await (await get('skills?q=s')).json()) as unknown[]).toHaveLength(0);

      const badKind = await get('skills?q=soud&kind=competence');
      expect(badKind.statusCode).toBe(400);
      expect(badKind.json().field).toBe('kind');
    });

    it('gives a métier with its core, emerging and other skills, and its close métiers ranked', async () => {
      const res = await get('metiers/H2913');
      expect(res.statusCode).toBe(200);
      const welder = res.json();
      expect(welder).toMatchObject({
        code: 'H2913',
        label: 'Soudeur / Soudeuse',
        tradeCode: 'H2913',
        domainCode: 'H29',
        grandDomainCode: 'H',
      });
      expect(welder.definition).toContain('structures métalliques');
      // coherence_item: 11 core links and 47 others for H2913 (skills and work contexts together).
      expect(welder.coreSkills).toHaveLength(11);
      expect(welder.emergingSkills).toHaveLength(0);
      expect(welder.otherSkills.length + welder.workContexts.length).toBe(47);

      const close = (await (await get('metiers/H2913/close')).json()) as { rank: number; code: string }[];
      expect(close.map((c) => c.rank)).toEqual(close.map((_, i) => i + 1));
      expect(close.slice(0, 2).map((c) => c.code)).toEqual(['H1506', 'H2902']);

      const unknown = await get('metiers/Z9999');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toContain('application/problem+json');
      expect((await get('metiers/Z9999/close')).statusCode).toBe(404);
      const malformed = await get('metiers/soudeur');
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().field).toBe('code');
    });

    it('maps an appellation to its ROME 4.0 métier and shows the loaded version', async () => {
      // « Soudeur / Soudeuse Tungsten Inert Gas -TIG- » was under the v3 trade H2913; ROME 4.0
      // gives it its own métier.
      const tig = await get('appellations/19475/metier');
      expect(tig.json()).toEqual({ code: 'H2916', label: 'Soudeur / Soudeuse Tungsten Inert Gas -TIG-' });
      expect((await get('appellations/99999999/metier')).statusCode).toBe(404);

      const versions = (await get('versions')).json();
      expect(versions).toEqual([{ referential: 'ROME 4.0', version: '4.60', loadedAt: expect.any(String) }]);
    });

    it('reloads idempotently: unchanged rows are not rewritten, changed ones restored, stale links dropped', async () => {
      const { sql } = await import('kysely');
      const { upsertRome4 } = await import('./rome4-repository.js');
      const { rome4 } = await import('./rome4-sources.js');
      const before = await counts();
      // xmin is the transaction that last wrote a row: a reload that changes nothing keeps it.
      const versionOf = async () =>
        (
          await sql<{ metier: string; skill: string; link: string }>`
            select (select xmin::text from rome_metier where code = 'H2913') as metier,
              (select xmin::text from rome_skill where code = '100007') as skill,
              (select xmin::text from rome_mobility where from_code = 'H2913' and rank = 1) as link`.execute(
            t.db,
          )
        ).rows[0];
      const untouched = await versionOf();
      await sql`update rome_skill set label = 'modifié' where code = '100023'`.execute(t.db);
      await sql`insert into rome_mobility (from_code, to_code, rank) values ('H2913', 'A1101', 99)`.execute(
        t.db,
      );
      await t.db.transaction().execute((tx) => upsertRome4(tx, rome4(), () => {}));
      expect(await counts()).toEqual(before);
      expect(await versionOf()).toEqual(untouched);
      const restored = await sql<{
        label: string;
      }>`select label from rome_skill where code = '100023'`.execute(t.db);
      expect(restored.rows[0]!.label).toBe('Abattre un arbre');
    });
  });
});
