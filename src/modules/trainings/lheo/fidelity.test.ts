import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines } from '../../../../test/databases.js';
import { sampleFormation } from '../../../../test/lheo-sample.js';
import { lheoXsdErrors } from '../../../../test/lheo-xsd.js';
import type { Db } from '../../../db/database.js';
import { importLheo } from '../importer.js';
import { catalogueRepository } from '../repository.js';
import { PLATFORM } from '../rights.js';
import type { MappingContext } from './map.js';
import { mapFormation } from './map.js';
import type { LheoAddress, LheoFormation } from './model.js';
import { readLheo, type XmlNode } from './reader.js';
import { formationXml, LHEO_HEAD, LHEO_TAIL } from './writer.js';

/** The referential's communes with their points (these tests are about the fields, not the database). */
const COMMUNES = new Map(
  readFileSync(resolve(import.meta.dirname, '../../../../data/referentials/communes_points.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const [code, name, department, postcodes, latitude, longitude] = line.split('\t');
      return [
        code!,
        {
          name: name!,
          department: department!,
          postcodes: postcodes!.split(' '),
          latitude: Number(latitude),
          longitude: Number(longitude),
        },
      ] as const;
    }),
);
/** Every commune code of the shape INSEE uses is known here; a place is put where the file says. */
const context: MappingContext = {
  isRomeCode: (c) => /^[A-N]\d{4}$/.test(c),
  isCommune: (c) => /^(\d\d|2A|2B)\d{3}$/.test(c),
  resolveCommune: (a) => {
    const code =
      a.inseeCode && COMMUNES.has(a.inseeCode)
        ? a.inseeCode
        : [...COMMUNES].find(([, c]) => c.postcodes.includes(a.postalCode))?.[0];
    const point = code && COMMUNES.get(code);
    return code && point
      ? { code, point, note: null }
      : { error: `commune « ${a.inseeCode ?? a.city} » inconnue` };
  },
  resolvePlace: (a) => ({
    communeCode: a.inseeCode ?? '69123',
    department: a.department ?? '69',
    latitude: a.latitude ?? 45.76,
    longitude: a.longitude ?? 4.83,
  }),
};

async function* chunks(text: string) {
  yield new TextEncoder().encode(text);
}

async function mapAll(xml: string) {
  const nodes: XmlNode[] = [];
  await readLheo(chunks(xml), (node) => {
    nodes.push(node);
  });
  return nodes.map((n) => mapFormation(n, context));
}

const REAL = ['intercarif-afpa-plaquiste.xml', 'intercarif-daeu.xml', 'intercarif-poec.xml'];
const real = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/lheo/${name}`, import.meta.url), 'utf8');
const doc = (formations: LheoFormation[]) =>
  `${LHEO_HEAD}${formations.map(formationXml).join('\n')}${LHEO_TAIL}`;

describe('real Intercarif records', () => {
  it.each(REAL)(
    '%s: import → export valid against the LHÉO 2.3 XSD → re-import gives the same data',
    async (name) => {
      const first = await mapAll(real(name));
      expect(first.flatMap((r) => r.rejections)).toEqual([]);
      const formations = first.map((r) => r.formation!);
      const exported = doc(formations);
      expect(await lheoXsdErrors(exported)).toEqual([]);
      const second = await mapAll(exported);
      expect(second.flatMap((r) => r.rejections)).toEqual([]);
      expect(second.map((r) => r.formation)).toEqual(formations);
    },
  );
});

describe('addresses that only inform', () => {
  it('keep a placeholder contact address (« 00000 », « - ») instead of rejecting the formation', async () => {
    const nodes: XmlNode[] = [];
    await readLheo(chunks(real('intercarif-daeu.xml')), (node) => {
      nodes.push(node);
    });
    // No commune 00000: only where training happens and where one registers is checked.
    const strict: MappingContext = { ...context, isCommune: (c) => c !== '00000' && context.isCommune(c) };
    const [mapped] = nodes.map((n) => mapFormation(n, strict));
    expect(mapped!.rejections).toEqual([]);
    expect(mapped!.formation!.provider.contact.address).toMatchObject({ postalCode: '00000', city: '-' });
  });
});

describe('LHÉO export within the schema’s limits', () => {
  it('writes a valid document from values past the XSD lengths (long names, lines, phones) and text public codes', async () => {
    const f = sampleFormation(5, 2);
    const long = 'Jean-Baptiste-Marie de La Tour d’Auvergne-Lauraguais et de Bouillon';
    const messy: LheoFormation = {
      ...f,
      contact: {
        ...f.contact,
        name: long,
        firstName: long,
        civility: long,
        phone: '04 72 00 00 00 / 06 12 34 56 78 (standard)',
      },
      provider: {
        ...f.provider,
        address: {
          ...f.provider.address,
          lines: [
            `${long} — bâtiment B, escalier 4, troisième étage gauche`,
            'ZA des Trois Chênes',
            'BP 12',
            'CS 4567',
            'Cedex 9',
          ],
        },
        contact: { ...f.provider.contact, name: long, email: `${'x'.repeat(170)}@example.fr`, web: 'ab' },
      },
      actions: f.actions.map((a) => ({
        ...a,
        // What the demo wrote before: a text where the schema wants a Formacode code.
        publicCodes: ['Demandeurs d’emploi', '80006'],
        publicInfo: 'Public '.repeat(60),
        disabilityAccess: 'Accès '.repeat(60),
        recruitmentAreaInfo: 'Région et départements limitrophes, sur dérogation',
        place: a.place && { ...a.place, name: long.repeat(5), phone: '0'.repeat(30) },
      })),
    };
    const xml = doc([messy]);
    expect(await lheoXsdErrors(xml)).toEqual([]);
    const [back] = await mapAll(xml);
    expect(back!.rejections).toEqual([]);
    // Cut to the schema, not dropped: the reader gets the start of each value back.
    expect(back!.formation!.contact.name).toBe(`${long.slice(0, 49).trimEnd()}…`);
    expect(back!.formation!.actions[0]!.publicCodes).toEqual(['80006']);
    expect(back!.formation!.actions[0]!.publicInfo).toMatch(/^Public Public .*…$/);
    expect(back!.formation!.provider.address.lines.every((l) => l.length <= 50)).toBe(true);
    expect(back!.formation!.provider.address.lines.join(' ')).toMatch(
      /^Jean-Baptiste-Marie de La Tour d’Auvergne/,
    );
  });

  it('keeps a demo feed (generate:lheo) valid against the XSD', async () => {
    const formations = [...Array(20).keys()].map((i) => sampleFormation(100 + i, 4));
    expect(await lheoXsdErrors(doc(formations))).toEqual([]);
  });
});

/**
 * Every address of a formation moved to Lyon: the commune referential (and how historic codes
 * resolve) is another test's concern; this one is about what the catalogue stores.
 */
function inLyon(f: LheoFormation): LheoFormation {
  const lyon = <A extends LheoAddress>(a: A): A => ({
    ...a,
    postalCode: '69001',
    city: 'Lyon',
    inseeCode: '69123',
    // Moved with it: coordinates over 20 km from the commune would be replaced (FAR_COORDINATES_KM).
    ...(a.latitude !== null ? { latitude: 45.758, longitude: 4.8351 } : {}),
  });
  const contact = <C extends { address: LheoAddress | null }>(c: C): C => ({
    ...c,
    address: c.address && lyon(c.address),
  });
  return {
    ...f,
    contact: contact(f.contact),
    provider: {
      ...f.provider,
      address: lyon(f.provider.address),
      contact: contact(f.provider.contact),
      coordinates: contact(f.provider.coordinates),
    },
    actions: f.actions.map((a) => ({
      ...a,
      place: a.place && lyon(a.place),
      informationAddress: a.informationAddress && lyon(a.informationAddress),
      trainers: a.trainers.map((t) => ({ ...t, contact: t.contact && contact(t.contact) })),
      sessions: a.sessions.map((x) => ({ ...x, registrationAddress: lyon(x.registrationAddress) })),
    })),
  };
}

describe.each(testEngines())('real records stored on %s', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine));
    // A database copy takes minutes on a loaded machine (2 cores shared by the whole team).
  }, 600_000);
  afterAll(() => drop());

  it('keeps every field the model reads, and the catalogue exports each record as it came', async () => {
    const formations = (await Promise.all(REAL.map(async (name) => mapAll(real(name)))))
      .flat()
      .map((r) => inLyon(r.formation!));
    const file = Buffer.from(doc(formations));
    const outcome = await importLheo(db, {
      source: 'intercarif',
      mode: 'full',
      fileName: 'intercarif.xml',
      sizeBytes: file.length,
      open: async function* () {
        yield file;
      },
      maxBytes: 50e6,
      by: PLATFORM,
    });
    expect(outcome.rejected).toBe(0);
    const ids = (
      await db
        .selectFrom('training')
        .select('id')
        .where('source', '=', 'intercarif')
        .orderBy('lheo_number')
        .execute()
    ).map((r) => r.id);
    const loaded = await catalogueRepository(db).load(ids);
    const byNumber = new Map(loaded.map((t) => [t.number, t]));
    for (const f of formations) {
      const stored = byNumber.get(f.number)!;
      // The writer reads every field of the model: the same XML means the same data.
      // (without the source mark an export adds: the file itself carried none)
      expect(formationXml({ ...stored, source: undefined })).toBe(formationXml(f));
      expect(stored).toMatchObject({
        mainFormacode: f.mainFormacode,
        certifinfoCode: f.certifinfoCode,
        generalObjective: f.generalObjective,
        extras: f.extras,
        stamps: f.stamps,
      });
    }
    const poec = byNumber.get('24_162227')!;
    expect(poec.actions[0]).toMatchObject({
      url: 'http://www.espace-competences.org/Formation/Action/1390142',
      languages: ['FR'],
      recruitmentArea: '0',
      hoursTotal: 400,
      contracted: true,
      contractedHours: 400,
      trainers: [{ siret: '49386136300064', legalName: 'Openclassrooms' }],
      funders: [{ code: '16', places: 20, extras: [expect.stringContaining('programme-financeur')] }],
    });
    expect(poec.contact).toMatchObject({ civility: 'Monsieur', name: 'DUBUC', firstName: 'Pierre' });
    expect(poec.mainFormacode).toBe('32688');
    expect(poec.stamps).toEqual({ createdOn: '20180601', updatedOn: '20180601' });
  });
});
