import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import { sampleFormation } from '../../../test/lheo-sample.js';
import type { Db } from '../../db/database.js';
import type { Actor } from '../identity/model.js';
import { importLheo } from './importer.js';
import type { LheoFormation, LheoSession } from './lheo/model.js';
import { formationXml, LHEO_HEAD, LHEO_TAIL } from './lheo/writer.js';
import { PLATFORM } from './rights.js';
import { refreshSearchProjection } from './search-repository.js';
import { trainingsService } from './service.js';

const TODAY = '2026-11-23';
const SOURCE = 'projection';

const base = sampleFormation(5, 1);
const template = base.actions[0]!;
const session = (
  number: string,
  start: string,
  places: number | null,
  state: '1' | '2' = '1',
): LheoSession => ({
  ...template.sessions[0]!,
  number,
  start,
  end: '2027-06-30',
  recruitmentState: state,
  placesTotal: places === null ? null : Math.max(places, 10),
  placesRemaining: places,
});
/** One formation whose actions each hold one case of "what is the next start, is it open". */
const formation = (actions: Record<string, LheoSession[]>): LheoFormation => ({
  ...base,
  number: 'F-PROJECTION',
  actions: Object.entries(actions).map(([number, sessions]) => ({ ...template, number, sessions })),
});
const cases = () =>
  formation({
    // Started last month, still running: a counsellor can no longer send anyone to it.
    'A-PASSEE': [session('S1', '2026-10-01', 5), session('S2', '2026-12-01', null)],
    // The nearest session is full: it is the next start, but not an open one.
    'A-COMPLETE': [session('S1', '2026-12-10', 0), session('S2', '2027-01-15', 3)],
    'A-TERMINEE': [{ ...session('S1', '2026-09-01', 5), end: '2026-10-01' }],
    'A-SANS-PLACE': [session('S1', '2026-12-05', 0)],
  });

const file = (...formations: LheoFormation[]) =>
  Buffer.from(LHEO_HEAD + formations.map(formationXml).join('') + LHEO_TAIL);
async function* once(bytes: Buffer) {
  yield bytes;
}
const importFull = (db: Db, bytes: Buffer) =>
  importLheo(db, {
    source: SOURCE,
    mode: 'full',
    fileName: 'flux.xml',
    sizeBytes: bytes.length,
    open: () => once(bytes),
    maxBytes: 10e6,
    by: PLATFORM,
  });

describe.each(testEngines())('search projection on %s', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  let service: ReturnType<typeof trainingsService>;
  let manager: Actor;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine));
    const organisation = await db
      .insertInto('organisation')
      .values({ name: 'Organisme du test', kind: 'organisme_formation', siret: base.provider.siret })
      .returning('id')
      .executeTakeFirstOrThrow();
    manager = {
      via: 'session',
      userId: null,
      label: 'Gestionnaire du test',
      isSuperAdmin: false,
      organisationId: organisation.id,
      role: 'gestionnaire',
      memberships: [],
      ip: null,
    };
    service = trainingsService(db, {
      maxImportBytes: 10e6,
      uploadDir: '.tmp/uploads',
      uploadQuotaBytes: 10e6,
      today: () => TODAY,
    });
    expect((await importFull(db, file(cases()))).status).toBe('done');
  });
  afterAll(() => drop());

  const results = async (q: Record<string, string> = {}) => {
    const found = await service.search({ perPage: '100', ...q });
    const { rows } = await sql<{ id: string; number: string }>`
      select id, lheo_number as number from training_action`.execute(db);
    const numbers = new Map(rows.map((r) => [r.id, r.number]));
    return { ...found, byNumber: new Map(found.items.map((i) => [numbers.get(i.actionId)!, i])) };
  };
  /** The projection as rows, for comparing an incremental refresh with a full rebuild. */
  const projection = async () =>
    (
      await sql<{ line: string }>`
        select string_agg(action_id::text || training_id::text || search_vector::text || coalesce(earth::text, '') || starts::text
          || open_starts::text || last_start || funder_codes::text, '|' order by action_id) as line
        from catalogue_search`.execute(db)
    ).rows[0]!.line;

  it('never offers a session that already began as the next start', async () => {
    const { byNumber, total } = await results();
    expect(byNumber.get('A-PASSEE')?.nextStart).toBe('2026-12-01');
    // Its only session began: the action is not offered at all.
    expect(byNumber.has('A-TERMINEE')).toBe(false);
    expect(total).toBe(3);
    for (const item of byNumber.values()) expect(item.nextStart >= TODAY).toBe(true);
    // A period asked that only the past session falls in finds nothing.
    const september = await results({ startFrom: '2026-09-01', startTo: '2026-11-01' });
    expect(september.total).toBe(0);
  });

  it('never calls a session with 0 places open, and keeps unknown places unknown (never 0)', async () => {
    const { byNumber } = await results();
    const full = byNumber.get('A-COMPLETE')!;
    expect(full).toMatchObject({
      nextStart: '2026-12-10',
      nextState: '1',
      placesRemaining: 0,
      nextOpen: false,
    });
    expect(full.nextOpenStart).toBe('2027-01-15');
    expect(byNumber.get('A-SANS-PLACE')).toMatchObject({ nextOpen: false, nextOpenStart: null });
    const unknown = byNumber.get('A-PASSEE')!;
    expect(unknown).toMatchObject({ placesRemaining: null, nextOpen: true, nextOpenStart: '2026-12-01' });

    const open = await results({ openPlaces: 'true' });
    expect([...open.byNumber.keys()].sort()).toEqual(['A-COMPLETE', 'A-PASSEE']);
    // With "places available", the result offers the open session, not the full one before it.
    expect(open.byNumber.get('A-COMPLETE')).toMatchObject({
      nextStart: '2027-01-15',
      placesRemaining: 3,
      nextOpen: true,
    });
    expect(open.byNumber.get('A-PASSEE')!.placesRemaining).toBeNull();
  });

  it('follows an organisation’s edit of its own offer, in the same transaction', async () => {
    const { rows } = await sql<{ id: string }>`
      select s.id from training_session s join training_action a on a.id = s.action_id
      where a.lheo_number = 'A-SANS-PLACE'`.execute(db);
    await service.updateSession(manager, rows[0]!.id, { placesRemaining: 4 });
    const open = await results({ openPlaces: 'true' });
    expect(open.byNumber.get('A-SANS-PLACE')).toMatchObject({ nextStart: '2026-12-05', placesRemaining: 4 });
    const { rows: actions } = await sql<{ id: string }>`
      select a.id from training_action a where a.lheo_number = 'A-TERMINEE'`.execute(db);
    await service.addSession(manager, (await results()).items[0]!.trainingId, actions[0]!.id, {
      start: '2027-02-01',
      end: '2027-03-01',
    });
    expect((await results()).byNumber.get('A-TERMINEE')?.nextStart).toBe('2027-02-01');
    await service.updateText(manager, (await results()).items[0]!.trainingId, {
      title: 'Chaudronnier soudeur en atelier',
    });
    const { rows: text } = await sql<{ n: number }>`
      select count(*)::int as n from catalogue_search
      where search_vector @@ to_tsquery('french', 'chaudronnier')`.execute(db);
    expect(text[0]!.n).toBe(4);
    // What the writes left is what a rebuild from the catalogue gives.
    const incremental = await projection();
    await refreshSearchProjection(db, 'all');
    expect(await projection()).toBe(incremental);
  });

  it('follows an import that changes sessions, and a full feed’s withdrawal', async () => {
    const changed = cases();
    changed.actions = changed.actions
      .filter((a) => a.number !== 'A-SANS-PLACE')
      .map((a) => (a.number === 'A-COMPLETE' ? { ...a, sessions: [session('S1', '2026-12-10', 2)] } : a));
    const other: LheoFormation = {
      ...base,
      number: 'F-AUTRE',
      title: 'Boulanger pâtissier',
      actions: [{ ...template, number: 'B-1', sessions: [session('S1', '2027-01-10', 8)] }],
    };
    const outcome = await importFull(db, file(changed, other));
    expect(outcome.status).toBe('done');
    const after = await results();
    expect(after.byNumber.has('A-SANS-PLACE')).toBe(false);
    expect(after.byNumber.get('A-COMPLETE')).toMatchObject({ nextOpen: true, placesRemaining: 2 });
    expect(after.byNumber.has('B-1')).toBe(true);
    // A full feed without the formation withdraws it: it leaves the search with it.
    expect((await importFull(db, file(other))).counts.withdrawn).toBe(1);
    expect([...(await results()).byNumber.keys()]).toEqual(['B-1']);
    const incremental = await projection();
    await refreshSearchProjection(db, 'all');
    expect(await projection()).toBe(incremental);
  });
});
