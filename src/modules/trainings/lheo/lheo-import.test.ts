import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines } from '../../../../test/databases.js';
import { sampleFormation } from '../../../../test/lheo-sample.js';
import type { Db } from '../../../db/database.js';
import { importRepository } from '../import-repository.js';
import { importLheo } from '../importer.js';
import { PLATFORM } from '../rights.js';
import { READER_LIMITS } from './guard.js';
import type { LheoFormation } from './model.js';
import { formationXml, LHEO_HEAD, LHEO_TAIL } from './writer.js';

const sample = () => sampleFormation(3, 2);

async function* chunks(file: Buffer | string, size = 64 * 1024) {
  const all = Buffer.from(file);
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}
const run = (db: Db, source: string, open: () => AsyncIterable<Uint8Array>) =>
  importLheo(db, {
    source,
    mode: 'full',
    fileName: 'flux.xml',
    sizeBytes: 0,
    open,
    maxBytes: 500e6,
    by: PLATFORM,
  });
const count = async (db: Db, source: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from training where source = ${source}`.execute(db))
    .rows[0]!.n;

describe.each(testEngines())('LHÉO import on %s: hostile numbers and files', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine));
  });
  afterAll(() => drop());

  it('stores every number at its bound, and rejects only the records past one (the rest is imported)', async () => {
    const f = sample();
    const a = f.actions[0]!;
    const s = a.sessions[0]!;
    const formation: LheoFormation = {
      ...f,
      actions: [
        {
          ...a,
          number: 'AUX-BORNES',
          hoursCentre: 99_999,
          hoursCompany: 99_999,
          priceHourly: 999_999,
          priceTotal: 9_999_999_999,
          funders: [{ code: '2', places: 99_999, extras: [] }],
          sessions: [
            { ...s, number: 'S-BORNES', placesTotal: 99_999, placesRemaining: 99_999 },
            { ...s, number: 'S-PLACES', placesTotal: 99_999_999_999, placesRemaining: null },
            { ...s, number: 'S-AN-ZERO', start: '0000-01-01' },
          ],
        },
        { ...a, number: 'HEURES', hoursCentre: 1e20 },
        { ...a, number: 'PRIX', priceTotal: 1e20 },
        { ...a, number: 'FINANCES', funders: [{ code: '2', places: 99_999_999_999, extras: [] }] },
      ],
    };
    const outcome = await run(db, 'bornes', () =>
      chunks(`${LHEO_HEAD}${formationXml(formation)}${LHEO_TAIL}`),
    );
    expect(outcome.status).toBe('done');
    expect(outcome.counts).toMatchObject({ created: 1, actions: 1, sessions: 1 });
    expect(outcome.rejected).toBe(5);
    const { rows } = await sql<Record<string, unknown>>`
      select a.lheo_number as action, a.hours_centre, a.hours_company, a.price_hourly, a.price_total,
        s.lheo_number as session, s.places_total, s.places_remaining, f.places
      from training t join training_action a on a.training_id = t.id
      join training_session s on s.action_id = a.id join action_funder f on f.action_id = a.id
      where t.source = 'bornes'`.execute(db);
    expect(rows).toEqual([
      {
        action: 'AUX-BORNES',
        hours_centre: 99_999,
        hours_company: 99_999,
        price_hourly: 999_999,
        price_total: 9_999_999_999,
        session: 'S-BORNES',
        places_total: 99_999,
        places_remaining: 99_999,
        places: 99_999,
      },
    ]);
    const rejections = await sql<{ element: string; record: string; reason: string }>`
      select r.element, r.record, r.reason from lheo_rejection r join lheo_import i on i.id = r.import_id
      where i.id = ${outcome.id} order by r.id`.execute(db);
    const n = String(f.number);
    expect(
      rejections.rows.map((r) => `${r.record} | ${r.element} | ${r.reason.replace(/\u202f/g, ' ')}`),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^formation ${n} / action AUX-BORNES / session S-PLACES \\| extra \\| <places-totales> : 99999999999 dépasse le maximum 99 999`,
          ),
        ),
        expect.stringMatching(/session S-AN-ZERO \| debut \| .*hors des bornes/),
        expect.stringMatching(
          /action HEURES \| nombre-heures-centre \| <nombre-heures-centre> : 100000000000000000000 dépasse le maximum 99 999/,
        ),
        expect.stringMatching(/action PRIX \| prix-total-TTC \| .*dépasse le maximum 9 999 999 999/),
        expect.stringMatching(/action FINANCES \| nb-places-financees \| .*dépasse le maximum 99 999/),
      ]),
    );
  });

  it('refuses a memory bomb as a whole, early, and changes nothing', async () => {
    await run(db, 'bombe', () => chunks(`${LHEO_HEAD}${formationXml(sample())}${LHEO_TAIL}`));
    expect(await count(db, 'bombe')).toBe(1);
    let pulled = 0;
    async function* bomb() {
      yield Buffer.from(
        `${LHEO_HEAD}${formationXml({ ...sample(), number: 'AUTRE' })}<formation numero="X"><contenu-formation><![CDATA[`,
      );
      const unit = Buffer.alloc(64 * 1024, 'a');
      while (pulled < 300e6) {
        pulled += unit.length;
        yield unit;
      }
    }
    const outcome = await run(db, 'bombe', bomb);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(
      /^Section CDATA de plus de 1.000.000 caractères dans <contenu-formation> .*\(ligne \d+, colonne \d+\)$/,
    );
    expect(pulled).toBeLessThan(READER_LIMITS.cdata + 3 * 64 * 1024);
    expect(await count(db, 'bombe')).toBe(1);
    const runs = await sql<{ status: string; error: string }>`
      select status, error from lheo_import where id = ${outcome.id}`.execute(db);
    expect(runs.rows[0]).toEqual({ status: 'failed', error: outcome.error });
  });

  it('refuses UTF-8 bytes declared ISO-8859-1 instead of importing mojibake', async () => {
    const xml = `${LHEO_HEAD}${formationXml({ ...sample(), title: 'Électricien' })}${LHEO_TAIL}`.replace(
      'encoding="UTF-8"',
      'encoding="ISO-8859-1"',
    );
    const outcome = await run(db, 'latin', () => chunks(xml));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(
      /déclare l’encodage « ISO-8859-1 » mais ses octets sont en UTF-8 \(« . » deviendrait « Ã. »\) : corrigez la déclaration/,
    );
    expect(await count(db, 'latin')).toBe(0);
  });

  it('closes runs a dead process left running, whatever their source, at the next import and at the start of an embedded database', async () => {
    const repo = importRepository(db);
    const left = async (source: string) =>
      (
        await repo.create({
          source,
          mode: 'full',
          fileName: 'tue.xml',
          sizeBytes: 1,
          createdBy: null,
          organisationId: null,
        })
      ).id;
    const status = async (id: string) =>
      (
        await sql<{
          status: string;
          error: string | null;
        }>`select status, error from lheo_import where id = ${id}`.execute(db)
      ).rows[0];
    const [a, b] = [await left('mort-a'), await left('mort-b')];
    await run(db, 'mort-a', () => chunks(`${LHEO_HEAD}${LHEO_TAIL}`));
    expect(await status(a)).toEqual({
      status: 'failed',
      error:
        'Import interrompu avant la fin (processus arrêté : redémarrage, mémoire épuisée…) : rien n’a été modifié.',
    });
    // No live import holds b's row (lockRun): it was left by a dead process too.
    expect((await status(b))!.status).toBe('failed');
    // What prepareDatabase (server start) and the import CLI run on PGlite, this process being its only owner.
    const c = await left('mort-c');
    await repo.closeInterrupted();
    expect((await status(c))!.status).toBe('failed');
  });
});
