import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testConfig } from '../../../test/config.js';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import { sampleService, sampleStructure } from '../../../test/directory-fixtures.js';
import { memoryMailer } from '../../shared/mailer.js';
import type { Actor } from '../identity/model.js';
import { buildServices } from '../index.js';
import { SERVICE_FIELDS, STRUCTURE_FIELDS } from './records.js';
import { recordsRepository } from './records-repository.js';

/**
 * Export of the directory in the data·inclusion schema (issue 13 §3, « the region's export
 * validates against the schema »): every item of the API checked by an Ajv of its own (not the
 * module's, which could share a fault with what it checks), the filters and their bad values, the
 * files, and a round trip into a fresh database.
 */
const schemaOf = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../data/data-inclusion/${name}.json`, import.meta.url), 'utf8'),
  ) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validStructure = ajv.compile(schemaOf('structure'));
const validService = ajv.compile(schemaOf('service'));

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/data-inclusion/${name}`, import.meta.url), 'utf8');

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

describe.each(testEngines())('directory export on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  const get = async (url: string) => {
    const res = await admin.api('GET', url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Record<string, unknown>[]; total: number; page: number; size: number };
  };
  const ids = (page: { items: Record<string, unknown>[] }) => page.items.map((i) => i.id);

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    admin = await new Browser(t.app).login('superadmin@passerelle.demo');
    await admin.get('/annuaire/imports');
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/v1/directory/imports?fileName=import.json',
      payload: fixture('import.json'),
      headers: { cookie: admin.cookies, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const records = recordsRepository(t.db);
    const s = await records.writeStructure(t.db, sampleStructure());
    await records.writeService(t.db, sampleService(), s.uuid);
  }, 180_000);
  afterAll(() => t?.close());

  it('gives every structure and service exactly in the schema’s shape, valid against its JSON Schema', async () => {
    const structures = await get('/api/v1/directory/structures?size=1000');
    const services = await get('/api/v1/directory/services?size=1000');
    expect(ids(structures)).toEqual(expect.arrayContaining(['test--mde-villeurbanne', 'dora--ccas-lyon']));
    expect(ids(services)).toEqual(expect.arrayContaining(['test--mde-logement', 'dora--ccas-lyon-logement']));
    for (const item of structures.items) {
      expect(validStructure(item), `${item.id}: ${ajv.errorsText(validStructure.errors)}`).toBe(true);
      expect(Object.keys(item)).toEqual([...STRUCTURE_FIELDS]);
    }
    for (const item of services.items) {
      expect(validService(item), `${item.id}: ${ajv.errorsText(validService.errors)}`).toBe(true);
      expect(Object.keys(item)).toEqual([...SERVICE_FIELDS]);
    }
    expect(structures.items.find((i) => i.id === 'dora--ccas-lyon')).toEqual(sampleStructure());
    expect(services.items.find((i) => i.id === 'dora--ccas-lyon-logement')).toEqual(sampleService());
    const keys = structures.items.map((i) => `${i.source}\u0000${i.id}`);
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('pages and filters like the data·inclusion API', async () => {
    const all = await get('/api/v1/directory/structures?size=1000');
    const second = await get('/api/v1/directory/structures?page=2&size=1');
    expect(second).toMatchObject({ total: all.total, page: 2, size: 1 });
    expect(ids(second)).toEqual([all.items[1]!.id]);
    const test = await get('/api/v1/directory/services?source=test');
    expect(ids(test)).toEqual(['test--mde-logement']);
    const housing = await get('/api/v1/directory/services?size=1000&thematiques=logement-hebergement');
    expect(ids(housing)).toEqual(expect.arrayContaining(['test--mde-logement', 'dora--ccas-lyon-logement']));
    for (const item of housing.items)
      expect((item.thematiques as string[]).some((c) => c.startsWith('logement-hebergement--'))).toBe(true);
    const job = await get(
      '/api/v1/directory/services?size=1000&thematiques=trouver-un-emploi--faire-des-candidatures-spontanees,sante',
    );
    expect(ids(job)).toContain('test--mde-logement');
    expect(ids(job)).not.toContain('dora--ccas-lyon-logement');
    expect(ids(await get('/api/v1/directory/services?size=1000&code_commune=69266'))).toContain(
      'test--mde-logement',
    );
    const lyon = await get('/api/v1/directory/services?size=1000&code_commune=69123');
    expect(ids(lyon)).toContain('dora--ccas-lyon-logement');
    expect(ids(lyon)).not.toContain('test--mde-logement');
    const rhone = await get('/api/v1/directory/services?size=1000&code_departement=69');
    expect(ids(rhone)).toEqual(expect.arrayContaining(['test--mde-logement', 'dora--ccas-lyon-logement']));
    const recent = await get('/api/v1/directory/services?size=1000&date_maj_depuis=2026-09-15');
    expect(ids(recent)).toContain('dora--ccas-lyon-logement');
    expect(ids(recent)).not.toContain('test--mde-logement');
    const rhoneStructures = await get(
      '/api/v1/directory/structures?size=1000&code_departement=69&source=test',
    );
    expect(ids(rhoneStructures)).toEqual(['test--mde-villeurbanne']);
    const housingStructures = await get(
      '/api/v1/directory/structures?thematiques=logement-hebergement&source=dora',
    );
    expect(ids(housingStructures)).toContain('dora--ccas-lyon');
  });

  it.each([
    ['size=0', 'size'],
    ['size=1001', 'size'],
    ['page=0', 'page'],
    ['page=deux', 'page'],
    ['thematiques=logement', 'thematiques'],
    ['code_departement=999', 'code_departement'],
    ['code_commune=6912', 'code_commune'],
    ['date_maj_depuis=2026-02-30', 'date_maj_depuis'],
    ['source=a%20b', 'source'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    for (const kind of ['structures', 'services']) {
      const res = await admin.api('GET', `/api/v1/directory/${kind}?${query}`);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().field).toBe(field);
    }
  });

  it('is for the members of an organisation: anonymous callers are refused', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/directory/services' });
    expect(res.statusCode).toBe(401);
    const member = await new Browser(t.app).login('gestionnaire.formation@passerelle.demo');
    await member.get('/');
    const api = await member.api('GET', '/api/v1/directory/services');
    expect(api.statusCode, api.body).toBe(200);
    const file = await member.get('/annuaire/export/services.csv');
    expect(file.statusCode, file.body.slice(0, 2000)).toBe(200);
    expect((await member.get('/annuaire/export/autre.csv')).statusCode).toBe(404);
  });

  it('round trip: the exported files imported into a fresh database give the same directory', async () => {
    const download = async (file: string) => {
      const res = await admin.get(`/annuaire/export/${file}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="annuaire-/);
      return res.body;
    };
    const files = Object.fromEntries(
      await Promise.all(
        ['structures.json', 'services.json', 'structures.csv', 'services.csv'].map(
          async (f) => [f, await download(f)] as const,
        ),
      ),
    );
    const structures = JSON.parse(files['structures.json']!) as unknown[];
    const services = JSON.parse(files['services.json']!) as unknown[];
    const original = {
      structures: (await get('/api/v1/directory/structures?size=1000')).items,
      services: (await get('/api/v1/directory/services?size=1000')).items,
    };
    expect(structures).toEqual(original.structures);
    const fresh = await createTestDatabase(engine);
    try {
      const { directory } = buildServices({
        config: testConfig(),
        db: fresh.db,
        mailer: memoryMailer(),
        homeOffers: () => [],
      });
      const s = await directory.importFile(PLATFORM, {
        fileName: 'structures.json',
        content: files['structures.json']!,
      });
      expect(s.counts).toMatchObject({ structuresCreated: structures.length, rejected: 0 });
      const v = await directory.importFile(PLATFORM, {
        fileName: 'services.json',
        content: files['services.json']!,
      });
      expect(v.counts).toMatchObject({ servicesCreated: services.length, rejected: 0 });
      expect((await directory.exportStructures(PLATFORM, { size: '1000' })).items).toEqual(
        original.structures,
      );
      expect((await directory.exportServices(PLATFORM, { size: '1000' })).items).toEqual(original.services);
      // The CSV files carry the same records: all unchanged.
      const sc = await directory.importFile(PLATFORM, {
        fileName: 'structures.csv',
        content: files['structures.csv']!,
      });
      expect(sc.counts).toMatchObject({ unchanged: structures.length, rejected: 0, structuresUpdated: 0 });
      const vc = await directory.importFile(PLATFORM, {
        fileName: 'services.csv',
        content: files['services.csv']!,
      });
      expect(vc.counts).toMatchObject({ unchanged: services.length, rejected: 0, servicesUpdated: 0 });
    } finally {
      await fresh.drop();
    }
  });
});
