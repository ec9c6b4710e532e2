import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bruteForceTop,
  generateMatchingData,
  loadOffers,
  rankingDifferences,
} from '../../../bench/matching-data.js';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import type { Db } from '../../db/database.js';
import { memoryMailer } from '../../shared/mailer.js';
import { rematchUseCases } from './rematch-service.js';
import { matchRepository } from './repository.js';
import { PRESETS, type PresetName, STORED_SUGGESTIONS } from './rules.js';

/**
 * The proof that the SQL is right (issue 11 « the brute-force check agrees »): on a small generated
 * market, each person's top offers from the database (repository.ts topOffers, one statement for
 * all the persons) are those of score.ts matchOffer over every offer in process: same offers, same
 * order, same scores, same terms. The market is dense on purpose (Île-de-France, eight métiers linked
 * by mobility) so that every kind of match (appellation, wanted, past, close, remote) occurs; 20 of
 * the demo's persons (Auvergne-Rhône-Alpes, the demo's offers) are checked beside the 30 generated.
 */
const TODAY = new Date().toISOString().slice(0, 10);

describe.each(testEngines())('matching on %s: the database agrees with the brute force', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  let personIds: string[];

  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine, { demo: true }));
    await generateMatchingData(db, {
      offers: 400,
      persons: 30,
      today: TODAY,
      regionCode: '11',
      metiers: 8,
      log: () => {},
    });
    // The trades' tension, as computed each night (the score's tension term then has data).
    await rematchUseCases(db, {
      mailer: memoryMailer(),
      publicUrl: 'http://test.invalid',
      today: () => TODAY,
    }).refreshTensions();
    // The 30 generated persons, and 20 of the demo's (another shape: contracts always stated).
    const { rows } = await sql<{ id: string }>`
      (select id from person where notes like 'banc-matching:%' order by id)
      union all (select id from person where notes is null or notes not like 'banc-matching:%' order by md5(id::text) limit 20)`.execute(
      db,
    );
    personIds = rows.map((r) => r.id);
  });
  afterAll(() => drop());

  it.each(['standard', 'reconversion'] as PresetName[])(
    'gives every person the brute force’s top offers, in its order, with its scores (%s)',
    async (preset) => {
      const repo = matchRepository(db);
      const market = await loadOffers(repo);
      const persons = await repo.personFeatures(personIds);
      expect(persons).toHaveLength(personIds.length);
      const weights = PRESETS[preset].weights;
      const fromDatabase = await repo.topOffers(persons, preset, weights, STORED_SUGGESTIONS, TODAY);
      const differences: string[] = [];
      let compared = 0;
      const vias = new Set<string>();
      let remote = 0;
      let withTension = 0;
      let matched = 0;
      for (const person of persons) {
        const brute = bruteForceTop(person, market, preset, weights, TODAY, STORED_SUGGESTIONS);
        const found = fromDatabase.get(person.personId) ?? [];
        for (const d of rankingDifferences(found, brute)) differences.push(`${person.personId} ${d}`);
        compared += brute.length;
        if (brute.length) matched++;
        for (const m of brute) {
          vias.add(m.facts.via);
          if (m.facts.remote) remote++;
          if (m.terms.tension !== null) withTension++;
        }
      }
      expect(differences).toEqual([]);
      // Not vacuous: most persons have suggestions, and every way a person matches an offer is met
      // (the four job values, remote offers, the tension term).
      expect(matched).toBeGreaterThan(personIds.length / 2);
      expect(compared).toBeGreaterThan(personIds.length * 5);
      expect([...vias].sort()).toEqual(['appellation', 'close', 'past', 'wanted']);
      expect(remote).toBeGreaterThan(0);
      expect(withTension).toBeGreaterThan(0);
    },
  );
});
