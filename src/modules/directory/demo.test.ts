import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import type { Db } from '../../db/database.js';
import { DEMO_REGION_CODE, DEMO_SEED } from '../../demo.js';
import { seedDemoDirectory } from './demo.js';
import { directoryDemoRepository } from './demo-repository.js';
import { bigTowns } from './generator.js';

describe.each(testEngines())('directory demo (%s)', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine, { demo: true }));
  });
  afterAll(() => drop());

  it('seeds about 300 services and 60 to 80 structures, one for each organisation', async () => {
    const services = await db
      .selectFrom('directory_service')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(services.n).toBe(300);
    const structures = await db
      .selectFrom('directory_structure')
      .select([sql<number>`count(*)::int`.as('n'), sql<number>`count(organisation_id)::int`.as('linked')])
      .executeTakeFirstOrThrow();
    expect(structures.n).toBeGreaterThanOrEqual(60);
    expect(structures.n).toBeLessThanOrEqual(80);
    const organisations = await db
      .selectFrom('organisation')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(structures.linked).toBe(organisations.n);
    // Every service has a place to be searched at, in the region.
    const unplaced = await db
      .selectFrom('directory_service')
      .select(sql<number>`count(*)::int`.as('n'))
      .where((w) => w.or([w('place_latitude', 'is', null), w('place_department', 'is', null)]))
      .executeTakeFirstOrThrow();
    expect(unplaced.n).toBe(0);
  });

  it('has housing services within 20 km of each of the region’s big towns', async () => {
    const communes = (await directoryDemoRepository(db).communes(DEMO_REGION_CODE, 2000)).sort(
      (a, b) => b.population - a.population,
    );
    const towns = bigTowns(communes);
    expect(towns.length).toBeGreaterThanOrEqual(4);
    for (const town of towns) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from directory_service
        where exists (select 1 from unnest(thematiques) t where t like 'logement-hebergement--%')
          and earth_distance(ll_to_earth(${town.latitude}, ${town.longitude}),
            ll_to_earth(place_latitude, place_longitude)) <= 20000`.execute(db);
      expect(rows[0]!.n, town.name).toBeGreaterThan(0);
    }
  });

  it('gives the demo logins’ organisations their services', async () => {
    for (const email of [
      'conseiller.missionlocale@passerelle.demo',
      'conseiller.siae@passerelle.demo',
      'admin.francetravail@passerelle.demo',
      'accueil.mairie@passerelle.demo',
    ]) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from directory_service v
        join directory_structure s on s.id = v.structure_id
        join membership m on m.organisation_id = s.organisation_id
        join app_user u on u.id = m.user_id
        where u.email = ${email}`.execute(db);
      expect(rows[0]!.n, email).toBeGreaterThan(0);
    }
  });

  it('spreads services over thématiques, with some stale and some for the public', async () => {
    const { rows } = await sql<{ families: number; usagers: number; stale: number }>`
      select
        (select count(distinct split_part(t, '--', 1))::int from directory_service, unnest(thematiques) t) as families,
        (select count(*)::int from directory_service where 'usagers' = any(mobilisable_par)) as usagers,
        (select count(*)::int from directory_service where date_maj < current_date - 183) as stale`.execute(
      db,
    );
    expect(rows[0]!.families).toBeGreaterThanOrEqual(12);
    expect(rows[0]!.usagers).toBeGreaterThan(100);
    expect(rows[0]!.stale).toBeGreaterThan(30);
  });

  it('leaves a directory that holds records as it is', async () => {
    const again = await seedDemoDirectory({
      db,
      log: () => {},
      seed: DEMO_SEED,
      regionCode: DEMO_REGION_CODE,
      password: 'x',
      today: '2026-11-24',
    });
    expect(again).toBe(false);
  });
});
