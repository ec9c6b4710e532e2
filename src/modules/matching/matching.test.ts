import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { matchRepository } from './repository.js';
import { PRESETS, type PresetName } from './rules.js';
import { byRank, type Match, matchOffer, type OfferFeatures } from './score.js';

const TODAY = new Date().toISOString().slice(0, 10);

/**
 * The SQL ranking agrees with the in-process scorer (score.ts) on the demo region: same offers,
 * same order, same scores, for every demo person and two presets (issue 11 « brute-force check »).
 */
describe.each(testEngines())('matching on the demo region (%s)', (engine) => {
  let t: TestApp;
  const offers: OfferFeatures[] = [];
  let tensions = new Map<string, { offers: number; seekers: number }>();

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const repo = matchRepository(t.db);
    for await (const batch of repo.allOffers()) offers.push(...batch);
    tensions = await repo.tensions();
  });
  afterAll(() => t.close());

  const brute = (
    person: Awaited<ReturnType<ReturnType<typeof matchRepository>['personFeatures']>>[number],
    preset: PresetName,
  ) =>
    offers
      .map((o) =>
        matchOffer(
          person,
          o,
          preset,
          PRESETS[preset].weights,
          TODAY,
          tensions.get(`${o.zoneCode}|${o.metierCode}`),
        ),
      )
      .filter((m): m is Match => m !== null)
      .sort(byRank)
      .slice(0, 20);

  it.each(['standard', 'reconversion'] as const)(
    'ranks every demo person’s offers as the brute force does (%s)',
    async (preset) => {
      const repo = matchRepository(t.db);
      const ids = (
        await sql<{ person_id: string }>`select person_id from match_person order by person_id`.execute(t.db)
      ).rows.map((r) => r.person_id);
      expect(ids.length).toBeGreaterThan(10);
      const persons = await repo.personFeatures(ids);
      const got = await repo.topOffers(persons, preset, PRESETS[preset].weights, 20, TODAY);
      let withSuggestions = 0;
      for (const p of persons) {
        const expected = brute(p, preset);
        const actual = got.get(p.personId) ?? [];
        if (expected.length > 0) withSuggestions++;
        expect(actual.map((m) => [m.offerId, m.score])).toEqual(expected.map((m) => [m.offerId, m.score]));
        // Terms agree to the last bits of the trigonometry (PostgreSQL's libm and V8's differ by an ulp).
        const rounded = (m: Match) =>
          Object.values(m.terms).map((v) => (v === null ? null : Math.round(v * 1e9)));
        expect(actual.map(rounded)).toEqual(expected.map(rounded));
      }
      expect(withSuggestions).toBeGreaterThan(ids.length / 3);
    },
  );
});
