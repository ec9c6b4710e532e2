import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { qualityService } from './quality-service.js';

/**
 * Match quality for analysts (issue 11 §3) on a hand-built case: two persons, known outcomes, an
 * exact precision@10; and who may read it.
 */
describe.each(testEngines())('match quality (%s)', (engine) => {
  let t: TestApp;
  let a: { id: string; department: string };
  let b: { id: string; department: string };
  const quality = () => qualityService(t.db, '84');

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    for (const table of ['match_outcome', 'match_feedback', 'match_suggestion'])
      await sql`delete from ${sql.table(table)}`.execute(t.db);
    const { rows: persons } = await sql<{ id: string; department: string }>`
      select person_id as id, department_code as department from match_person
      where department_code is not null order by person_id limit 2`.execute(t.db);
    [a, b] = persons as [typeof a, typeof b];
    const { rows: offers } = await sql<{
      id: string;
    }>`select offer_id as id from match_offer order by offer_id limit 12`.execute(t.db);
    const suggest = (person: string, preset: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        person_id: person,
        offer_id: offers[i]!.id,
        preset,
        rank: i + 1,
        score: 0.9 - i * 0.01,
        terms: JSON.stringify({}),
      }));
    // A: 10 suggestions (« Équilibré »); B: 5 (« Reconversion »).
    await t.db
      .insertInto('match_suggestion')
      .values([...suggest(a.id, 'standard', 10), ...suggest(b.id, 'reconversion', 5)])
      .execute();
    const outcome = (
      person: { id: string; department: string },
      offer: number,
      kind: string,
      rank: number | null,
      at: string,
      preset = 'standard',
    ) => ({
      person_id: person.id,
      offer_id: offers[offer]!.id,
      outcome: kind,
      suggested_rank: rank,
      suggested_preset: rank === null ? null : preset,
      department_code: person.department,
      recorded_at: new Date(at),
      recorded_by_label: 'Test',
    });
    await t.db
      .insertInto('match_outcome')
      .values([
        // A: rank 2 contacted then hired (one hit, not two), rank 5 contacted: 2 hits.
        outcome(a, 1, 'contacted', 2, '2026-03-01'),
        outcome(a, 1, 'hired', 2, '2026-04-01'),
        outcome(a, 4, 'contacted', 5, '2026-03-02'),
        // Not counted: ranked 11 when recorded, and not a suggestion at all.
        outcome(a, 10, 'contacted', 11, '2026-03-03'),
        outcome(a, 11, 'contacted', null, '2026-03-03'),
        // B: rank 1 interview, long ago: 1 hit.
        outcome(b, 0, 'interview', 1, '2020-01-15', 'reconversion'),
      ])
      .execute();
  });
  afterAll(() => t.close());

  it('computes precision@10 and the hit rate exactly', async () => {
    const r = await quality().report({ isSuperAdmin: true } as never, {});
    // 3 hits over the 15 suggestions shown (A: 10, B: 5): 20 %; both persons have a hit.
    expect(r.overall).toEqual({
      persons: 2,
      suggestions: 15,
      hits: 3,
      interviews: 1,
      hires: 1,
      personsWithHit: 2,
      precision: 0.2,
      hitRate: 1,
    });
    const byPreset = Object.fromEntries(r.byPreset.map((p) => [p.preset, [p.precision, p.persons]]));
    expect(byPreset).toMatchObject({ standard: [0.2, 1], reconversion: [0.2, 1], proximite: [null, 0] });
    // The period counts the outcomes recorded in it: B's interview of 2020 is left out.
    const recent = await quality().report({ isSuperAdmin: true } as never, {
      from: '2021-01-01',
      to: '2026-12-31',
    });
    expect(recent.overall).toMatchObject({ persons: 2, hits: 2, precision: 2 / 15, hitRate: 0.5 });
    const dep = await quality().report({ isSuperAdmin: true } as never, { department: a.department });
    expect(dep.overall.persons).toBe(a.department === b.department ? 2 : 1);
  });

  it('refuses bad filters with the field named', async () => {
    for (const [query, field] of [
      [{ department: 'xx' }, 'department'],
      [{ from: '2026-02-31' }, 'from'],
      [{ from: '2026-03-01', to: '2026-01-01' }, 'to'],
      [{ department: ['69', '38'] }, 'department'],
    ] as const)
      await expect(quality().report({ isSuperAdmin: true } as never, query)).rejects.toMatchObject({ field });
  });

  it('shows the page to an analyst of the Region, not to an employer’s counsellor', async () => {
    const analyst = await new Browser(t.app).login('analyste.region@passerelle.demo');
    const page = await analyst.get('/analyses/appariement');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Sur 100 offres suggérées en tête de liste, 20 ont mené à un contact');
    expect(page.body).toMatch(/Ensemble<\/th>(<td[^>]*>[^<]*<\/td>){5}<td class="fr-cell--right">20,0/);
    expect(page.body).not.toContain(a.id);
    const api = await analyst.get('/api/v1/matches/quality?from=2021-01-01', { accept: 'application/json' });
    expect(api.statusCode).toBe(200);
    expect(api.json().overall).toMatchObject({ hits: 2, precision: 2 / 15 });
    expect(
      (await analyst.get('/api/v1/matches/quality?department=zz', { accept: 'application/json' })).statusCode,
    ).toBe(400);

    // The employer's recruiter, made a counsellor of the employer: still no access.
    await sql`update membership set role = 'conseiller' where user_id =
      (select id from app_user where email = 'recruteur.employeur@passerelle.demo')`.execute(t.db);
    const employer = await new Browser(t.app).login('recruteur.employeur@passerelle.demo');
    expect((await employer.get('/analyses/appariement')).statusCode).toBe(403);
    expect((await employer.get('/api/v1/matches/quality', { accept: 'application/json' })).statusCode).toBe(
      403,
    );
    const counsellor = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
    expect((await counsellor.get('/analyses/appariement')).statusCode).toBe(403);
  });
});
