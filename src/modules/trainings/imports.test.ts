import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import { migrations } from '../../db/migrate.js';
import { DEMO_REGION_CODE } from '../../demo.js';
import { feedBytes, feedInputs } from './feed.js';

/**
 * The LHÉO upload and import path against a hostile partner (issue 8, holes 1, 3, 10, 15): nothing
 * reaches the disk before the request is authenticated, authorised and CSRF-checked, and nothing
 * stays there; a source is its owner's; parallel imports answer what they committed; a refused
 * file is a 422 with its report.
 */
const MiB = 1024 * 1024;
const BOUNDARY = '----passerelle-essai';

async function collect(source: AsyncIterable<Uint8Array>) {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return Buffer.concat(parts);
}

/** Bytes under a directory (0 when it does not exist). */
async function bytesIn(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let total = 0;
  for (const name of names) total += (await stat(join(dir, name))).size;
  return total;
}

/**
 * A multipart form streamed chunk by chunk (100 MB never sits in memory): the CSRF token first,
 * as CsrfField puts it, then the fields, then a file of `fileBytes` bytes, optionally waiting for
 * `pause` once `pauseAfter` bytes of it were produced.
 */
function multipartForm(options: {
  csrf?: string;
  fields?: Record<string, string>;
  fileBytes: number;
  pause?: Promise<void>;
  pauseAfter?: number;
  failAfter?: number;
}): Readable {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return Readable.from(
    (async function* () {
      if (options.csrf !== undefined)
        yield Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${options.csrf}\r\n`,
        );
      for (const [name, value] of Object.entries(options.fields ?? {}))
        yield Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        );
      yield Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="flux.xml"\r\nContent-Type: application/xml\r\n\r\n`,
      );
      for (let sent = 0; sent < options.fileBytes; sent += chunk.length) {
        if (options.pause && options.pauseAfter !== undefined && sent === options.pauseAfter)
          await options.pause;
        if (options.failAfter !== undefined && sent >= options.failAfter) throw new Error('client parti');
        yield chunk.subarray(0, Math.min(chunk.length, options.fileBytes - sent));
      }
      yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
    })(),
    { objectMode: false },
  );
}

describe.each(testEngines())('LHÉO uploads and imports on %s', (engine) => {
  let t: TestApp;
  let feed: Buffer;
  const uploadDir = resolve(import.meta.dirname, `../../../.tmp/uploads-${randomUUID()}`);
  beforeAll(async () => {
    t = await createTestApp(engine, {
      demo: true,
      config: { uploadDir, lheoMaxBytes: 5 * MiB, uploadQuotaBytes: 8 * MiB },
    });
    const inputs = await feedInputs(t.db, DEMO_REGION_CODE);
    feed = await collect(
      feedBytes({
        seed: 5,
        sessions: 40,
        appellations: inputs.appellations,
        communes: inputs.communes,
        today: '2026-11-23',
        numberPrefix: 'UP',
      }),
    );
  });
  afterAll(() => t.close());

  const postForm = (browser: Browser | null, payload: Readable, accept = 'text/html') =>
    t.app.inject({
      method: 'POST',
      url: '/formations/imports',
      payload,
      headers: {
        ...(browser ? { cookie: browser.cookies } : {}),
        accept,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      },
    });
  const postXml = (browser: Browser, url: string, payload: Buffer | Readable) =>
    t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: {
        cookie: browser.cookies,
        'x-csrf-token': browser.csrf,
        accept: 'application/json',
        'content-type': 'application/xml',
      },
    });
  const signedIn = async (email: string) => {
    const b = await new Browser(t.app).login(email);
    await b.get('/formations');
    return b;
  };

  describe('hole 1: nothing reaches the disk before the checks, nothing stays', () => {
    it('an unauthenticated upload of 100 MB leaves 0 bytes in the upload directory', async () => {
      const res = await postForm(null, multipartForm({ csrf: 'x', fileBytes: 100 * 1000 * 1000 }));
      expect(res.statusCode).toBe(401);
      expect(await bytesIn(uploadDir)).toBe(0);
      const api = await t.app.inject({
        method: 'POST',
        url: '/api/v1/lheo-imports?source=anonyme',
        payload: multipartForm({ fileBytes: 100 * 1000 * 1000 }),
        headers: { 'content-type': 'application/xml' },
      });
      expect(api.statusCode).toBe(401);
      expect(await bytesIn(uploadDir)).toBe(0);
    });

    it('a wrong CSRF token, or a form whose first part is not its token, leaves 0 bytes', async () => {
      const b = await signedIn('admin.francetravail@passerelle.demo');
      const wrong = await postForm(
        b,
        multipartForm({ csrf: 'faux', fields: { source: 'flux-ft' }, fileBytes: 3 * MiB }),
      );
      expect(wrong.statusCode).toBe(403);
      expect(wrong.body).toContain('Jeton anti-falsification');
      const fileFirst = await postForm(b, multipartForm({ fileBytes: 3 * MiB }), 'application/json');
      expect(fileFirst.statusCode).toBe(403);
      expect(fileFirst.json().field).toBe('_csrf');
      expect(await bytesIn(uploadDir)).toBe(0);
    });

    it('a user without import rights leaves 0 bytes', async () => {
      const b = await signedIn('conseiller.missionlocale@passerelle.demo');
      const res = await postForm(
        b,
        multipartForm({ csrf: b.csrf, fields: { source: 'flux-ml' }, fileBytes: 3 * MiB }),
      );
      expect(res.statusCode).toBe(403);
      const api = await postXml(b, '/api/v1/lheo-imports?source=flux-ml', Buffer.alloc(MiB, 'a'));
      expect(api.statusCode).toBe(403);
      expect(await bytesIn(uploadDir)).toBe(0);
    });

    it('an over-limit upload is refused in French (413) and its partial file removed', async () => {
      const b = await signedIn('admin.francetravail@passerelle.demo');
      const page = await postForm(
        b,
        multipartForm({ csrf: b.csrf, fields: { source: 'flux-ft-gros' }, fileBytes: 100 * 1000 * 1000 }),
      );
      expect(page.statusCode).toBe(413);
      expect(page.body).toContain('Fichier trop volumineux\u00a0: la limite est de 5 Mo.');
      expect(await bytesIn(uploadDir)).toBe(0);
      const api = await postXml(
        b,
        '/api/v1/lheo-imports?source=flux-ft-gros',
        Readable.from(
          (async function* () {
            for (let i = 0; i < 200; i++) yield Buffer.alloc(64 * 1024, 'a');
          })(),
        ),
      );
      expect(api.statusCode).toBe(413);
      expect(api.headers['content-type']).toContain('application/problem+json');
      expect(api.json()).toMatchObject({ field: 'file', detail: expect.stringContaining('trop volumineux') });
      expect(await bytesIn(uploadDir)).toBe(0);
    });

    it('a client that goes away mid-upload leaves 0 bytes', async () => {
      const b = await signedIn('admin.francetravail@passerelle.demo');
      await postForm(
        b,
        multipartForm({
          csrf: b.csrf,
          fields: { source: 'flux-ft-coupe' },
          fileBytes: 4 * MiB,
          failAfter: 2 * MiB,
        }),
      ).catch(() => null);
      // The handler learns of it as the stream breaks: the file goes as soon as it does.
      await expect.poll(() => bytesIn(uploadDir)).toBe(0);
    });

    it('refuses an upload past the shared quota with 507 while another is received, then removes both', async () => {
      const b = await signedIn('admin.francetravail@passerelle.demo');
      let release = () => {};
      const pause = new Promise<void>((r) => {
        release = r;
      });
      // 4.5 MiB received and held; the quota is 8 MiB: a second upload of 4.5 MiB cannot fit.
      const first = postForm(
        b,
        multipartForm({
          csrf: b.csrf,
          fields: { source: 'flux-ft-quota' },
          fileBytes: 4.5 * MiB,
          pause,
          pauseAfter: 4 * MiB,
        }),
      );
      while ((await bytesIn(uploadDir)) < 4 * MiB) await new Promise((r) => setTimeout(r, 10));
      const second = await postForm(
        b,
        multipartForm({ csrf: b.csrf, fields: { source: 'flux-ft-quota' }, fileBytes: 4.5 * MiB }),
      );
      release();
      expect(second.statusCode).toBe(507);
      expect(second.body).toContain('L’espace réservé aux fichiers en cours d’import est plein');
      // The first one goes on: not XML, so refused as a whole (hole 15), and removed.
      expect((await first).statusCode).toBe(422);
      expect(await bytesIn(uploadDir)).toBe(0);
    });
  });

  describe('hole 15: a refused file is answered 4xx with its report', () => {
    it('answers 422 with id, reportUrl, error, line and column on the API, and shows it on the page', async () => {
      const b = await signedIn('admin.francetravail@passerelle.demo');
      const broken = Buffer.from(feed.toString('utf8').replace(/<\/offres>/, '</offre>'));
      const api = await postXml(b, '/api/v1/lheo-imports?source=flux-ft-casse&mode=full', broken);
      expect(api.statusCode).toBe(422);
      expect(api.headers['content-type']).toContain('application/problem+json');
      const problem = api.json();
      expect(problem).toMatchObject({
        status: 422,
        field: 'file',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        error: expect.stringMatching(/ligne \d+, colonne \d+/),
        line: expect.any(Number),
        column: expect.any(Number),
      });
      expect(problem.reportUrl).toBe(`/formations/imports/${problem.id}`);
      const report = await b.api('GET', `/api/v1/lheo-imports/${problem.id}`);
      expect(report.json().run.status).toBe('failed');
      const page = await postForm(
        b,
        Readable.from([
          Buffer.from(
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${b.csrf}\r\n` +
              `--${BOUNDARY}\r\nContent-Disposition: form-data; name="source"\r\n\r\nflux-ft-casse\r\n` +
              `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="casse.xml"\r\n\r\n`,
          ),
          broken,
          Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
        ]),
      );
      expect(page.statusCode).toBe(422);
      expect(page.body).toContain('Fichier refusé\u00a0: rien n’a été modifié');
      expect(page.body).toMatch(/href="\/formations\/imports\/[0-9a-f-]{36}"/);
    });
  });

  describe('hole 3: a source belongs to its owner', () => {
    it('refuses France Travail an empty full feed under a training organisation’s source, which keeps its offer', async () => {
      const of = await signedIn('gestionnaire.formation@passerelle.demo');
      const exported = await of.api('GET', '/api/v1/trainings/export.xml');
      // The export says each formation's source (the demo feed's): the OF takes its formations
      // over as its own offer only once that mark is removed (feed-safety.test.ts).
      const ownOffer = exported.body.replace(
        /<extras info="passerelle"><extra info="source">[^<]*<\/extra><\/extras>/g,
        '',
      );
      expect(ownOffer).not.toBe(exported.body);
      const own = await postXml(of, '/api/v1/lheo-imports?mode=full', Buffer.from(ownOffer));
      expect(own.statusCode).toBe(200);
      expect(own.json().counts.created).toBeGreaterThan(0);
      const { rows } = await sql<{ source: string }>`
        select source from lheo_import where id = ${own.json().id}`.execute(t.db);
      const source = rows[0]!.source;
      expect(source).toMatch(/^of-\d{14}$/);
      const offer = async () =>
        (
          await sql<{ n: number }>`
            select count(*)::int as n from training where source = ${source} and status = 'active'`.execute(
            t.db,
          )
        ).rows[0]!.n;
      const before = await offer();
      expect(before).toBe(own.json().counts.created);

      const ft = await signedIn('admin.francetravail@passerelle.demo');
      const empty = Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://lheo.gouv.fr/2.3"><offres></offres></lheo>',
      );
      const refused = await postXml(ft, `/api/v1/lheo-imports?source=${source}&mode=full`, empty);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().field).toBe('source');
      expect(await offer()).toBe(before);
      // Nor may it take the name of a training organisation's source that does not exist yet.
      const squat = await postXml(ft, '/api/v1/lheo-imports?source=of-00000000000000&mode=full', empty);
      expect(squat.statusCode).toBe(403);
      expect(squat.json().field).toBe('source');
    });

    it('keeps the declared Carif-Oref feed to the super-admin and its operator', async () => {
      const empty = Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://lheo.gouv.fr/2.3"><offres></offres></lheo>',
      );
      const demoOffer = async () =>
        (
          await sql<{ n: number }>`
            select count(*)::int as n from training where source = 'carif-oref-demo' and status = 'active'`.execute(
            t.db,
          )
        ).rows[0]!.n;
      const before = await demoOffer();
      expect(before).toBeGreaterThan(0);
      const ft = await signedIn('admin.francetravail@passerelle.demo');
      const refused = await postXml(ft, '/api/v1/lheo-imports?source=carif-oref-demo&mode=full', empty);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({
        field: 'source',
        detail: expect.stringContaining('Carif-Oref'),
      });
      expect(await demoOffer()).toBe(before);
      // Declared as its operator, France Travail may (a partial feed here: it withdraws nothing).
      await sql`update lheo_source set organisation_id = (
          select m.organisation_id from membership m join app_user u on u.id = m.user_id
          where u.email = 'admin.francetravail@passerelle.demo')
        where name = 'carif-oref-demo'`.execute(t.db);
      const operated = await postXml(ft, '/api/v1/lheo-imports?source=carif-oref-demo&mode=partial', empty);
      expect(operated.statusCode).toBe(200);
      await sql`update lheo_source set organisation_id = null where name = 'carif-oref-demo'`.execute(t.db);
      expect(await demoOffer()).toBe(before);
    });
  });

  describe('hole 10: parallel imports', () => {
    it('answers each of 4 parallel imports with what it committed', async () => {
      const ft = await signedIn('admin.francetravail@passerelle.demo');
      const answers = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          postXml(ft, `/api/v1/lheo-imports?source=flux-parallele-${n % 2}&mode=full`, feed),
        ),
      );
      for (const answer of answers) {
        expect(answer.statusCode).toBe(200);
        const body = answer.json();
        const { rows } = await sql<{
          status: string;
          counts: Record<string, number>;
          rejected_count: number;
        }>`
          select status, counts, rejected_count from lheo_import where id = ${body.id}`.execute(t.db);
        expect(rows[0]).toMatchObject({ status: 'done', counts: body.counts, rejected_count: body.rejected });
      }
      const words = await sql<{ n: number }>`select count(*)::int as n from training_word`.execute(t.db);
      expect(words.rows[0]!.n).toBeGreaterThan(0);
      expect(await bytesIn(uploadDir)).toBe(0);
    });
  });
});

describe.each(testEngines())('source owners backfilled by migration 0007 on %s', (engine) => {
  it('gives each source imported before to its owner, and an OF’s own source to that OF', async () => {
    const { db, drop } = await createTestDatabase(engine, { demo: true });
    try {
      const org = async (kind: string) =>
        (
          await sql<{ id: string; siret: string }>`
            select id, siret from organisation where kind = ${kind} and siret is not null order by name limit 1`.execute(
            db,
          )
        ).rows[0]!;
      const [of, ft, region] = [
        await org('organisme_formation'),
        await org('france_travail'),
        await org('region'),
      ];
      const run = (source: string, organisation: string | null, status: string, minutes: number) =>
        sql`insert into lheo_import (source, mode, file_name, sha256, size_bytes, status, organisation_id, started_at)
          values (${source}, 'full', 'f.xml', '', 1, ${status}, ${organisation}, now() - make_interval(mins => ${minutes}))`.execute(
          db,
        );
      // France Travail typed the OF's source name first; the Region's first try at its feed failed.
      await run(`of-${of.siret}`, ft.id, 'done', 50);
      await run(`of-${of.siret}`, of.id, 'done', 40);
      await run('flux-region', ft.id, 'failed', 30);
      await run('flux-region', region.id, 'done', 20);
      await run('carif-oref', null, 'done', 10);
      await sql`drop table lheo_source`.execute(db);
      await migrations['0007_feed_sources']!.up(db as never);
      const { rows } = await sql<{ name: string; kind: string; organisation_id: string | null }>`
        select name, kind, organisation_id from lheo_source order by name`.execute(db);
      expect(rows).toEqual([
        { name: 'carif-oref', kind: 'carif_oref', organisation_id: null },
        { name: 'carif-oref-demo', kind: 'carif_oref', organisation_id: null },
        { name: 'flux-region', kind: 'organisation', organisation_id: region.id },
        { name: `of-${of.siret}`, kind: 'organisation', organisation_id: of.id },
      ]);
    } finally {
      await drop();
    }
  });
});
