import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formerList } from '../../../bench/persons-list-before.js';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import type { Db } from '../../db/database.js';
import { type ListFilters, personListRepository } from './list-repository.js';

/**
 * person_access (migration 0019) against what it stands for: the organisation's own files and those
 * shared with it, after every kind of write the triggers follow; and the list read through it
 * against the list as it was read before (straight from person and person_share), filter by filter.
 */
describe.each(testEngines())('person_access on %s', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine, { demo: true }));
  });
  afterAll(() => drop());

  /** The rows person_access holds that it should not, and those it lacks (both empty when in step). */
  async function drift() {
    const expected = sql`
      select p.referent_organisation_id as organisation_id, p.id as person_id, true as is_referent,
        p.last_name, p.first_name, p.name_key, p.france_travail_id, p.situations, p.birth_date,
        p.commune_code, p.available_from
      from person p
      union all
      select s.organisation_id, p.id, false, p.last_name, p.first_name, p.name_key, p.france_travail_id,
        p.situations, p.birth_date, p.commune_code, p.available_from
      from person_share s join person p on p.id = s.person_id where s.organisation_id <> p.referent_organisation_id`;
    const actual = sql`
      select organisation_id, person_id, is_referent, last_name, first_name, name_key, france_travail_id,
        situations, birth_date, commune_code, available_from from person_access`;
    const { rows } = await sql<{ n: number }>`
      select (select count(*)::int from (${actual} except all (${expected})) x)
        + (select count(*)::int from ((${expected}) except all ${actual}) y) as n`.execute(db);
    return rows[0]!.n;
  }

  it('is filled by the migration and follows the files and shares as they change', async () => {
    const { rows: orgs } = await sql<{ id: string }>`
      select distinct referent_organisation_id as id from person order by 1 limit 3`.execute(db);
    expect(orgs.length).toBe(3);
    const [a, b, c] = orgs.map((o) => o.id) as [string, string, string];
    expect(
      Number((await sql<{ n: number }>`select count(*)::int as n from person_access`.execute(db)).rows[0]!.n),
    ).toBeGreaterThan(0);
    expect(await drift()).toBe(0);

    const { rows: some } = await sql<{ id: string }>`
      select id from person where referent_organisation_id = ${a}::uuid order by id limit 3`.execute(db);
    const [p1, p2, p3] = some.map((s) => s.id) as [string, string, string];
    // An edit, a share, a share with the holder itself (listed once, as its own), a change of holder.
    await sql`update person set last_name = 'Zorglub', name_key = 'zorglub|x', situations = '{rqth}' where id = ${p1}::uuid`.execute(
      db,
    );
    await sql`delete from person_share where person_id in (${p1}::uuid, ${p2}::uuid)`.execute(db);
    await sql`insert into person_share (person_id, organisation_id, consent_on, recorded_by_label)
      values (${p1}::uuid, ${b}::uuid, '2026-01-01', 'test'), (${p2}::uuid, ${a}::uuid, '2026-01-01', 'test'),
        (${p2}::uuid, ${c}::uuid, '2026-01-01', 'test')`.execute(db);
    expect(await drift()).toBe(0);
    await sql`update person set referent_organisation_id = ${b}::uuid where id = ${p2}::uuid`.execute(db);
    expect(await drift()).toBe(0);
    await sql`update person_share set organisation_id = ${c}::uuid where person_id = ${p1}::uuid and organisation_id = ${b}::uuid`.execute(
      db,
    );
    expect(await drift()).toBe(0);
    await sql`delete from person_share where person_id = ${p2}::uuid and organisation_id = ${c}::uuid`.execute(
      db,
    );
    await sql`delete from person where id = ${p3}::uuid`.execute(db);
    expect(await drift()).toBe(0);
    // Inside a transaction rolled back: nothing left behind.
    await db
      .transaction()
      .execute(async (tx) => {
        await sql`update person set first_name = 'Annulé' where id = ${p1}::uuid`.execute(tx);
        throw new Error('rollback');
      })
      .catch(() => {});
    expect(await drift()).toBe(0);
  });

  it('lists what the files and shares listed before, filter by filter', async () => {
    const { rows } = await sql<{ org: string; last: string; ft: string; dep: string; commune: string }>`
      select p.referent_organisation_id as org, p.last_name as last, p.france_travail_id as ft,
        c.department_code as dep, p.commune_code as commune
      from person p join commune c on c.code = p.commune_code
      where p.france_travail_id is not null and exists (select 1 from person_share s where s.organisation_id = p.referent_organisation_id)
      order by p.id limit 1`.execute(db);
    const s = rows[0]!;
    const base: ListFilters = {
      organisationId: s.org,
      nameTokens: [],
      franceTravailId: null,
      scope: 'all',
      situation: null,
      situationReferentOnly: false,
      bornAfter: null,
      bornOnOrBefore: null,
      department: null,
      commune: null,
      availableOn: null,
      page: 1,
    };
    const token = s.last
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '')
      .slice(0, 3);
    const cases: Partial<ListFilters>[] = [
      {},
      { page: 3 },
      { scope: 'referent' },
      { scope: 'shared' },
      { nameTokens: [token] },
      { nameTokens: ['e', 'a'], scope: 'referent', page: 2 },
      { nameTokens: ['zzzz'], franceTravailId: s.ft },
      { franceTravailId: s.ft },
      { situation: 'rsa' },
      { situation: 'rqth', situationReferentOnly: true },
      { bornAfter: '2001-01-01', availableOn: '2026-06-01' },
      { bornOnOrBefore: '1975-01-01' },
      { department: s.dep },
      { commune: s.commune },
    ];
    const list = personListRepository(db);
    for (const c of cases) {
      const f = { ...base, ...c };
      const now = await list.list(f);
      const then = await formerList(db, f);
      expect({ case: c, total: now.total, items: now.items.map((i) => [i.id, i.isReferent]) }).toEqual({
        case: c,
        total: then.total,
        items: then.items.map((i) => [i.id, i.isReferent]),
      });
    }
  });
});
