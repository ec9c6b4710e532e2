import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { sampleFormation } from '../../../test/lheo-sample.js';
import { member, organisation } from '../../../test/persons-fixtures.js';
import { FUNDERS } from '../trainings/dictionaries.js';
import { importLheo } from '../trainings/importer.js';
import type { LheoFormation, LheoPlace, LheoSession } from '../trainings/lheo/model.js';
import { formationXml, LHEO_HEAD, LHEO_TAIL } from '../trainings/lheo/writer.js';
import { PLATFORM } from '../trainings/rights.js';
import {
  distanceValue,
  ENTRY_LEVEL_FRAMEWORK,
  FUNDER_NAMES,
  fundingOf,
  GAP_WEIGHTS,
  gapScore,
  JOBSEEKER_FUNDERS,
  REMOTE_DISTANCE_VALUE,
  startValue,
  tierOf,
} from './gap-rules.js';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('gap rules', () => {
  it('knows every funder code it names from the LHÉO dictionary, each in one set', () => {
    const all = [...JOBSEEKER_FUNDERS.public, ...JOBSEEKER_FUNDERS.partial];
    expect(all.filter((c) => !(c in FUNDERS))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(FUNDER_NAMES).filter((c) => !all.includes(c as never))).toEqual([]);
    expect(fundingOf(['10', '2'])).toBe('public');
    expect(fundingOf(['7'])).toBe('partial');
    expect(fundingOf(['5', '10', '17'])).toBe('none');
  });
  it('scores by the weights table and puts the unfunded or closed in the last tier', () => {
    expect(gapScore({ leads: 1, distance: 1, funding: 1, places: 1, start: 1 })).toBe(1);
    const total = Object.values(GAP_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(gapScore({ leads: 1, distance: 0, funding: 0, places: 0, start: 0 })).toBeCloseTo(
      GAP_WEIGHTS.leads / total,
      6,
    );
    expect(tierOf('public', 'open')).toBe(0);
    expect(tierOf('partial', 'openUnknown')).toBe(0);
    expect(tierOf('none', 'open')).toBe(1);
    expect(tierOf('public', 'closed')).toBe(1);
    expect(distanceValue(15, 30, false)).toBe(0.5);
    expect(distanceValue(300, 30, true)).toBe(REMOTE_DISTANCE_VALUE);
    expect(distanceValue(0, 30, false)).toBeGreaterThan(REMOTE_DISTANCE_VALUE);
    expect(startValue('2027-01-01', '2027-01-20')).toBe(1);
    expect(startValue('2027-01-01', '2027-12-01')).toBe(0);
    expect(ENTRY_LEVEL_FRAMEWORK['4']).toBe(3);
    expect(ENTRY_LEVEL_FRAMEWORK['14']).toBe(4);
  });
});

describe.each(testEngines())('se former on %s', (engine) => {
  let t: TestApp;
  let counsellor: Browser;
  let stranger: Browser;
  let personId = '';
  let offerId = '';
  /** Target appellation, its métier, a past job's appellation whose métier shares core skills. */
  const ref = { target: '', metier: '', trade: '', past: '', pastMetier: '', declared: '' };
  const titles: Record<string, string> = {};

  const base = sampleFormation(11, 1);
  const template = base.actions[0]!;
  const session = (n: string, start: string, state: '1' | '2', places: number | null): LheoSession => ({
    ...template.sessions[0]!,
    number: n,
    start,
    end: day(200),
    recruitmentState: state,
    placesTotal: places === null ? null : 12,
    placesRemaining: places,
  });
  async function placeIn(code: string): Promise<LheoPlace> {
    const c = (
      await sql<{ name: string; postal: string }>`
        select name, postal_codes[1] as postal from commune where code = ${code}`.execute(t.db)
    ).rows[0]!;
    return {
      ...template.place!,
      inseeCode: code,
      postalCode: c.postal,
      city: c.name,
      latitude: null,
      longitude: null,
      department: code.slice(0, 2),
    };
  }
  async function formation(
    key: string,
    o: {
      rome: string;
      commune: string;
      mode?: string;
      funders?: string[];
      state?: '1' | '2';
      start?: number;
    },
  ): Promise<LheoFormation> {
    titles[key] = `Formation ${key} au métier visé`;
    return {
      ...base,
      number: `F-GAP-${key}`,
      title: titles[key]!,
      romeCodes: [o.rome],
      actions: [
        {
          ...template,
          number: `A-GAP-${key}`,
          place: await placeIn(o.commune),
          teachingMode: o.mode ?? '0',
          funders: (o.funders ?? ['2']).map((code) => ({ code, places: 10, extras: [] })),
          sessions: [session(`S-${key}`, day(o.start ?? 20), o.state ?? '1', 4)],
        },
      ],
    };
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    // Two métiers sharing some core skills (ROME 4.0), each with an appellation.
    const pair = (
      await sql<{ target: string; metier: string; trade: string; past: string; past_metier: string }>`
        select a1.code as target, m1.code as metier, m1.trade_code as trade, a2.code as past, m2.code as past_metier
        from rome_metier m1 join rome_metier m2 on m2.code <> m1.code and m2.trade_code <> m1.trade_code
        join rome_appellation a1 on a1.metier_code = m1.code
        join rome_appellation a2 on a2.metier_code = m2.code
        where m1.code = m1.trade_code
          and exists (select 1 from rome_metier_skill x join rome_metier_skill y on y.skill_code = x.skill_code
            where x.metier_code = m1.code and y.metier_code = m2.code and x.core = 'principale' and y.core = 'principale')
          and (select count(*) from rome_metier_skill x where x.metier_code = m1.code and x.core = 'principale'
            and x.skill_code not in (select skill_code from rome_metier_skill where metier_code = m2.code and core = 'principale')) >= 2
        order by m1.code, m2.code, a1.code, a2.code limit 1`.execute(t.db)
    ).rows[0]!;
    Object.assign(ref, { ...pair, pastMetier: pair.past_metier });
    // A core skill of the target the person declares (not one of the past job's métier).
    ref.declared = (
      await sql<{ code: string }>`
        select skill_code as code from rome_metier_skill where metier_code = ${ref.metier} and core = 'principale'
          and skill_code not in (select skill_code from rome_metier_skill where metier_code = ${ref.pastMetier} and core = 'principale')
        order by skill_code limit 1`.execute(t.db)
    ).rows[0]!.code;

    const own = await organisation(t.db, 'mission_locale');
    const other = await organisation(t.db, 'cap_emploi');
    counsellor = await new Browser(t.app).login(await member(t.db, own));
    stranger = await new Browser(t.app).login(await member(t.db, other));
    const created = await counsellor.api('POST', '/api/v1/persons', {
      lastName: 'Lefèvre',
      firstName: 'Inès',
      birthDate: '1992-03-02',
      communeCode: '69123',
      wantedJobs: [ref.target],
      pastJobs: [{ appellationCode: ref.past, months: 24 }],
      skills: [ref.declared],
      legalBasis: 'public_service',
      informedOn: '2026-01-05',
    });
    expect(created.statusCode).toBe(201);
    personId = created.json().id;

    const employer = await organisation(t.db, 'employeur');
    offerId = (
      await sql<{ id: string }>`
        insert into job_offer (organisation_id, state, published_at, appellation_code, rome_code, title, description,
          commune_code, contract_type)
        values (${employer}, 'published', now(), ${ref.target}, ${ref.trade}, 'Offre du test', 'Description', '69123', 'CDI')
        returning id`.execute(t.db)
    ).rows[0]!.id;

    const formations = [
      await formation('PROCHE', { rome: ref.metier, commune: '69266' }), // Villeurbanne, ~5 km
      await formation('MOINS-PROCHE', { rome: ref.metier, commune: '38544', funders: ['4'] }), // Vienne, ~27 km
      await formation('LOIN', { rome: ref.metier, commune: '38185' }), // Grenoble, ~95 km
      await formation('DISTANCE', { rome: ref.metier, commune: '13055', mode: '2' }), // Marseille, at a distance
      await formation('NON-FINANCEE', { rome: ref.metier, commune: '69123', funders: ['10'] }),
      await formation('FERMEE', { rome: ref.metier, commune: '69123', state: '2' }),
      await formation('AUTRE-METIER', { rome: ref.pastMetier, commune: '69123' }),
    ];
    const bytes = Buffer.from(LHEO_HEAD + formations.map(formationXml).join('') + LHEO_TAIL);
    const outcome = await importLheo(t.db, {
      source: 'gap-test',
      mode: 'full',
      fileName: 'flux.xml',
      sizeBytes: bytes.length,
      open: async function* () {
        yield bytes;
      },
      maxBytes: 10e6,
      by: PLATFORM,
    });
    expect(outcome.counts.created).toBe(formations.length);
  });
  afterAll(() => t.close());

  const gap = (query: string) =>
    counsellor.api('GET', `/api/v1/matches/persons/${personId}/training-gap?${query}`);

  it('computes the missing core skills from the past job and the declared skills, by kind', async () => {
    const res = await gap(`appellation=${ref.target}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const { rows: core } = await sql<{ code: string }>`
      select skill_code as code from rome_metier_skill where metier_code = ${ref.metier} and core = 'principale'`.execute(
      t.db,
    );
    const { rows: fromPast } = await sql<{ code: string }>`
      select skill_code as code from rome_metier_skill where metier_code = ${ref.pastMetier} and core = 'principale'`.execute(
      t.db,
    );
    const heldSet = new Set([...fromPast.map((r) => r.code), ref.declared]);
    const missing = body.skills.groups.flatMap((g: { missing: { code: string }[] }) =>
      g.missing.map((s) => s.code),
    );
    const held = body.skills.groups.flatMap((g: { held: { code: string }[] }) => g.held.map((s) => s.code));
    expect(body.skills.coreCount).toBe(core.length);
    expect(missing.sort()).toEqual(
      core
        .map((r) => r.code)
        .filter((c) => !heldSet.has(c))
        .sort(),
    );
    expect(held).toContain(ref.declared);
    expect(held.length).toBeGreaterThan(1);
    expect(body.target).toMatchObject({ appellationCode: ref.target, metierCode: ref.metier });
  });

  it('ranks the near funded open trainings first, leaves out the far ones unless at a distance, and the unfunded or closed last', async () => {
    const body = (await gap(`appellation=${ref.target}`)).json();
    const order = body.trainings.map((x: { title: string }) => x.title);
    const at = (key: string) => order.indexOf(titles[key]);
    expect(at('LOIN')).toBe(-1);
    expect(at('AUTRE-METIER')).toBe(-1);
    expect(at('DISTANCE')).toBeGreaterThanOrEqual(0);
    expect(at('PROCHE')).toBeLessThan(at('MOINS-PROCHE'));
    for (const last of ['NON-FINANCEE', 'FERMEE'])
      for (const first of ['PROCHE', 'MOINS-PROCHE', 'DISTANCE']) expect(at(last)).toBeGreaterThan(at(first));
    const near = body.trainings[at('PROCHE')];
    expect(near).toMatchObject({ leads: 'metier', funding: 'public', places: 'open', tier: 0 });
    const texts = near.reasons.map((r: { text: string }) => r.text).join(' | ');
    expect(texts).toContain(`Mène au métier visé (ROME ${ref.metier})`);
    expect(texts).toContain('Financée par la Région');
    expect(texts).toMatch(/À \d+(,\d)? km/);
    expect(texts).toMatch(/4 places disponibles/);
    expect(body.trainings[at('NON-FINANCEE')]).toMatchObject({ funding: 'none', tier: 1 });
    expect(body.trainings[at('FERMEE')]).toMatchObject({ places: 'closed', tier: 1 });
  });

  it('takes an offer as the target, and refuses a bad target with a problem naming the field', async () => {
    const byOffer = await gap(`offerId=${offerId}`);
    expect(byOffer.statusCode).toBe(200);
    expect(byOffer.json().target).toMatchObject({ offerId, metierCode: ref.metier, label: 'Offre du test' });
    const cases: [string, string][] = [
      ['', 'appellation'],
      [`appellation=${ref.target}&offerId=${offerId}`, 'offerId'],
      ['appellation=999999', 'appellation'],
      ['offerId=6f1c4e0a-1b2c-4d5e-8f90-123456789abc', 'offerId'],
    ];
    for (const [query, field] of cases) {
      const res = await gap(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().field, query).toBe(field);
    }
    for (const query of ['appellation=aide-soignant', 'offerId=pas-un-uuid']) {
      const res = await gap(query);
      expect(res.statusCode, query).toBe(400);
      expect(JSON.stringify(res.json()), query).toMatch(/appellation|offerId/);
    }
    const page = await counsellor.get(`/personnes/${personId}/se-former?appellation=aide-soignant`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('choisissez le métier dans la liste proposée');
  });

  it('refuses an organisation that may not read the file, on the API and the pages', async () => {
    expect(
      (
        await stranger.api(
          'GET',
          `/api/v1/matches/persons/${personId}/training-gap?appellation=${ref.target}`,
        )
      ).statusCode,
    ).toBe(403);
    expect((await stranger.get(`/personnes/${personId}/se-former`)).statusCode).toBe(403);
    const action = (
      await sql<{ id: string }>`select id from training_action where lheo_number = 'A-GAP-PROCHE'`.execute(
        t.db,
      )
    ).rows[0]!.id;
    expect((await stranger.get(`/personnes/${personId}/se-former/formations/${action}`)).statusCode).toBe(
      403,
    );
  });

  it('shows the section on the first wanted job and opens the sheet prepared for the person, each read audited', async () => {
    const reads = async () =>
      (
        await sql<{ n: number }>`
          select count(*)::int as n from audit_log where action = 'person.read' and subject_id = ${personId}`.execute(
          t.db,
        )
      ).rows[0]!.n;
    const before = await reads();
    const page = await counsellor.get(`/personnes/${personId}/se-former`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('aria-current="page"');
    expect(page.body).toContain(titles.PROCHE);
    expect(page.body).not.toContain(titles.LOIN);
    const link = page.body
      .match(/href="(\/personnes\/[^"]+\/se-former\/formations\/[^"]+)"/)![1]!
      .replaceAll('&amp;', '&');
    expect(link).toContain(`appellation=${ref.target}`);
    const sheet = await counsellor.get(link);
    expect(sheet.statusCode).toBe(200);
    expect(sheet.body).toContain('Fiche préparée pour');
    expect(sheet.body).toContain('Pourquoi cette formation');
    expect(sheet.body).toContain('data-psl-print');
    expect(await reads()).toBe(before + 2);
    const fromOffer = await counsellor.get(`/personnes/${personId}/se-former?offre=${offerId}`);
    expect(fromOffer.statusCode).toBe(200);
    expect(fromOffer.body).toContain('Offre du test');
  });
});
