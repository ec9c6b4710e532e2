import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import { sampleService, sampleStructure } from '../../../test/directory-fixtures.js';
import type { Db } from '../../db/database.js';
import { memoryMailer } from '../../shared/mailer.js';
import type { Actor } from '../identity/model.js';
import type { DirectoryCore } from './core.js';
import { parseDirectoryFile } from './import-parse.js';
import { importUseCases } from './import-service.js';
import type { DirectoryNeeds } from './needs.js';
import { recordsRepository } from './records-repository.js';

/**
 * Import of a data·inclusion file (issue 13 §3, « bad input »): each bad record rejected with every
 * problem found in it, the valid ones stored, the same file twice changing nothing, CSV read as
 * JSON, a malformed file refused naming `fichier` with nothing stored, and who may import.
 */
const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/data-inclusion/${name}`, import.meta.url), 'utf8');

/** The rejections as (kind, rank, id, fields) and the messages by field, to compare exactly. */
type Rejection = {
  kind: string;
  index: number;
  id: string | null;
  problems: { field: string; message: string }[];
};
const shapeOf = (rejections: Rejection[]) =>
  rejections.map((r) => ({
    kind: r.kind,
    index: r.index,
    id: r.id,
    fields: r.problems.map((p) => p.field).sort(),
  }));

describe('reading a data·inclusion file', () => {
  it('tells structures from services in one array, and keeps each record’s rank', () => {
    const file = parseDirectoryFile('x.json', JSON.stringify([{ id: 'a' }, { id: 'b', structure_id: 'a' }]));
    expect(file.structures).toEqual([{ index: 1, record: { id: 'a' } }]);
    expect(file.services).toEqual([{ index: 2, record: { id: 'b', structure_id: 'a' } }]);
    expect(parseDirectoryFile('page.json', '{"items":[{"id":"a"}]}').structures).toHaveLength(1);
  });

  it('reads CSV cells as the schema’s values: lists three ways, decimal commas, empty as null, quoted line breaks', () => {
    const file = parseDirectoryFile('services.csv', fixture('services.csv'));
    expect(file.format).toBe('csv');
    expect(file.services.map((r) => r.index)).toEqual([2, 4, 5, 6]);
    expect(file.services[0]!.record).toMatchObject({
      description: 'Aide à la recherche d’un logement,\ndossier de logement social.',
      thematiques: [
        'logement-hebergement--louer-un-logement',
        'trouver-un-emploi--faire-des-candidatures-spontanees',
      ],
      modes_accueil: ['en-presentiel', 'a-distance'],
      publics: ['tous-publics'],
      volume_horaire_hebdomadaire: 2.5,
      telephone: null,
    });
    expect(
      parseDirectoryFile('s.csv', "source;id;nom;date_maj;telephone\nx;y;z;2026-01-01;'+33100000000\n")
        .structures[0]!.record.telephone,
    ).toBe('+33100000000');
  });

  it.each([
    ['truncated.json', fixture('truncated-json.txt'), /tronqué/],
    ['bad.json', '{"structures": [}', /caractère « } » inattendu/],
    ['bad2.json', '{"a": 1,\n "b" 2}', /ligne 2, colonne 6/],
    ['shape.json', '{"foo": 1}', /Forme du fichier inconnue/],
    ['shape2.json', '{"structures": 3}', /tableaux/],
    ['empty.csv', '  ', /vide/],
    ['unknown.csv', 'a;b;c\n1;2;3\n', /en-tête/],
    ['open.csv', 'source,id,nom\nx,"y,z\n', /guillemet/],
  ])('refuses %s as a whole, naming fichier', (name, content, message) => {
    expect(() => parseDirectoryFile(name, content)).toThrow(message);
    try {
      parseDirectoryFile(name, content);
    } catch (error) {
      expect((error as { field?: string }).field).toBe('fichier');
    }
  });
});

describe.each(testEngines())('directory imports on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  const post = (b: Browser, body: string, query: string, type = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/directory/imports?${query}`,
      payload: body,
      headers: {
        cookie: b.cookies,
        'x-csrf-token': b.csrf,
        accept: 'application/json',
        'content-type': type,
      },
    });
  const count = async (table: 'directory_structure' | 'directory_service') =>
    Number(
      (
        await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where source = 'test'`.execute(
          t.db,
        )
      ).rows[0]!.n,
    );
  async function member(kind: string, role: string) {
    const email = `a.${randomUUID().slice(0, 8)}@passerelle.demo`;
    await sql`
      with u as (insert into app_user (email, first_name, last_name, password_hash)
        select ${email}, 'Camille', 'Annuaire', password_hash from app_user where email = 'superadmin@passerelle.demo' returning id)
      insert into membership (user_id, organisation_id, role)
      select u.id, (select id from organisation where kind = ${kind} order by name limit 1), ${role} from u`.execute(
      t.db,
    );
    const b = await new Browser(t.app).login(email);
    await b.get('/annuaire/imports');
    return b;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    admin = await new Browser(t.app).login('superadmin@passerelle.demo');
    await admin.get('/annuaire/imports');
  }, 180_000);
  afterAll(() => t?.close());

  const expectedRejections = [
    { kind: 'structure', index: 2, id: 'test--cle-fausse', fields: ['date_maj', 'siret'] },
    { kind: 'structure', index: 3, id: 'test--commune-inconnue', fields: ['code_insee'] },
    { kind: 'service', index: 2, id: 'test--thematique-inconnue', fields: ['frais', 'thematiques'] },
    { kind: 'service', index: 3, id: 'test--structure-inconnue', fields: ['structure_id'] },
    { kind: 'service', index: 4, id: 'test--date-fausse', fields: ['date_maj'] },
    { kind: 'service', index: 5, id: 'test--structure-rejetee', fields: ['structure_id'] },
  ];

  it('rejects each bad record with all its problems and stores the valid ones', async () => {
    const res = await post(admin, fixture('import.json'), 'fileName=import.json');
    expect(res.statusCode, res.body).toBe(201);
    const run = res.json();
    expect(run).toMatchObject({ status: 'done', format: 'json', source: 'test', fileName: 'import.json' });
    expect(run.counts).toEqual({
      structuresCreated: 1,
      structuresUpdated: 0,
      servicesCreated: 1,
      servicesUpdated: 0,
      unchanged: 0,
      rejected: 6,
    });
    expect(shapeOf(run.rejections)).toEqual(expectedRejections);
    const messages = Object.fromEntries(
      (run.rejections as Rejection[]).flatMap((r) =>
        r.problems.map((p) => [`${r.id}/${p.field}`, p.message]),
      ),
    );
    expect(messages['test--cle-fausse/siret']).toContain('clé de contrôle');
    expect(messages['test--cle-fausse/date_maj']).toContain('date invalide');
    expect(messages['test--commune-inconnue/code_insee']).toBe(
      'code INSEE « 69999 » inconnu du référentiel des communes',
    );
    expect(messages['test--thematique-inconnue/thematiques']).toContain('« logement »');
    expect(messages['test--structure-inconnue/structure_id']).toContain('structure inconnue');
    expect(messages['test--structure-rejetee/structure_id']).toContain(
      'rejetée dans ce fichier (enregistrement n° 2)',
    );
    expect(await count('directory_structure')).toBe(1);
    expect(await count('directory_service')).toBe(1);
    // The report reads back from the API.
    const report = await admin.api('GET', `/api/v1/directory/imports/${run.id}`);
    expect(report.statusCode).toBe(200);
    expect(shapeOf(report.json().rejections)).toEqual(expectedRejections);
  });

  it('imports the same file again without a change: all unchanged, nothing duplicated', async () => {
    const run = (await post(admin, fixture('import.json'), 'fileName=import.json')).json();
    expect(run.counts).toMatchObject({
      structuresCreated: 0,
      servicesCreated: 0,
      structuresUpdated: 0,
      servicesUpdated: 0,
      unchanged: 2,
      rejected: 6,
    });
    expect(await count('directory_structure')).toBe(1);
    expect(await count('directory_service')).toBe(1);
  });

  it('reads the same records from CSV files (either separator): the same rejections, the valid ones unchanged', async () => {
    const s = (await post(admin, fixture('structures.csv'), 'fileName=structures.csv', 'text/csv')).json();
    expect(s.format).toBe('csv');
    expect(s.counts).toMatchObject({ unchanged: 1, rejected: 2, structuresCreated: 0, structuresUpdated: 0 });
    expect(shapeOf(s.rejections)).toEqual([
      { kind: 'structure', index: 3, id: 'test--cle-fausse', fields: ['date_maj', 'siret'] },
      { kind: 'structure', index: 4, id: 'test--commune-inconnue', fields: ['code_insee'] },
    ]);
    const v = (await post(admin, fixture('services.csv'), '', 'text/csv')).json();
    expect(v.counts).toMatchObject({ unchanged: 1, rejected: 3, servicesCreated: 0, servicesUpdated: 0 });
    expect(shapeOf(v.rejections)).toEqual([
      { kind: 'service', index: 4, id: 'test--thematique-inconnue', fields: ['frais', 'thematiques'] },
      { kind: 'service', index: 5, id: 'test--structure-inconnue', fields: ['structure_id'] },
      { kind: 'service', index: 6, id: 'test--date-fausse', fields: ['date_maj'] },
    ]);
  });

  it('refuses a malformed file with a 400 naming fichier, and stores nothing (not even a run)', async () => {
    const runs = async () =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from directory_import_run`.execute(t.db)).rows[0]!.n,
      );
    const before = await runs();
    const res = await post(admin, fixture('truncated-json.txt'), 'fileName=tronque.json');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'fichier' });
    expect(await runs()).toBe(before);
    const csv = await post(admin, 'a;b\n1;2\n', 'fileName=x.csv', 'text/csv');
    expect(csv.statusCode).toBe(400);
    expect(csv.json().field).toBe('fichier');
  });

  it('links a structure it creates to the organisation with its SIRET, and never changes a link', async () => {
    const org = (
      await sql<{
        id: string;
        siret: string;
      }>`select id, siret from organisation where siret is not null order by name limit 1`.execute(t.db)
    ).rows[0]!;
    const record = {
      source: 'test',
      id: 'test--lien',
      nom: 'Structure liée',
      date_maj: '2026-09-01',
      siret: org.siret,
    };
    expect((await post(admin, JSON.stringify([record]), 'fileName=lien.json')).statusCode).toBe(201);
    const linked = async () =>
      (
        await sql<{
          organisation_id: string | null;
        }>`select organisation_id from directory_structure where source_id = 'test--lien'`.execute(t.db)
      ).rows[0]!.organisation_id;
    expect(await linked()).toBe(org.id);
    await sql`update directory_structure set organisation_id = null where source_id = 'test--lien'`.execute(
      t.db,
    );
    const again = (
      await post(admin, JSON.stringify([{ ...record, nom: 'Structure liée, renommée' }]), '')
    ).json();
    expect(again.counts.structuresUpdated).toBe(1);
    expect(await linked()).toBeNull();
  });

  it('lets the Region’s gestionnaires import, and refuses the other organisations (403, page and API)', async () => {
    const region = await member('region', 'gestionnaire');
    const ok = await post(
      region,
      JSON.stringify([{ source: 'test', id: 'test--region', nom: 'Par la Région', date_maj: '2026-09-01' }]),
      '',
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().actor).toMatch(/@passerelle\.demo$/);
    const counsellor = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
    await counsellor.get('/');
    expect((await post(counsellor, fixture('import.json'), '')).statusCode).toBe(403);
    expect((await counsellor.get('/annuaire/imports')).statusCode).toBe(403);
    const ftAdmin = await new Browser(t.app).login('admin.francetravail@passerelle.demo');
    await ftAdmin.get('/');
    expect((await post(ftAdmin, fixture('import.json'), '')).statusCode).toBe(403);
    expect((await ftAdmin.api('GET', `/api/v1/directory/imports/${randomUUID()}`)).statusCode).toBe(403);
    expect((await admin.api('GET', `/api/v1/directory/imports/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('imports from the page’s form and shows the report with every problem', async () => {
    const boundary = '----annuaire';
    const file = fixture('import.json');
    const res = await t.app.inject({
      method: 'POST',
      url: '/annuaire/imports',
      payload: Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${admin.csrf}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\n\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="annuaire.json"\r\nContent-Type: application/json\r\n\r\n${file}\r\n--${boundary}--\r\n`,
      ),
      headers: {
        cookie: admin.cookies,
        accept: 'text/html',
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    });
    expect(res.statusCode, res.body).toBe(303);
    const report = await admin.get(res.headers.location as string);
    expect(report.statusCode).toBe(200);
    expect(report.body).toContain('test--structure-inconnue');
    expect(report.body).toMatch(/code INSEE .{1,2}69999.{1,2} inconnu/);
    const list = await admin.get('/annuaire/imports');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('annuaire.json');
    // A malformed file is shown on the form, with nothing stored.
    const bad = await t.app.inject({
      method: 'POST',
      url: '/annuaire/imports',
      payload: Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${admin.csrf}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="tronque.json"\r\nContent-Type: application/json\r\n\r\n${fixture('truncated-json.txt')}\r\n--${boundary}--\r\n`,
      ),
      headers: {
        cookie: admin.cookies,
        accept: 'text/html',
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('JSON mal formé');
  });
});

const PLATFORM: Actor = {
  via: 'token',
  userId: null,
  label: 'Test',
  isSuperAdmin: true,
  organisationId: null,
  role: null,
  memberships: [],
  ip: null,
};

describe.each(testEngines())('directory import’s bad input and crashes on %s', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine));
  }, 180_000);
  afterAll(async () => drop?.());
  const useCases = (records = recordsRepository(db)) =>
    importUseCases({
      db,
      needs: {} as DirectoryNeeds,
      records,
      today: () => '2026-11-24',
      mailer: memoryMailer(),
      publicUrl: '',
      mapTiles: '',
    } satisfies DirectoryCore);
  const stored = async (source: string) =>
    Number(
      (
        await sql<{ n: string }>`select (select count(*) from directory_structure where source = ${source})
          + (select count(*) from directory_service where source = ${source}) as n`.execute(db)
      ).rows[0]!.n,
    );

  it('rejects, never crashes on, what the schema leaves open and the database would refuse', async () => {
    const s = (over: Record<string, unknown>) => ({ ...sampleStructure({ source: 'bad' }), ...over });
    const run = await useCases().importFile(PLATFORM, {
      fileName: 'bad.json',
      content: JSON.stringify([
        null,
        3,
        [],
        s({ id: 'bad--nul', nom: 'Nul\u0000' }),
        s({ id: 'x'.repeat(301) }),
        s({ id: 'bad--loin', latitude: 200, longitude: -500 }),
        s({ id: 'bad--ok' }),
        s({ id: 'bad--ok', nom: 'Le même id' }),
        { ...sampleService({ source: 'bad', structure_id: 'bad--ok' }), nombre_semaines: 3_000_000_000 },
      ]),
    });
    expect(run.status).toBe('done');
    expect(
      run.rejections.map((r) => [
        r.index,
        r.problems
          .map((p) => p.field)
          .sort()
          .join(','),
      ]),
    ).toEqual([
      [1, '(enregistrement)'],
      [2, '(enregistrement)'],
      [3, '(enregistrement)'],
      [4, 'nom'],
      [5, 'id'],
      [6, 'latitude,longitude'],
      [8, 'id'],
      [9, 'nombre_semaines'],
    ]);
    expect(run.rejections[6]!.problems[0]!.message).toContain(
      'en double dans le fichier (enregistrement n° 7)',
    );
    expect(run.counts).toMatchObject({ structuresCreated: 1, rejected: 8 });
  });

  it('a crash mid-way marks the run failed and keeps the batches committed before it, never half of one', async () => {
    const real = recordsRepository(db);
    let calls = 0;
    const failing = {
      ...real,
      async writeService(...args: Parameters<typeof real.writeService>) {
        if (++calls === 2) throw new Error('disque plein');
        return real.writeService(...args);
      },
    };
    const file = {
      structures: [sampleStructure({ source: 'crash', id: 'crash--s' })],
      services: [
        sampleService({ source: 'crash', id: 'crash--v1', structure_id: 'crash--s' }),
        sampleService({ source: 'crash', id: 'crash--v2', structure_id: 'crash--s' }),
      ],
    };
    const imports = useCases(failing);
    await expect(
      imports.importFile(PLATFORM, { fileName: 'crash.json', content: JSON.stringify(file) }),
    ).rejects.toThrow('disque plein');
    // The structures' batch stays; the services' batch (v1 written, then the crash) is rolled back whole.
    expect(await stored('crash')).toBe(1);
    const [run] = await imports.importRuns(PLATFORM);
    expect(run).toMatchObject({ status: 'failed', error: 'disque plein', source: 'crash' });
    expect(run!.counts).toMatchObject({ structuresCreated: 1, servicesCreated: 0 });
    // Run again once the cause is gone: the structure unchanged, the services created.
    const again = await useCases().importFile(PLATFORM, {
      fileName: 'crash.json',
      content: JSON.stringify(file),
    });
    expect(again.counts).toMatchObject({ unchanged: 1, servicesCreated: 2, rejected: 0 });
  });
});
