import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lheoXsdErrors } from '../../../../test/lheo-xsd.js';
import type { MappingContext } from './map.js';
import { mapFormation } from './map.js';
import type { LheoFormation } from './model.js';
import { readLheo, type XmlNode } from './reader.js';
import { formationXml, LHEO_HEAD, LHEO_TAIL } from './writer.js';

/** Every commune code of the shape INSEE uses is known here: these tests are about the fields. */
const context: MappingContext = {
  isRomeCode: (c) => /^[A-N]\d{4}$/.test(c),
  isCommune: (c) => /^(\d\d|2A|2B)\d{3}$/.test(c),
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
const doc = (formations: LheoFormation[]) => `${LHEO_HEAD}${formations.map(formationXml).join('\n')}${LHEO_TAIL}`;

describe('real Intercarif records', () => {
  it.each(REAL)('%s: import → export valid against the LHÉO 2.3 XSD → re-import gives the same data', async (name) => {
    const first = await mapAll(real(name));
    expect(first.flatMap((r) => r.rejections)).toEqual([]);
    const formations = first.map((r) => r.formation!);
    const exported = doc(formations);
    expect(await lheoXsdErrors(exported)).toEqual([]);
    const second = await mapAll(exported);
    expect(second.flatMap((r) => r.rejections)).toEqual([]);
    expect(second.map((r) => r.formation)).toEqual(formations);
  });
});
