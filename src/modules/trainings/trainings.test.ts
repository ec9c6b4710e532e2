import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { lheoXsdErrors } from '../../../test/lheo-xsd.js';
import type { Db } from '../../db/database.js';
import { DEMO_REGION_CODE } from '../../demo.js';
import { feedBytes, feedInputs } from './feed.js';
import { importLheo } from './importer.js';
import { PLATFORM } from './rights.js';
import { refreshSearchProjection } from './search-repository.js';
import { trainingsService } from './service.js';

async function collect(source: AsyncIterable<Uint8Array>) {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return Buffer.concat(parts);
}
async function* chunks(buffer: Buffer, failAfter = Number.POSITIVE_INFINITY) {
  for (let i = 0; i < buffer.length; i += 64 * 1024) {
    if (i >= failAfter) throw new Error('processus tué');
    yield buffer.subarray(i, i + 64 * 1024);
  }
}
const run = (db: Db, file: Buffer, source: string, mode: 'full' | 'partial' = 'full', failAfter?: number) =>
  importLheo(db, {
    source,
    mode,
    fileName: 'flux.xml',
    sizeBytes: file.length,
    // The "kill" happens halfway through the file, after several batches were written.
    open: () => chunks(file, failAfter),
    maxBytes: 50e6,
    batchSize: 20,
    by: PLATFORM,
  });
/** What the catalogue holds for a source, without ids or timestamps. */
async function state(db: Db, source: string) {
  const { rows } = await sql<{ f: string }>`
    select md5(string_agg(line, '|' order by line)) as f from (
      select t.lheo_number || t.status || t.content_hash || a.lheo_number || a.status || coalesce(a.department_code, '')
        || s.lheo_number || s.status || s.start_date || s.places_remaining as line
      from training t join training_action a on a.training_id = t.id join training_session s on s.action_id = a.id
      where t.source = ${source}) x`.execute(db);
  return rows[0]!.f;
}

describe.each(testEngines())('training catalogue on %s', (engine) => {
  let t: TestApp;
  let feed: Buffer;
  let smaller: Buffer;
  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const inputs = await feedInputs(t.db, DEMO_REGION_CODE);
    const options = {
      seed: 7,
      sessions: 300,
      appellations: inputs.appellations,
      communes: inputs.communes,
      today: '2026-11-23',
      numberPrefix: 'T',
    };
    feed = await collect(feedBytes(options));
    smaller = await collect(feedBytes({ ...options, sessions: 150 }));
  });
  afterAll(() => t.close());

  it('imports a feed idempotently, and a full feed withdraws what it no longer contains', async () => {
    const first = await run(t.db, feed, 'essai');
    expect(first.status).toBe('done');
    expect(first.counts.sessions).toBe(300);
    expect(first.counts.created).toBe(first.formationsTotal);
    const again = await run(t.db, feed, 'essai');
    expect(again.counts).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: first.formationsTotal,
      withdrawn: 0,
    });
    const before = await state(t.db, 'essai');
    expect(await state(t.db, 'essai')).toBe(before);
    const partial = await run(t.db, smaller, 'essai', 'partial');
    expect(partial.counts.withdrawn).toBe(0);
    const full = await run(t.db, smaller, 'essai', 'full');
    expect(full.counts.withdrawn).toBeGreaterThan(0);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from training where source = 'essai' and status = 'withdrawn'`.execute(t.db);
    expect(rows[0]!.n).toBe(full.counts.withdrawn);
    const total = await sql<{
      n: number;
    }>`select count(*)::int as n from training where source = 'essai'`.execute(t.db);
    expect(total.rows[0]!.n).toBe(first.formationsTotal); // withdrawn, never deleted
  });

  it('rewrites a formation that changed: what it no longer lists is withdrawn, its funders replaced', async () => {
    await run(t.db, feed, 'maj');
    const text = feed.toString('utf8');
    const session = text.match(/<session numero="([^"]+-2)">[\s\S]*?<\/session>/)!;
    const at = text.indexOf(session[0]);
    // Funders follow the sessions in an action: the next places are this action's.
    const placesAt = text.indexOf('<nb-places-financees>', at);
    const changed = Buffer.from(
      `${text.slice(0, at)}${text.slice(at + session[0].length, placesAt)}<nb-places-financees>99${text
        .slice(placesAt)
        .replace(/^<nb-places-financees>\d+/, '')}`,
    );
    const outcome = await run(t.db, changed, 'maj');
    expect(outcome.counts).toMatchObject({ created: 0, updated: 1, unchanged: outcome.formationsTotal - 1 });
    const { rows } = await sql<{ status: string; places: number[] }>`
      select s.status, (select array_agg(f.places) from action_funder f where f.action_id = a.id) as places
      from training_session s join training_action a on a.id = s.action_id join training t on t.id = a.training_id
      where t.source = 'maj' and s.lheo_number = ${session[1]}`.execute(t.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('withdrawn');
    expect(rows[0]!.places).toContain(99);
    const active = await sql<{ n: number }>`
      select count(*)::int as n from training_session s join training_action a on a.id = s.action_id
      join training t on t.id = a.training_id where t.source = 'maj' and s.status = 'active'`.execute(t.db);
    expect(active.rows[0]!.n).toBe(299);
  });

  it('changes nothing for a file that is not well-formed, and says where it broke', async () => {
    const before = await state(t.db, 'essai');
    const broken = Buffer.from(feed.toString('utf8').replace(/<\/offres>/, '</offre>'));
    const outcome = await run(t.db, broken, 'essai');
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/ligne \d+, colonne \d+/);
    expect(await state(t.db, 'essai')).toBe(before);
  });

  it('leaves nothing of an interrupted import, and run again ends in the state of one that never stopped', async () => {
    await run(t.db, feed, 'reference');
    const killed = await run(t.db, feed, 'reprise', 'full', feed.length / 2).catch((e: Error) => e);
    expect(killed).toBeInstanceOf(Error);
    const none = await sql<{
      n: number;
    }>`select count(*)::int as n from training where source = 'reprise'`.execute(t.db);
    expect(none.rows[0]!.n).toBe(0);
    // A kill -9 leaves its run "running" (nothing else of it survives the rolled-back transaction).
    await sql`update lheo_import set status = 'running', error = null where source = 'reprise'`.execute(t.db);
    const again = await run(t.db, feed, 'reprise');
    expect(again.status).toBe('done');
    expect(again.counts.sessions).toBe(300);
    const runs = await sql<{ status: string; error: string | null }>`
      select status, error from lheo_import where source = 'reprise' order by started_at`.execute(t.db);
    expect(runs.rows.map((r) => r.status)).toEqual(['failed', 'done']);
    expect(runs.rows[0]!.error).toMatch(/interrompu/);
    const ref = (await state(t.db, 'reference')).length;
    expect(ref).toBeGreaterThan(0);
    const [a, b] = await Promise.all([
      sql<{
        f: string;
      }>`select md5(string_agg(t.lheo_number || a.lheo_number || s.lheo_number || s.status, '|' order by t.lheo_number, a.lheo_number, s.lheo_number)) as f
        from training t join training_action a on a.training_id = t.id join training_session s on s.action_id = a.id where t.source = 'reference'`.execute(
        t.db,
      ),
      sql<{
        f: string;
      }>`select md5(string_agg(t.lheo_number || a.lheo_number || s.lheo_number || s.status, '|' order by t.lheo_number, a.lheo_number, s.lheo_number)) as f
        from training t join training_action a on a.training_id = t.id join training_session s on s.action_id = a.id where t.source = 'reprise'`.execute(
        t.db,
      ),
    ]);
    expect(b.rows[0]!.f).toBe(a.rows[0]!.f);
  });

  it('finds a training by a misspelt French query around a commune, with facets', async () => {
    const b = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
    const res = await b.api('GET', '/api/v1/trainings?q=electrisien%20batiment&commune=69123&radiusKm=30');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.corrections).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: 'electrisien' })]),
    );
    expect(body.total).toBeGreaterThan(0);
    expect(body.items[0].title).toMatch(/lectricien/i);
    for (const item of body.items) expect(item.distanceKm).toBeLessThanOrEqual(30);
    expect(Object.values(body.facets.teachingMode).reduce((n: number, c) => n + (c as number), 0)).toBe(
      body.total,
    );
    const byName = await b.api('GET', '/api/v1/trainings?q=electricien&commune=Lyon');
    expect(byName.json().total).toBeGreaterThanOrEqual(body.total);
    const accents = await b.api('GET', '/api/v1/trainings?q=%C3%A9lectriciens');
    expect(accents.json().total).toBeGreaterThan(0);
    const filtered = await b.api(
      'GET',
      '/api/v1/trainings?q=electricien&funder=2&certifying=true&sort=start',
    );
    for (const item of filtered.json().items) {
      expect(item.funders).toContain('2');
      expect(item.certifying).toBe(true);
    }
  });

  it('names the faulty field of a bad query', async () => {
    const b = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
    const unknown = await b.api('GET', '/api/v1/trainings?commune=99999');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field ?? unknown.json()['invalid-params']?.[0]?.name).toBe('commune');
    const dates = await b.api('GET', '/api/v1/trainings?startFrom=2027-01-01&startTo=2026-01-01');
    expect(dates.statusCode).toBe(400);
    expect(dates.json().field).toBe('startTo');
  });

  it('exports a search as LHÉO that re-imports unchanged, and as CSV', async () => {
    const b = await new Browser(t.app).login('admin.francetravail@passerelle.demo');
    const xml = await b.api('GET', '/api/v1/trainings/export.xml?q=electricien');
    expect(xml.statusCode).toBe(200);
    expect(xml.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<lheo xmlns="http:\/\/lheo.gouv.fr\/2.3">/,
    );
    const file = Buffer.from(xml.body);
    const outcome = await run(t.db, file, 'carif-oref-demo', 'partial');
    // Formations of another source found by the search (an earlier test's feed) are refused as
    // such, never merged into the demo source (issue 9: same number, two sources).
    expect(outcome.rejected).toBe(outcome.counts.otherSource ?? 0);
    expect(outcome.counts.created).toBe(0);
    expect(outcome.counts.updated).toBe(0);
    expect(outcome.counts.unchanged).toBeGreaterThan(0);
    const csv = await b.api('GET', '/api/v1/trainings/export.csv?q=electricien');
    expect(csv.body.split('\r\n')[0]).toContain('Numéro formation;Intitulé;Organisme');
  });

  it('writes every LHÉO export valid against the LHÉO 2.3 XSD: demo catalogue, a search, a funder’s purchases, generate:lheo', async () => {
    const b = await new Browser(t.app).login('admin.francetravail@passerelle.demo');
    for (const query of ['', '?q=electricien', '?funder=2', '?funder=demandeurs&certifying=true']) {
      const xml = await b.api('GET', `/api/v1/trainings/export.xml${query}`);
      expect(xml.statusCode).toBe(200);
      expect(xml.body).toContain('<formation ');
      expect({ query, errors: await lheoXsdErrors(xml.body) }).toEqual({ query, errors: [] });
    }
    expect(await lheoXsdErrors(feed.toString('utf8'))).toEqual([]);
    // Four exports of the demo catalogue, each compiled and validated by libxml2 in WebAssembly.
  }, 300_000);

  it('lets a training organisation update its own sessions only', async () => {
    const { rows } = await sql<{ session: string; organisation: string; other: string }>`
      select s.id as session, p.organisation_id as organisation,
        (select s2.id from training_session s2 join training_action a2 on a2.id = s2.action_id join training t2 on t2.id = a2.training_id
          join training_provider p2 on p2.id = t2.provider_id where p2.organisation_id is distinct from p.organisation_id limit 1) as other
      from training_session s join training_action a on a.id = s.action_id join training t on t.id = a.training_id
      join training_provider p on p.id = t.provider_id
      join membership m on m.organisation_id = p.organisation_id join app_user u on u.id = m.user_id
      where u.email = 'gestionnaire.formation@passerelle.demo' limit 1`.execute(t.db);
    const own = rows[0]!;
    const b = await new Browser(t.app).login('gestionnaire.formation@passerelle.demo');
    const ok = await b.api('PATCH', `/api/v1/training-sessions/${own.session}`, {
      recruitmentState: '2',
      placesRemaining: 0,
    });
    expect(ok.statusCode).toBe(204);
    const after = await sql<{
      state: string;
      places: number;
    }>`select recruitment_state as state, places_remaining as places from training_session where id = ${own.session}`.execute(
      t.db,
    );
    expect(after.rows[0]).toEqual({ state: '2', places: 0 });
    const refused = await b.api('PATCH', `/api/v1/training-sessions/${own.other}`, { recruitmentState: '2' });
    expect(refused.statusCode).toBe(403);
    const tooMany = await b.api('PATCH', `/api/v1/training-sessions/${own.session}`, {
      placesTotal: 5,
      placesRemaining: 9,
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().field).toBe('placesRemaining');
  });

  it('shows an organisation’s change in the next search (no stale cached results)', async () => {
    const { rows } = await sql<{ action: string; sessions: string[] }>`
      select a.id as action, array_agg(s.id) as sessions
      from training_action a join training t on t.id = a.training_id join training_provider p on p.id = t.provider_id
      join membership m on m.organisation_id = p.organisation_id join app_user u on u.id = m.user_id
      join training_session s on s.action_id = a.id and s.status = 'active'
      where u.email = 'gestionnaire.formation@passerelle.demo' and a.status = 'active' and t.status = 'active'
      group by a.id
      having bool_or(s.recruitment_state = '1' and coalesce(s.places_remaining, 1) > 0 and s.start_date >= current_date)
      limit 1`.execute(t.db);
    const own = rows[0]!;
    const b = await new Browser(t.app).login('gestionnaire.formation@passerelle.demo');
    const open = async () =>
      (await b.api('GET', '/api/v1/trainings?openPlaces=true&perPage=1')).json<{ total: number }>().total;
    const before = await open();
    expect(await open()).toBe(before);
    for (const session of own.sessions)
      expect(
        (await b.api('PATCH', `/api/v1/training-sessions/${session}`, { recruitmentState: '2' })).statusCode,
      ).toBe(204);
    expect(await open()).toBe(before - 1);
  });

  it('shows a change made by another process within the minute, even for a query asked all the time', async () => {
    let clock = 1_000_000;
    const service = trainingsService(t.db, {
      maxImportBytes: 1e6,
      uploadDir: '.tmp/uploads',
      uploadQuotaBytes: 1e6,
      searchCacheSize: 10,
      now: () => clock,
    });
    const open = async () => {
      // Requests arrive in turns of the event loop (the cache reads its clock once per turn).
      await new Promise((resolve) => setTimeout(resolve, 5));
      return (await service.search({ openPlaces: 'true', perPage: 1 })).total;
    };
    const { rows } = await sql<{ action: string }>`
      select a.id as action from training_action a join training t on t.id = a.training_id
      join training_session s on s.action_id = a.id and s.status = 'active'
      where a.status = 'active' and t.status = 'active'
      group by a.id
      having bool_or(s.recruitment_state = '1' and coalesce(s.places_remaining, 1) > 0 and s.start_date >= current_date)
      limit 1`.execute(t.db);
    const before = await open();
    // Another process (the import CLI, another instance) closes the action's sessions.
    // (Which rewrites the search projection in its transaction, as every writer of the offer does.)
    await t.db.transaction().execute(async (tx) => {
      await sql`update training_session set recruitment_state = '2' where action_id = ${rows[0]!.action}`.execute(
        tx,
      );
      await refreshSearchProjection(tx, { actionIds: [rows[0]!.action] });
    });
    clock += 30_000;
    expect(await open()).toBe(before); // cached for a minute
    clock += 40_000; // 70 s after the answer was computed, 40 s after it was last served
    expect(await open()).toBe(before - 1);
  });

  it('shows the seeded overlap and coverage gaps to the Region’s analysts only', async () => {
    const analyst = await new Browser(t.app).login('analyste.region@passerelle.demo');
    const page = await analyst.get('/financeurs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/Recouvrements\s: [1-9]/);
    // The seeded overlap (the Region and France Travail buying the same trade, place and quarter),
    // in the full list: the page shows only the first lines of a long table.
    const overlaps = (await analyst.get('/financeurs/recouvrements.csv')).body;
    expect(overlaps).toMatch(/;2;Collectivité territoriale - Conseil régional;12;/);
    expect(overlaps).toMatch(/;4;France Travail;10;/);
    const csv = await analyst.get('/financeurs/achats.csv');
    expect(csv.body).toContain('Trimestre;Département;Domaine ROME');
    const counsellor = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
    expect((await counsellor.get('/financeurs')).statusCode).toBe(403);
  });

  it('imports through the upload page, and refuses a hostile file without touching the catalogue', async () => {
    const b = await new Browser(t.app).login('admin.francetravail@passerelle.demo');
    await b.get('/formations/imports');
    const boundary = '----passerelle';
    const multipart = (content: string) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${b.csrf}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\nflux-test\r\n`),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="flux.xml"\r\nContent-Type: application/xml\r\n\r\n`,
        ),
        Buffer.from(content),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const post = (content: string) =>
      t.app.inject({
        method: 'POST',
        url: '/formations/imports',
        payload: multipart(content),
        headers: {
          cookie: b.cookies,
          accept: 'text/html',
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
      });
    const bomb = `<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><lheo>&b;</lheo>`;
    const refused = await post(bomb);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Fichier refusé\u00a0: rien n’a été modifié');
    expect(refused.body).toContain('DOCTYPE refusée');
    const reportUrl = refused.body.match(/href="(\/formations\/imports\/[0-9a-f-]{36})"/)![1]!;
    const report = await b.get(reportUrl);
    expect(report.body).toContain('Fichier refusé\u00a0: rien n’a été modifié');
    const ok = await post(smaller.toString('utf8'));
    expect(ok.statusCode).toBe(303);
    const done = await b.get(String(ok.headers.location));
    expect(done.body).toContain('Import terminé');
  });
});
