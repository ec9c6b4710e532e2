import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { DEMO_FEED_SOURCE } from './demo.js';

/**
 * Offer feed imports from the web and the API (issue 10 §3): who imports under which source, the
 * feed received whole and checked before any write (413, 422: nothing written), each bad record
 * rejected with its field, the report paginated and downloadable, a full feed's held withdrawal
 * confirmed once.
 */
const BOUNDARY = '----passerelle-offres';
const LIMIT = 60_000;

describe.each(testEngines())('offer feed imports from the web and the API on %s', (engine) => {
  let t: TestApp;
  const uploadDir = resolve(import.meta.dirname, `../../../.tmp/uploads-${randomUUID()}`);
  const refs = { rome: '', appellation: '', commune: '', skill: '' };
  let ft: Browser;
  let employer: Browser;
  let counsellor: Browser;
  let superAdmin: Browser;

  const record = (id: string, over: Record<string, unknown> = {}) => ({
    id,
    intitule: `Offre ${id}`,
    description: 'Description',
    lieuTravail: { libelle: 'Lyon', commune: refs.commune },
    romeCode: refs.rome,
    appellationlibelle: refs.appellation,
    typeContrat: 'CDI',
    competences: [{ code: refs.skill, libelle: '', exigence: 'E' }],
    nombrePostes: 1,
    ...over,
  });
  const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n');

  async function member(kind: string, role: string) {
    const email = `i.${randomUUID().slice(0, 8)}@passerelle.demo`;
    await sql`
      with u as (insert into app_user (email, first_name, last_name, password_hash)
        select ${email}, 'Camille', 'Importe', password_hash from app_user where email = 'superadmin@passerelle.demo' returning id)
      insert into membership (user_id, organisation_id, role)
      select u.id, (select id from organisation where kind = ${kind} order by name limit 1), ${role} from u`.execute(
      t.db,
    );
    const b = await new Browser(t.app).login(email);
    await b.get('/offres/imports');
    return b;
  }
  const postFeed = (b: Browser, query: string, body: string, type = 'application/x-ndjson') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/job-offers/imports?${query}`,
      payload: body,
      headers: {
        cookie: b.cookies,
        'x-csrf-token': b.csrf,
        accept: 'application/json',
        'content-type': type,
      },
    });
  const postForm = (b: Browser, fields: Record<string, string>, file: string) =>
    t.app.inject({
      method: 'POST',
      url: '/offres/imports',
      payload: Buffer.from(
        [
          ...Object.entries({ _csrf: b.csrf, ...fields }).map(
            ([name, value]) =>
              `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
          ),
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="offres.ndjson"\r\nContent-Type: application/x-ndjson\r\n\r\n${file}\r\n--${BOUNDARY}--\r\n`,
        ].join(''),
      ),
      headers: {
        cookie: b.cookies,
        accept: 'text/html',
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      },
    });
  const offersOf = async (source: string) =>
    (
      await sql<{ source_id: string; state: string }>`
        select source_id, state from job_offer where source = ${source} order by source_id`.execute(t.db)
    ).rows;

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true, config: { uploadDir, offerImportMaxBytes: LIMIT } });
    const { rows } = await sql<{ label: string; rome_code: string }>`
      select a.label, a.rome_code from rome_appellation a order by a.code limit 1`.execute(t.db);
    refs.rome = rows[0]!.rome_code;
    refs.appellation = rows[0]!.label;
    refs.commune = (await sql<{ code: string }>`select code from commune order by code limit 1`.execute(t.db))
      .rows[0]!.code;
    refs.skill = (
      await sql<{ code: string }>`select code from rome_skill order by code limit 1`.execute(t.db)
    ).rows[0]!.code;
    ft = await new Browser(t.app).login('admin.francetravail@passerelle.demo');
    await ft.get('/offres/imports');
    superAdmin = await new Browser(t.app).login('superadmin@passerelle.demo');
    await superAdmin.get('/offres/imports');
    employer = await member('employeur', 'administrateur');
    counsellor = await member('mission_locale', 'conseiller');
  }, 180_000);
  afterAll(() => t.close());

  it('shows the demo import to the France Travail importer, with its rejections and warnings', async () => {
    const list = await ft.get('/offres/imports');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Flux complet');
    expect(list.body).toContain(DEMO_FEED_SOURCE);
    const report = await ft.api('GET', '/api/v1/job-offers/imports');
    const demo = report.json().items.find((r: { source: string }) => r.source === DEMO_FEED_SOURCE);
    expect(demo.counts.rejected).toBeGreaterThanOrEqual(5);
    expect(demo.counts.warnings).toBeGreaterThan(0);
    const page = await ft.get(demo.reportUrl);
    expect(page.body).toContain('Enregistrements rejetés');
    expect(page.body).toContain('nombrePostes');
    // Those who do not import are refused; another organisation's importer does not see it.
    expect((await counsellor.get('/offres/imports')).statusCode).toBe(403);
    expect((await counsellor.api('GET', '/api/v1/job-offers/imports')).statusCode).toBe(403);
    expect((await employer.get(demo.reportUrl)).statusCode).toBe(404);
    expect((await superAdmin.get(demo.reportUrl)).statusCode).toBe(200);
  });

  it('imports through the API, idempotent, each bad record rejected with its field, the report paginated', async () => {
    const feed = ndjson([
      record('A1'),
      record('A2'),
      record('A1'),
      record('A3', { nombrePostes: 'deux' }),
      record('A4', { salaire: { libelle: 'Mensuel de 3000 Euros à 2000 Euros' } }),
      record('A5', { competences: [{ code: '999999', libelle: 'ROME v3', exigence: 'E' }] }),
    ]);
    const first = await postFeed(employer, 'source=ats-employeur', feed);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      source: 'ats-employeur',
      status: 'done',
      counts: { records: 6, created: 3, rejected: 3, warnings: 1 },
    });
    const again = await postFeed(employer, 'source=ats-employeur', feed, 'application/json');
    expect(again.json().counts).toMatchObject({ created: 0, unchanged: 3 });
    const id = first.json().id;
    const report = await employer.api('GET', `/api/v1/job-offers/imports/${id}`);
    expect(report.statusCode).toBe(200);
    expect(
      report.json().issues.items.map((i: { record: number; field: string }) => [i.record, i.field]),
    ).toEqual([
      [3, 'id'],
      [4, 'nombrePostes'],
      [5, 'salaire/libelle'],
    ]);
    const warnings = await employer.api('GET', `/api/v1/job-offers/imports/${id}?severity=warning`);
    expect(warnings.json().issues).toMatchObject({
      total: 1,
      items: [{ recordId: 'A5', field: 'competences/0/code' }],
    });
    expect((await employer.api('GET', `/api/v1/job-offers/imports/${id}?page=0`)).json().field).toBe('page');
    const csv = await employer.get(`/offres/imports/${id}/rapport.csv`);
    expect(csv.body).toContain('rejet;3;A1;id;');
    const json = await employer.get(`/offres/imports/${id}/rapport.json`);
    expect(json.json()).toMatchObject({ counts: { rejected: 3 }, warnings: [{ recordId: 'A5' }] });
    const audit = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'job_offer_import.done' and subject_id = ${id}`.execute(
      t.db,
    );
    expect(audit.rows[0]!.n).toBe(1);
  });

  it('refuses bad input with a clear 4xx naming the field, and writes nothing', async () => {
    const bad = async (b: Browser, query: string, body: string, status: number, field: string) => {
      const res = await postFeed(b, query, body);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().field).toBe(field);
      return res.json();
    };
    await bad(employer, '', ndjson([record('B1')]), 400, 'source');
    await bad(employer, 'source=Flux%20%C3%A9t%C3%A9', ndjson([record('B1')]), 400, 'source');
    await bad(employer, 'source=a%00b', ndjson([record('B1')]), 400, 'source');
    await bad(employer, 'source=ats-b&full=peut-etre', ndjson([record('B1')]), 400, 'full');
    // Another organisation's source, and the platform's (offers imported by the CLI or the demo).
    await bad(employer, `source=${DEMO_FEED_SOURCE}`, ndjson([record('B1')]), 403, 'source');
    await bad(ft, 'source=france_travail&full=true', ndjson([record('B1')]), 403, 'source');
    // Malformed: refused whole, the run recorded as refused, nothing written.
    const broken = await bad(
      employer,
      'source=ats-b',
      `${JSON.stringify(record('B1'))}\n{"id": "B2", "intitule": [`,
      422,
      'file',
    );
    expect(broken.reportUrl).toBe(`/offres/imports/${broken.id}`);
    expect(await offersOf('ats-b')).toEqual([]);
    const run = await employer.api('GET', `/api/v1/job-offers/imports/${broken.id}`);
    expect(run.json().run).toMatchObject({ status: 'failed' });
    // Over the limit, announced or not: 413 naming the limit, nothing written, no file left behind.
    const big = ndjson(Array.from({ length: 400 }, (_, i) => record(`C${i}`)));
    expect(big.length).toBeGreaterThan(LIMIT);
    const tooLarge = await bad(employer, 'source=ats-b', big, 413, 'file');
    expect(tooLarge.detail ?? tooLarge.title).toMatch(/60 ko/);
    expect(await offersOf('ats-b')).toEqual([]);
    expect(await readdir(uploadDir).catch(() => [])).toEqual([]);
    // Empty, and not JSON at all.
    await bad(employer, 'source=ats-b', '', 400, 'file');
    await bad(employer, 'source=ats-b', 'texte', 422, 'file');
    expect((await postFeed(counsellor, 'source=ats-c', ndjson([record('D1')]))).statusCode).toBe(403);
  });

  it('holds a full feed that would close more than it brings, and closes on a confirmation, once', async () => {
    const three = ndjson([record('F1'), record('F2'), record('F3')]);
    expect((await postFeed(ft, 'source=ft-test&full=true', three)).statusCode).toBe(201);
    const one = await postFeed(ft, 'source=ft-test&full=true', ndjson([record('F1')]));
    expect(one.json()).toMatchObject({ withdrawalHeld: 2, counts: { withdrawn: 0 } });
    expect((await offersOf('ft-test')).map((o) => o.state)).toEqual(['published', 'published', 'published']);
    const id = one.json().id;
    // The report offers the decision; without JavaScript, a confirmation page.
    const page = await ft.get(`/offres/imports/${id}`);
    expect(page.body).toMatch(/2\s+offres seraient clôturées/);
    expect(page.body).toContain(`href="/offres/imports/${id}/retrait"`);
    expect((await ft.get(`/offres/imports/${id}/retrait`)).body).toMatch(/Clôturer 2\s+offres/);
    expect(
      (await employer.api('POST', `/api/v1/job-offers/imports/${id}/withdrawal`, { decision: 'confirm' }))
        .statusCode,
    ).toBe(404);
    const confirmed = await ft.post(`/offres/imports/${id}/retrait`, {});
    expect(confirmed.statusCode).toBe(303);
    expect((await offersOf('ft-test')).map((o) => o.state)).toEqual(['published', 'closed', 'closed']);
    const twice = await ft.api('POST', `/api/v1/job-offers/imports/${id}/withdrawal`, { decision: 'cancel' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().field).toBe('decision');
    const list = await ft.api('GET', '/api/v1/job-offers/imports');
    expect(list.json().items.find((r: { id: string }) => r.id === id)).toMatchObject({
      withdrawalHeld: null,
      withdrawalDecision: 'confirmed',
      counts: { withdrawn: 2 },
    });
  });

  it('imports from the upload form and shows the report, or the refusal on the form', async () => {
    const form = await employer.get('/offres/imports');
    expect(form.body).toContain('enctype="multipart/form-data"');
    const sent = await postForm(employer, { source: 'ats-web' }, ndjson([record('W1'), record('W1')]));
    expect(sent.statusCode).toBe(303);
    const report = await employer.get(String(sent.headers.location));
    expect(report.body).toMatch(/Import terminé avec 1\s+rejet/);
    expect(report.body).toContain('en double');
    const refused = await postForm(employer, { source: 'Mauvais nom' }, ndjson([record('W2')]));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Source invalide');
    const foreign = await postForm(
      employer,
      { source: DEMO_FEED_SOURCE, full: 'oui' },
      ndjson([record('W3')]),
    );
    expect(foreign.statusCode).toBe(403);
    expect(foreign.body).toContain('appartient à une autre organisation');
    expect((await offersOf(DEMO_FEED_SOURCE)).some((o) => o.source_id === 'W3')).toBe(false);
  });

  it('runs two uploads of the same feed one after the other: both answer, nothing doubled', async () => {
    const feed = ndjson([record('P1'), record('P2')]);
    const [a, b] = await Promise.all([
      postFeed(employer, 'source=ats-double', feed),
      postFeed(employer, 'source=ats-double', feed),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().counts.created + b.json().counts.created).toBe(2);
    expect(a.json().counts.unchanged + b.json().counts.unchanged).toBe(2);
    expect((await offersOf('ats-double')).length).toBe(2);
  });

  it('documents the import API in OpenAPI, with its response schemas', async () => {
    const spec = (await t.app.inject('/api/docs/json')).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(spec.paths['/api/v1/job-offers/imports']!.post!.responses['201']).toBeDefined();
    expect(spec.paths['/api/v1/job-offers/imports']!.get!.responses['200']).toBeDefined();
    expect(spec.paths['/api/v1/job-offers/imports/{id}']!.get!.responses['200']).toBeDefined();
    expect(spec.paths['/api/v1/job-offers/imports/{id}/withdrawal']!.post!.responses['200']).toBeDefined();
  });
});
