import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import type { Db } from '../../db/database.js';
import { parseSalary } from './ft-record.js';
import { importOffers } from './importer.js';
import { FeedStructureError, splitJsonRecords } from './json-stream.js';
import { offersService } from './service.js';

async function* chunked(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}
const collect = async (text: string, size = 3) => {
  const out: string[] = [];
  for await (const r of splitJsonRecords(chunked(text, size))) out.push(r);
  return out;
};

describe('the streaming JSON record splitter', () => {
  it('splits a JSON array and NDJSON alike, across chunk boundaries, strings and nesting kept', async () => {
    const records = [
      { id: 'a', t: 'x } ] { "y' },
      { id: 'b', n: [1, { z: '\\"' }] },
    ];
    const array = JSON.stringify(records, null, 1);
    const ndjson = records.map((r) => JSON.stringify(r)).join('\n');
    for (const text of [array, ndjson, `\uFEFF${array}`])
      expect((await collect(text)).map((r) => JSON.parse(r))).toEqual(records);
    expect(await collect('[]')).toEqual([]);
  });

  it('names the record and the offset of a broken structure', async () => {
    await expect(collect('[{"id":"a"} {"id":"b"}]')).rejects.toThrow(/enregistrement 2.*« , » ou « \] »/);
    await expect(collect('[{"id":"a"},{"id":')).rejects.toBeInstanceOf(FeedStructureError);
    await expect(collect('[{"id":"a"}')).rejects.toThrow(/tableau non terminé/);
    await expect(collect('"texte"')).rejects.toThrow(/octet 0/);
  });

  it('reads FT salary labels as monthly cents', () => {
    expect(parseSalary('Mensuel de 1800.00 Euros à 2000.00 Euros sur 12 mois')).toEqual({
      min: 180000,
      max: 200000,
    });
    expect(parseSalary('Annuel de 24000 Euros')).toEqual({ min: 200000, max: 200000 });
    expect(parseSalary('Selon profil')).toEqual({ min: null, max: null });
  });
});

describe.each(testEngines())('France Travail offers import on %s', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  const refs = { rome: '', appellation: '', commune: '', skill: '' };
  const record = (id: string, over: Record<string, unknown> = {}) => ({
    id,
    intitule: `Offre ${id}`,
    description: 'Description',
    dateCreation: '2026-01-05T10:00:00.000Z',
    dateActualisation: '2026-01-06T10:00:00.000Z',
    lieuTravail: { libelle: '69 - Lyon', commune: refs.commune },
    romeCode: refs.rome,
    appellationlibelle: refs.appellation,
    typeContrat: 'CDD',
    typeContratLibelle: 'Contrat à durée déterminée - 6 Mois',
    natureContrat: 'Contrat travail',
    experienceExige: 'D',
    competences: [
      { code: refs.skill, libelle: 'connue', exigence: 'E' },
      { code: '999999', libelle: 'ROME v3 seulement', exigence: 'S' },
    ],
    permis: [{ libelle: 'B - Véhicule léger Exigé', exigence: 'E' }],
    salaire: { libelle: 'Mensuel de 1900.00 Euros à 2100.00 Euros sur 12 mois' },
    dureeTravailLibelle: '35H Horaires normaux',
    dureeTravailLibelleConverti: 'Temps plein',
    nombrePostes: 1,
    accessibleTH: false,
    entreprise: { nom: 'ENTREPRISE TEST', siret: '12345678901234' },
    origineOffre: { urlOrigine: 'https://candidat.francetravail.fr/offres/recherche/detail/X' },
    ...over,
  });
  const run = (records: unknown[] | string, full = false, ndjson = false) =>
    importOffers(
      db,
      chunked(
        typeof records === 'string'
          ? records
          : ndjson
            ? records.map((r) => JSON.stringify(r)).join('\n')
            : JSON.stringify(records),
        4096,
      ),
      { source: 'ft-test', fileName: 'offres.json', full },
    );
  const issues = async (importId: string) =>
    (
      await sql<{ record_index: number; record_id: string | null; field: string; severity: string }>`
        select record_index, record_id, field, severity from job_offer_import_issue where import_id = ${importId} order by id`.execute(
        db,
      )
    ).rows;

  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine));
    const { rows } = await sql<{ code: string; label: string; rome_code: string }>`
      select a.code, a.label, a.rome_code from rome_appellation a order by a.code limit 1`.execute(db);
    refs.rome = rows[0]!.rome_code;
    refs.appellation = rows[0]!.label;
    refs.commune = (await sql<{ code: string }>`select code from commune order by code limit 1`.execute(db))
      .rows[0]!.code;
    refs.skill = (await sql<{ code: string }>`select code from rome_skill order by code limit 1`.execute(db))
      .rows[0]!.code;
  }, 120_000);
  afterAll(() => drop?.());

  it('imports, is idempotent, updates what changed, and a full feed withdraws what is absent', async () => {
    const first = await run([record('1'), record('2'), record('3')], true);
    expect(first).toMatchObject({ records: 3, created: 3, rejected: 0, withdrawn: 0, error: null });
    expect(first.warnings).toBe(3); // the ROME v3 skill of each record
    const stored = (
      await sql<
        Record<string, unknown>
      >`select * from job_offer where source = 'ft-test' and source_id = '1'`.execute(db)
    ).rows[0]!;
    expect(stored).toMatchObject({
      state: 'published',
      rome_code: refs.rome,
      contract_type: 'CDD',
      duration_months: 6,
      working_time: 'full_time',
      required_skills: [refs.skill],
      wished_skills: [],
      driving_licences: ['B'],
      employer_name: 'ENTREPRISE TEST',
    });
    expect(stored.appellation_code).not.toBeNull();
    expect(Number(stored.salary_min_cents)).toBe(190000);

    const again = await run([record('1'), record('2'), record('3')], true, true);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, withdrawn: 0 });

    // A full feed of 2 out of 3: « 3 » withdrawn; « 2 » changed.
    const fewer = await run([record('1'), record('2', { nombrePostes: 4 })], true);
    expect(fewer).toMatchObject({ created: 0, updated: 1, unchanged: 1, withdrawn: 1 });
    const { rows } = await sql<{ to_state: string; reason: string }>`
      select t.to_state, t.reason from job_offer_transition t join job_offer o on o.id = t.offer_id
      where o.source_id = '3' order by t.id`.execute(db);
    expect(rows.map((r) => r.to_state)).toEqual(['published', 'closed']);
    // Back in the feed: published again, the transition logged.
    const back = await run([record('3')]);
    expect(back).toMatchObject({ updated: 1, withdrawn: 0 });

    // A full feed that would withdraw more than it brings is held.
    const tiny = await run([record('1')], true);
    expect(tiny).toMatchObject({ withdrawn: 0, heldWithdrawal: 2 });
    const audit = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'job_offer_import.done'`.execute(db);
    expect(audit.rows[0]!.n).toBe(5);
  });

  it('rejects each bad record naming it and its field, and keeps the others', async () => {
    const feed = `[${[
      JSON.stringify(record('10')),
      JSON.stringify(record('10')),
      JSON.stringify(record('11', { nombrePostes: -2 })),
      JSON.stringify(record('12', { nombrePostes: 'deux' })),
      JSON.stringify(record('13', { romeCode: 'Z9999' })),
      JSON.stringify(record('14', { salaire: { libelle: 'Mensuel de 3000 Euros à 2000 Euros' } })),
      JSON.stringify(record('15', { typeContrat: 'XXX' })),
      JSON.stringify(record('16', { accessibleTH: 'oui' })),
      '{"id": "17", "intitule": }',
      JSON.stringify(record('18', { intitule: undefined })),
      JSON.stringify(record('19', { entreprise: { nom: 'A\u0000B' } })),
    ].join(',\n')}]`;
    const r = await run(feed);
    expect(r).toMatchObject({ records: 11, created: 1, rejected: 10, error: null });
    const rejections = (await issues(r.importId)).filter((i) => i.severity === 'rejection');
    expect(rejections.map((i) => [i.record_index, i.record_id, i.field])).toEqual([
      [1, '10', 'id'],
      [2, '11', 'nombrePostes'],
      [3, '12', 'nombrePostes'],
      [4, '13', 'romeCode'],
      [5, '14', 'salaire/libelle'],
      [6, '15', 'typeContrat'],
      [7, '16', 'accessibleTH'],
      [8, null, ''],
      [9, '18', 'intitule'],
      [10, '19', 'entreprise/nom'],
    ]);
  });

  it('rejects an id read in an earlier batch of the feed as in the same one, and forgets the ids after', async () => {
    // Past one batch (1,000 records): the ids of earlier batches are in job_offer_import_seen.
    const records = Array.from({ length: 1003 }, (_, i) => record(`b${i}`));
    records.push(record('b5', { nombrePostes: 3 }), record('b1002'));
    const r = await run(records, false, true);
    expect(r).toMatchObject({ records: 1005, created: 1003, rejected: 2, error: null });
    const rejections = (await issues(r.importId)).filter((i) => i.severity === 'rejection');
    expect(rejections.map((i) => [i.record_index, i.record_id, i.field])).toEqual([
      [1003, 'b5', 'id'],
      [1004, 'b1002', 'id'],
    ]);
    const positions = await sql<{ positions: number }>`
      select positions from job_offer where source = 'ft-test' and source_id = 'b5'`.execute(db);
    expect(positions.rows[0]!.positions).toBe(1);
    const seen = await sql<{ n: number }>`select count(*)::int as n from job_offer_import_seen`.execute(db);
    expect(seen.rows[0]!.n).toBe(0);
  });

  it('expires published offers past their date, each transition logged', async () => {
    await sql`update job_offer set expires_on = '2026-01-10' where source = 'ft-test' and source_id = '1'`.execute(
      db,
    );
    expect(await offersService(db, { today: () => '2026-01-11' }).expireDue()).toBe(1);
    const { rows } = await sql<{ state: string; to_state: string }>`
      select o.state, t.to_state from job_offer o join job_offer_transition t on t.offer_id = o.id
      where o.source = 'ft-test' and o.source_id = '1' order by t.id desc limit 1`.execute(db);
    expect(rows[0]).toEqual({ state: 'expired', to_state: 'expired' });
    expect(await offersService(db, { today: () => '2026-01-11' }).expireDue()).toBe(0);
  });

  it('stops a malformed feed at the broken record, keeps what came before and withdraws nothing', async () => {
    const r = await run(`[${JSON.stringify(record('20'))} ${JSON.stringify(record('21'))}]`, true);
    expect(r.error).toMatch(/enregistrement 2/);
    expect(r).toMatchObject({ created: 1, withdrawn: 0 });
    const status = await sql<{
      status: string;
    }>`select status from job_offer_import where id = ${r.importId}`.execute(db);
    expect(status.rows[0]!.status).toBe('failed');
  });
});
