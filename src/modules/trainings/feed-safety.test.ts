import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { DEMO_REGION_CODE } from '../../demo.js';
import { feedInputs } from './feed.js';
import { importLheo } from './importer.js';
import { generateFeed } from './lheo/generate.js';
import type { LheoFormation } from './lheo/model.js';
import { formationXml, LHEO_HEAD, LHEO_TAIL } from './lheo/writer.js';
import { PLATFORM } from './rights.js';

/**
 * Issue 9 §2, last two bullets: a full feed that rejects (or lost) most of its records withdraws
 * nothing before someone confirms it, and one formation number in two sources stays two
 * formations through an export and its re-import, in the same order on both engines.
 */
const FT_ADMIN = 'admin.francetravail@passerelle.demo';
const OF_MANAGER = 'gestionnaire.formation@passerelle.demo';
const BOUNDARY = '----passerelle-garde';
/** Each test imports a whole feed several times: past the default 60 s on a loaded two-core machine. */
const SLOW = 240_000;

const doc = (formations: LheoFormation[]) =>
  Buffer.from(`${LHEO_HEAD}${formations.map((f) => formationXml(f)).join('\n')}${LHEO_TAIL}`);

async function bytesIn(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let total = 0;
  for (const name of names) total += (await stat(join(dir, name))).size;
  return total;
}

describe.each(testEngines())('full feeds and sources on %s', (engine) => {
  let t: TestApp;
  let formations: LheoFormation[];
  const uploadDir = resolve(import.meta.dirname, `../../../.tmp/uploads-${randomUUID()}`);
  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true, config: { uploadDir } });
    const inputs = await feedInputs(t.db, DEMO_REGION_CODE);
    formations = [
      ...generateFeed({
        seed: 19,
        sessions: 120,
        appellations: inputs.appellations,
        communes: inputs.communes,
        today: '2026-11-23',
        numberPrefix: 'GARDE',
      }),
    ];
  });
  afterAll(() => t.close());

  const signedIn = async (email: string) => {
    const b = await new Browser(t.app).login(email);
    await b.get('/formations');
    return b;
  };
  const postXml = (b: Browser, url: string, payload: Buffer) =>
    t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: {
        cookie: b.cookies,
        'x-csrf-token': b.csrf,
        accept: 'application/json',
        'content-type': 'application/xml',
      },
    });
  const active = async (source: string) =>
    (
      await sql<{ n: number }>`
        select count(*)::int as n from training where source = ${source} and status = 'active'`.execute(t.db)
    ).rows[0]!.n;
  const counts = async (id: string) =>
    (
      await sql<{ counts: Record<string, number> }>`select counts from lheo_import where id = ${id}`.execute(
        t.db,
      )
    ).rows[0]!.counts;
  /** A formation with a session still to come: the search (and so the exports) finds it. */
  const searchable = () => {
    const today = new Date().toISOString().slice(0, 10);
    return formations.find((f) => f.actions.every((a) => a.sessions.some((s) => s.end >= today)))!;
  };
  /** 9 records out of 10 without a title: each is rejected on its own. */
  const mostlyBroken = () => formations.map((f, i) => (i % 10 === 0 ? f : { ...f, title: '' }));

  describe('a full feed that would withdraw more than it brings', () => {
    it(
      'with 90 % of its records rejected withdraws nothing, answers 409 with the figures, and withdraws once confirmed',
      async () => {
        const ft = await signedIn(FT_ADMIN);
        const n = formations.length;
        expect(n).toBeGreaterThanOrEqual(10);
        const first = await postXml(ft, '/api/v1/lheo-imports?source=flux-garde&mode=full', doc(formations));
        expect(first.statusCode).toBe(200);
        expect(first.json().counts.created).toBe(n);

        const accepted = Math.ceil(n / 10);
        const held = await postXml(
          ft,
          '/api/v1/lheo-imports?source=flux-garde&mode=full',
          doc(mostlyBroken()),
        );
        expect(held.statusCode).toBe(409);
        expect(held.headers['content-type']).toContain('application/problem+json');
        const problem = held.json();
        expect(problem).toMatchObject({
          field: 'mode',
          wouldWithdraw: n - accepted,
          accepted,
          minShare: 0.5,
          rejected: n - accepted,
          confirmUrl: `/api/v1/lheo-imports/${problem.id}/withdrawal`,
          reportUrl: `/formations/imports/${problem.id}`,
        });
        expect(problem.detail).toContain('rien n’a été retiré');
        expect(await active('flux-garde')).toBe(n);
        expect(await counts(problem.id)).toMatchObject({ withdrawn: 0, withdrawalHeld: n - accepted });

        // The report page says why and asks, with a CSRF form and a way to cancel.
        const report = await ft.get(problem.reportUrl);
        expect(report.statusCode).toBe(200);
        expect(report.body).toContain(`${n - accepted} formations seraient retirées`);
        expect(report.body).toContain(`action="/formations/imports/${problem.id}/retrait"`);
        expect(report.body).toContain('value="cancel"');
        expect(report.body).toMatch(/name="_csrf" value="[^"]+"/);
        const list = await ft.get('/formations/imports');
        expect(list.body).toContain('retrait à confirmer');

        // Nobody else decides: another organisation does not even see the run.
        const of = await signedIn(OF_MANAGER);
        expect((await of.api('POST', problem.confirmUrl, { decision: 'confirm' })).statusCode).toBe(404);
        expect(await active('flux-garde')).toBe(n);

        const confirmed = await ft.post(`/formations/imports/${problem.id}/retrait`, { decision: 'confirm' });
        expect(confirmed.statusCode).toBe(303);
        expect(await active('flux-garde')).toBe(accepted);
        // The search stops offering what the confirmation withdrew (its projection follows).
        const offered = await sql<{ n: number }>`
          select count(distinct s.training_id)::int as n from catalogue_search s
          join training t on t.id = s.training_id where t.source = 'flux-garde'`.execute(t.db);
        expect(offered.rows[0]!.n).toBeLessThanOrEqual(accepted);
        const after = await counts(problem.id);
        expect(after.withdrawn).toBe(n - accepted);
        expect(after.withdrawalHeld).toBeUndefined();
        const audit = await sql<{ details: Record<string, unknown> }>`
        select details from audit_log where action = 'lheo_import.withdrawal' and subject_id = ${problem.id}`.execute(
          t.db,
        );
        expect(audit.rows).toHaveLength(1);
        expect(audit.rows[0]!.details).toMatchObject({ decision: 'confirmé', withdrawn: n - accepted });
        // Decided once.
        const again = await ft.api('POST', problem.confirmUrl, { decision: 'confirm' });
        expect(again.statusCode).toBe(409);
        expect(again.json().field).toBe('decision');
      },
      SLOW,
    );

    it(
      'a normal full feed still withdraws what it no longer contains without asking',
      async () => {
        const ft = await signedIn(FT_ADMIN);
        const n = formations.length;
        await postXml(ft, '/api/v1/lheo-imports?source=flux-normal&mode=full', doc(formations));
        const dropped = Math.floor(n / 5);
        const res = await postXml(
          ft,
          '/api/v1/lheo-imports?source=flux-normal&mode=full',
          doc(formations.slice(dropped)),
        );
        expect(res.statusCode).toBe(200);
        expect(res.json().counts).toMatchObject({ unchanged: n - dropped, withdrawn: dropped });
        expect(res.json().counts.withdrawalHeld).toBeUndefined();
        expect(await active('flux-normal')).toBe(n - dropped);
      },
      SLOW,
    );

    it(
      'a cancelled withdrawal keeps everything; a confirmation after a later import is refused; the flag withdraws at once',
      async () => {
        const ft = await signedIn(FT_ADMIN);
        const n = formations.length;
        const empty = doc([]);
        await postXml(ft, '/api/v1/lheo-imports?source=flux-annule&mode=full', doc(formations));
        const first = await postXml(ft, '/api/v1/lheo-imports?source=flux-annule&mode=full', empty);
        expect(first.statusCode).toBe(409);
        expect(first.json()).toMatchObject({ wouldWithdraw: n, accepted: 0 });
        const cancelled = await ft.api('POST', first.json().confirmUrl, { decision: 'cancel' });
        expect(cancelled.statusCode).toBe(200);
        expect(cancelled.json()).toMatchObject({ decision: 'cancel', withdrawn: 0, kept: n });
        expect(await active('flux-annule')).toBe(n);
        expect((await ft.get(first.json().reportUrl)).body).toMatch(
          new RegExp(`Retrait annulé\\s: les ${n}\\sformations absentes du fichier ont été gardées\\.`),
        );

        const second = await postXml(ft, '/api/v1/lheo-imports?source=flux-annule&mode=full', empty);
        expect(second.statusCode).toBe(409);
        // An update of the source since: its "absent" formations are no longer the empty file's to judge.
        const later = await postXml(
          ft,
          '/api/v1/lheo-imports?source=flux-annule&mode=partial',
          doc(formations.slice(0, 1)),
        );
        expect(later.statusCode).toBe(200);
        const stale = await ft.api('POST', second.json().confirmUrl, { decision: 'confirm' });
        expect(stale.statusCode).toBe(409);
        expect(stale.json().detail).toMatch(/Un import plus récent de la source «\sflux-annule\s»/);
        expect(await active('flux-annule')).toBe(n);
        const bad = await ft.api('POST', second.json().confirmUrl, { decision: 'peut-être' });
        expect(bad.statusCode).toBe(400);

        const meant = await postXml(
          ft,
          '/api/v1/lheo-imports?source=flux-annule&mode=full&confirmWithdrawal=true',
          empty,
        );
        expect(meant.statusCode).toBe(200);
        expect(meant.json().counts.withdrawn).toBe(n);
        expect(await active('flux-annule')).toBe(0);
      },
      SLOW,
    );

    it(
      'the importer (the CLI’s path) holds by default, withdraws when told, and follows the configured share',
      async () => {
        const run = (
          mode: 'full' | 'partial',
          file: Buffer,
          options: { confirm?: boolean; share?: number } = {},
        ) =>
          importLheo(t.db, {
            source: 'flux-cli',
            mode,
            fileName: 'flux.xml',
            sizeBytes: file.length,
            open: async function* () {
              yield file;
            },
            maxBytes: 50e6,
            by: PLATFORM,
            confirmWithdrawal: options.confirm ?? false,
            ...(options.share !== undefined ? { fullFeedMinShare: options.share } : {}),
          });
        const n = formations.length;
        await run('full', doc(formations));
        const kept = Math.floor(n / 4);
        const quarter = doc(formations.slice(0, kept));
        const held = await run('full', quarter);
        expect(held.heldWithdrawal).toMatchObject({ wouldWithdraw: n - kept, accepted: kept });
        expect(await active('flux-cli')).toBe(n);
        // LHEO_FULL_FEED_MIN_SHARE=0.2: a quarter of the catalogue kept is a plausible feed.
        const lenient = await run('full', quarter, { share: 0.2 });
        expect(lenient.heldWithdrawal).toBeNull();
        expect(lenient.counts.withdrawn).toBe(n - kept);
        // The whole feed again, unchanged: what was withdrawn is published again.
        const back = await run('full', doc(formations));
        expect(back.counts).toMatchObject({ updated: n - kept, unchanged: kept, withdrawn: 0 });
        expect(await active('flux-cli')).toBe(n);
        const confirmed = await run('full', doc([]), { confirm: true });
        expect(confirmed.counts.withdrawn).toBe(n);
      },
      SLOW,
    );
  });

  describe('the upload form asks before a full feed', () => {
    const form = (csrf: string, fields: Record<string, string>, file: Buffer) =>
      Buffer.concat([
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
        ...Object.entries(fields).map(([k, v]) =>
          Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
        ),
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="flux.xml"\r\nContent-Type: application/xml\r\n\r\n`,
        ),
        file,
        Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      ]);
    const postForm = (b: Browser, payload: Buffer) =>
      t.app.inject({
        method: 'POST',
        url: '/formations/imports',
        payload,
        headers: {
          cookie: b.cookies,
          accept: 'text/html',
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        },
      });

    it(
      'refuses a full feed sent without its box ticked, before the file is written; ticked, a held feed lands on its confirmation',
      async () => {
        const ft = await signedIn(FT_ADMIN);
        const page = await ft.get('/formations/imports');
        expect(page.body).toContain('name="acknowledgeFullFeed"');
        const unticked = await postForm(
          ft,
          form(ft.csrf, { source: 'flux-page', mode: 'full' }, doc(formations)),
        );
        expect(unticked.statusCode).toBe(400);
        expect(unticked.body).toContain('cochez la case');
        expect(unticked.body).toContain('fr-checkbox-group--error');
        expect(await bytesIn(uploadDir)).toBe(0);
        expect(await active('flux-page')).toBe(0);

        const ticked = { source: 'flux-page', mode: 'full', acknowledgeFullFeed: 'oui' };
        const first = await postForm(ft, form(ft.csrf, ticked, doc(formations)));
        expect(first.statusCode).toBe(303);
        expect(await active('flux-page')).toBe(formations.length);
        const held = await postForm(ft, form(ft.csrf, ticked, doc(mostlyBroken())));
        expect(held.statusCode).toBe(303);
        const report = await ft.get(held.headers.location as string);
        expect(report.body).toContain('seraient retirées');
        expect(report.body).toContain('Confirmer le retrait');
        expect(await active('flux-page')).toBe(formations.length);
        const cancel = await ft.post(`${held.headers.location}/retrait`, { decision: 'cancel' });
        expect(cancel.statusCode).toBe(303);
        expect(await active('flux-page')).toBe(formations.length);
        expect(await bytesIn(uploadDir)).toBe(0);
      },
      SLOW,
    );
  });

  describe('one formation number in two sources', () => {
    const numbers = (xml: string) => [...xml.matchAll(/<formation numero="([^"]*)"/g)].map((m) => m[1]);

    it(
      'exports say the source of each formation; re-importing the export under one source neither merges nor duplicates',
      async () => {
        const ft = await signedIn(FT_ADMIN);
        const base = searchable();
        const a = { ...base, number: 'DOUBLE-1', title: 'Tonnellerie orbitale version Aquitania' };
        const b = { ...base, number: 'DOUBLE-1', title: 'Tonnellerie orbitale version Borealis' };
        const bOnly = { ...base, number: 'SEULE-B', title: 'Tonnellerie orbitale seulement Borealis' };
        expect((await postXml(ft, '/api/v1/lheo-imports?source=source-a', doc([a]))).statusCode).toBe(200);
        expect((await postXml(ft, '/api/v1/lheo-imports?source=source-b', doc([b, bOnly]))).statusCode).toBe(
          200,
        );

        const exported = await ft.api('GET', '/api/v1/trainings/export.xml?q=tonnellerie%20orbitale');
        expect(exported.statusCode).toBe(200);
        const xml = exported.body;
        expect(numbers(xml).sort()).toEqual(['DOUBLE-1', 'DOUBLE-1', 'SEULE-B']);
        expect(xml).toContain('<extras info="passerelle"><extra info="source">source-a</extra></extras>');
        expect(xml.match(/<extra info="source">source-b<\/extra>/g)).toHaveLength(2);
        const csv = await ft.api('GET', '/api/v1/trainings/export.csv?q=tonnellerie%20orbitale');
        expect(csv.body.split('\r\n')[0]).toMatch(/^\uFEFFSource;Numéro formation;/);
        expect(csv.body).toMatch(/\r\nsource-a;DOUBLE-1;Tonnellerie orbitale version Aquitania;/);
        expect(csv.body).toMatch(/\r\nsource-b;DOUBLE-1;Tonnellerie orbitale version Borealis;/);

        // Under source-a, as a full feed: its own formation is recognised, source-b's are refused.
        const again = await postXml(ft, '/api/v1/lheo-imports?source=source-a&mode=full', Buffer.from(xml));
        expect(again.statusCode).toBe(200);
        expect(again.json()).toMatchObject({
          rejected: 2,
          counts: { created: 0, otherSource: 2, withdrawn: 0 },
        });
        expect(again.json().counts.updated + again.json().counts.unchanged).toBe(1);
        const rows = await sql<{ source: string; lheo_number: string; title: string; status: string }>`
        select source, lheo_number, title, status from training where source in ('source-a', 'source-b')
        order by source, lheo_number`.execute(t.db);
        expect(rows.rows).toEqual([
          { source: 'source-a', lheo_number: 'DOUBLE-1', title: a.title, status: 'active' },
          { source: 'source-b', lheo_number: 'DOUBLE-1', title: b.title, status: 'active' },
          { source: 'source-b', lheo_number: 'SEULE-B', title: bOnly.title, status: 'active' },
        ]);
        const report = await ft.api('GET', `/api/v1/lheo-imports/${again.json().id}`);
        const reasons = report.json().rejections.map((r: { record: string; reason: string }) => r.record);
        expect(reasons.sort()).toEqual(['formation DOUBLE-1', 'formation SEULE-B']);
        expect(report.json().rejections[0].reason).toMatch(/exportée de la source «\ssource-b\s»/);
        const page = await ft.get(`/formations/imports/${again.json().id}`);
        expect(page.body).toContain('Formations d’une autre source, écartées (ni fusionnées ni copiées)');
      },
      SLOW,
    );

    it(
      'lists formations in the same, byte-ordered sequence whatever the engine and its locale',
      async () => {
        const ft = await signedIn(FT_ADMIN);
        const base = { ...searchable(), title: 'Ébénisterie ordonnancée' };
        // Numbers a French or English collation sorts otherwise than bytes (punctuation, case, accents).
        const wanted = ['F1', 'f2', 'F-10', 'F_3', 'É4', 'E5'];
        await postXml(
          ft,
          '/api/v1/lheo-imports?source=ordre-b',
          doc(wanted.slice(0, 3).map((number) => ({ ...base, number }))),
        );
        await postXml(
          ft,
          '/api/v1/lheo-imports?source=ordre-a',
          doc(wanted.map((number) => ({ ...base, number }))),
        );
        // Identical records: rank and next start tie, so source then number decide, in byte order.
        const expected = [
          ...[...wanted].sort().map((n) => `ordre-a ${n}`),
          ...wanted
            .slice(0, 3)
            .sort()
            .map((n) => `ordre-b ${n}`),
        ];
        const exported = (await ft.api('GET', '/api/v1/trainings/export.xml?q=ebenisterie%20ordonnancee'))
          .body;
        const sources = [...exported.matchAll(/<extra info="source">([^<]*)<\/extra>/g)].map((m) => m[1]);
        expect(numbers(exported).map((n, i) => `${sources[i]} ${n}`)).toEqual(expected);
        const csv = (await ft.api('GET', '/api/v1/trainings/export.csv?q=ebenisterie%20ordonnancee')).body;
        const csvOrder = [
          ...new Set(
            csv
              .split('\r\n')
              .slice(1)
              .filter(Boolean)
              .map((l) => l.split(';').slice(0, 2).join(' ')),
          ),
        ];
        expect(csvOrder).toEqual(expected);
        const search = await ft.api('GET', '/api/v1/trainings?q=ebenisterie%20ordonnancee&perPage=100');
        const titles = search.json().items.map((i: { trainingId: string }) => i.trainingId);
        const { rows } = await sql<{ id: string; k: string }>`
        select id, source || ' ' || lheo_number as k from training where source in ('ordre-a', 'ordre-b')`.execute(
          t.db,
        );
        const key = new Map(rows.map((r) => [r.id, r.k]));
        expect([...new Set(titles.map((id: string) => key.get(id)))]).toEqual(expected);
      },
      SLOW,
    );
  });
});
