import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COURSE_TYPES,
  FUNDERS,
  GENERAL_OBJECTIVES,
  LEVELS,
  LHEO_DICTIONARIES,
  label,
  parseDictionaries,
  publicLabel,
  RECRUITMENT_AREAS,
  TEACHING_MODES,
} from './dictionaries.js';

const read = (path: string) => readFileSync(new URL(`../../../data/lheo/${path}`, import.meta.url), 'utf8');

/** The codes the XSD allows for an element (its xs:enumeration values). */
function enumeration(xsd: string, element: string): string[] {
  const type = xsd.match(new RegExp(`<xs:simpleType name="${element}-subtype">([\\s\\S]*?)</xs:simpleType>`));
  return [...(type?.[1] ?? '').matchAll(/<xs:enumeration value="([^"]+)"\/>/g)].map((m) => m[1]!);
}

describe('LHÉO dictionaries from the official definition', () => {
  it('loads the 19 dictionaries, with today’s funders instead of « OPCA » or « Financeur code N »', () => {
    expect(Object.keys(LHEO_DICTIONARIES)).toHaveLength(19);
    expect(FUNDERS).toMatchObject({
      '4': 'France Travail',
      '16': 'OPCO',
      '17': 'Transition Pro',
      '18': 'LADOM',
      '20': 'OFII - Office français de l’immigration et de l’intégration',
    });
    expect(Object.values(FUNDERS).join()).not.toMatch(/OPCA|Financeur code|'/);
    expect(label(GENERAL_OBJECTIVES, '6')).toBe('Certification');
    expect(label(RECRUITMENT_AREAS, '3')).toBe('Région');
    expect(label(LEVELS, '14')).toBe('Niveau 4 (baccalauréat)');
    expect(label(TEACHING_MODES, '2')).toBe('Formation entièrement à distance');
  });

  it('has a label for every code the XSD accepts, so that no page shows a bare code', () => {
    const xsd = read('lheo-2.3.xsd');
    const pairs: [string, Record<string, string>][] = [
      ['code-financeur', FUNDERS],
      ['code-niveau-entree', LEVELS],
      ['parcours-de-formation', COURSE_TYPES],
      ['modalites-enseignement', TEACHING_MODES],
      ['objectif-general-formation', GENERAL_OBJECTIVES],
      ['code-perimetre-recrutement', RECRUITMENT_AREAS],
    ];
    for (const [element, dictionary] of pairs) {
      const codes = enumeration(xsd, element);
      expect(codes.length, element).toBeGreaterThan(1);
      expect(
        codes.filter((c) => !(c in dictionary)),
        element,
      ).toEqual([]);
    }
    expect(label(FUNDERS, '99')).toBe('Code inconnu (99)');
  });

  it('shows public codes through the action’s text, or says they are Formacode codes', () => {
    expect(publicLabel(['83056'], 'Demandeurs d’emploi')).toBe('Demandeurs d’emploi');
    expect(publicLabel(['83056', '80006'], null)).toBe('code Formacode 83056, code Formacode 80006');
  });

  it('parses the definition quickly enough to do it at startup', () => {
    const xml = read('lheo-2.3-definition-gml.xml');
    const start = performance.now();
    parseDictionaries(xml);
    // Measured 3.7 ms; the bound leaves room for a loaded CI machine.
    expect(performance.now() - start).toBeLessThan(250);
  });
});
