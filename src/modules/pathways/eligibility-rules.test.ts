import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ORGANISATION_KINDS } from '../identity/model.js';
import { addDays } from './dates.js';
import {
  AUTHORISED_PRESCRIBER_KINDS,
  CRITERIA,
  CRITERIA_BY_CODE,
  checkDiagnosis,
  diagnosisExpiresOn,
  diagnosisValidOn,
  INCOMPATIBLE_PAIRS,
  SIAE_KINDS,
  type SiaeKind,
  siaeKindOf,
} from './eligibility-rules.js';

const LEVEL_2 = CRITERIA.filter((c) => c.level === 2).map((c) => c.code);

describe('criteria data', () => {
  test('the 18 criteria of itou are loaded, 4 of level 1 and 14 of level 2, ordered', () => {
    expect(CRITERIA).toHaveLength(18);
    expect(CRITERIA.filter((c) => c.level === 1).map((c) => c.code)).toEqual(['RSA', 'ASS', 'AAH', 'DETLD']);
    expect(LEVEL_2).toHaveLength(14);
    expect(CRITERIA_BY_CODE.get('SENIOR')).toMatchObject({ level: 2, label: 'Senior (+50 ans)', rank: 2 });
    expect(CRITERIA_BY_CODE.get('RSA')?.proof).toBe('Attestation RSA');
    for (const [a, b] of INCOMPATIBLE_PAIRS) {
      expect(CRITERIA_BY_CODE.has(a) && CRITERIA_BY_CODE.has(b)).toBe(true);
    }
  });

  test('siaeKindOf maps the five SIAE organisation kinds and nothing else', () => {
    const mapped = Object.keys(ORGANISATION_KINDS).flatMap((k) => {
      const kind = siaeKindOf(k);
      return kind ? [[k, kind]] : [];
    });
    expect(Object.fromEntries(mapped)).toEqual({
      siae_ai: 'AI',
      siae_ei: 'EI',
      siae_etti: 'ETTI',
      siae_aci: 'ACI',
      siae_eiti: 'EITI',
    });
    expect(siaeKindOf('france_travail')).toBeNull();
    expect(Object.keys(SIAE_KINDS).sort()).toEqual(['ACI', 'AI', 'EI', 'EITI', 'ETTI']);
  });

  test('authorised prescribers are the three by law plus the two the Region authorises, all real kinds', () => {
    expect([...AUTHORISED_PRESCRIBER_KINDS].sort()).toEqual([
      'cap_emploi',
      'france_travail',
      'mission_locale',
      'region',
      'structure_accompagnement',
    ]);
    for (const kind of AUTHORISED_PRESCRIBER_KINDS) expect(kind in ORGANISATION_KINDS).toBe(true);
  });
});

describe('checkDiagnosis', () => {
  const siae = (siaeKind: SiaeKind, criteria: string[]) =>
    checkDiagnosis({ author: 'siae', siaeKind, criteria });

  test('an authorised prescriber needs no criterion', () => {
    expect(checkDiagnosis({ author: 'prescriber', siaeKind: null, criteria: [] })).toEqual([]);
  });

  test('one level-1 criterion is enough for every SIAE kind', () => {
    for (const kind of Object.keys(SIAE_KINDS) as SiaeKind[]) expect(siae(kind, ['RSA'])).toEqual([]);
  });

  test('two level-2 criteria: enough for AI and ETTI, refused for ACI, EI and EITI', () => {
    expect(siae('AI', ['CAP_BEP', 'SENIOR'])).toEqual([]);
    expect(siae('ETTI', ['CAP_BEP', 'SENIOR'])).toEqual([]);
    for (const kind of ['ACI', 'EI', 'EITI'] as const) {
      expect(siae(kind, ['CAP_BEP', 'SENIOR'])).toEqual([
        {
          field: 'criteria',
          message:
            'Vous devez sélectionner au moins un critère administratif de niveau 1 ou le cumul d’au moins trois critères de niveau 2.',
        },
      ]);
    }
  });

  test('one level-2 criterion is refused for AI and ETTI', () => {
    expect(siae('AI', ['QPV'])).toHaveLength(1);
    expect(siae('ETTI', ['QPV'])[0]?.message).toContain('deux critères de niveau 2');
  });

  test('three level-2 criteria are enough for ACI, EI and EITI', () => {
    for (const kind of ['ACI', 'EI', 'EITI'] as const)
      expect(siae(kind, ['CAP_BEP', 'SENIOR', 'QPV'])).toEqual([]);
  });

  test('an SIAE with no criterion is refused', () => {
    expect(siae('ACI', [])).toHaveLength(1);
  });

  test('SENIOR with JEUNE, and DETLD with DELD, are refused, for prescribers too', () => {
    expect(siae('AI', ['SENIOR', 'JEUNE', 'QPV'])).toEqual([
      {
        field: 'criteria',
        message:
          'Vous ne pouvez pas sélectionner en même temps les critères « Senior (+50 ans) » et « Jeune (-26 ans) ».',
      },
    ]);
    const prescriber = checkDiagnosis({ author: 'prescriber', siaeKind: null, criteria: ['DETLD', 'DELD'] });
    expect(prescriber).toHaveLength(1);
    expect(prescriber[0]?.message).toContain('DETLD (+ 24 mois)');
  });

  test('unknown codes and duplicates are refused on their own field', () => {
    expect(checkDiagnosis({ author: 'prescriber', siaeKind: null, criteria: ['NOPE'] })).toEqual([
      { field: 'criteria.NOPE', message: 'Critère administratif inconnu : NOPE.' },
    ]);
    const dup = siae('ACI', ['RSA', 'RSA']);
    expect(dup).toEqual([
      { field: 'criteria.RSA', message: 'Le critère « Bénéficiaire du RSA » est sélectionné deux fois.' },
    ]);
    // A duplicate does not count twice towards the level-2 threshold.
    expect(siae('AI', ['QPV', 'QPV']).map((p) => p.field)).toEqual(['criteria.QPV', 'criteria']);
  });

  test('an SIAE diagnosis without an SIAE kind is refused', () => {
    expect(checkDiagnosis({ author: 'siae', siaeKind: null, criteria: ['RSA'] })).toHaveLength(1);
  });

  test('property: an SIAE diagnosis passes exactly when the rule says so', () => {
    const kinds = fc.constantFrom<SiaeKind>('AI', 'EI', 'ETTI', 'ACI', 'EITI');
    const codes = fc.uniqueArray(fc.constantFrom(...CRITERIA.map((c) => c.code)), { maxLength: 6 });
    fc.assert(
      fc.property(kinds, codes, (kind, criteria) => {
        const incompatible = INCOMPATIBLE_PAIRS.some(
          ([a, b]) => criteria.includes(a) && criteria.includes(b),
        );
        const level1 = criteria.some((c) => CRITERIA_BY_CODE.get(c)?.level === 1);
        const level2 = criteria.filter((c) => CRITERIA_BY_CODE.get(c)?.level === 2).length;
        const enough = level1 || level2 >= (kind === 'AI' || kind === 'ETTI' ? 2 : 3);
        expect(siae(kind, criteria).length === 0).toBe(!incompatible && enough);
      }),
    );
  });
});

describe('diagnosis validity', () => {
  test('an SIAE diagnosis lasts 92 days: valid on day 91 after, not on day 92', () => {
    const expires = diagnosisExpiresOn('siae', '2026-01-01');
    expect(expires).toBe('2026-04-02');
    expect(expires).toBe(addDays('2026-01-01', 91));
    const d = { madeOn: '2026-01-01', expiresOn: expires };
    expect(diagnosisValidOn(d, '2026-04-02')).toBe(true);
    expect(diagnosisValidOn(d, '2026-04-03')).toBe(false);
  });

  test('a prescriber diagnosis lasts 6 months: valid until the day before the same date 6 months on', () => {
    expect(diagnosisExpiresOn('prescriber', '2026-01-15')).toBe('2026-07-14');
    expect(diagnosisExpiresOn('prescriber', '2026-08-31')).toBe('2027-02-27'); // 28 Feb clamps, minus 1
    const d = { madeOn: '2026-01-15', expiresOn: '2026-07-14' };
    expect(diagnosisValidOn(d, '2026-07-14')).toBe(true);
    expect(diagnosisValidOn(d, '2026-07-15')).toBe(false);
  });

  test('a diagnosis is not valid before it is made', () => {
    expect(diagnosisValidOn({ madeOn: '2026-01-15', expiresOn: '2026-07-14' }, '2026-01-14')).toBe(false);
  });

  test('a diagnosis stays valid while a PASS issued from it runs, through its last day', () => {
    const d = { madeOn: '2026-01-15', expiresOn: '2026-07-14' };
    expect(diagnosisValidOn(d, '2027-12-31', ['2028-01-14'])).toBe(true);
    expect(diagnosisValidOn(d, '2028-01-14', ['2028-01-14'])).toBe(true);
    expect(diagnosisValidOn(d, '2028-01-15', ['2028-01-14'])).toBe(false);
    expect(diagnosisValidOn(d, '2027-12-31', [])).toBe(false);
  });
});
