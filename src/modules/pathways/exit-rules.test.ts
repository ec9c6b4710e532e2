import { describe, expect, test } from 'vitest';
import {
  contractDays,
  DYNAMIC_CATEGORIES,
  dynamicExitRate,
  EXIT_CATEGORIES,
  EXIT_REASON_BY_CODE,
  EXIT_REASONS,
  type ExitCategory,
  exitCategory,
  exitCounts,
  SMALL_COUNT,
  shownCount,
} from './exit-rules.js';

describe('exit reasons data', () => {
  test('every category has reasons, codes are unique, ASP codes are two digits', () => {
    expect(EXIT_REASON_BY_CODE.size).toBe(EXIT_REASONS.length);
    for (const category of Object.keys(EXIT_CATEGORIES) as ExitCategory[]) {
      expect(EXIT_REASONS.some((r) => r.category === category)).toBe(true);
    }
    for (const r of EXIT_REASONS) expect(r.aspCode).toMatch(/^\d{2}$/);
  });

  test.each<[string, ExitCategory]>([
    ['CDI', 'durable'],
    ['CDD_6_MOIS_OU_PLUS', 'durable'],
    ['INTERIM_6_MOIS_OU_PLUS', 'durable'],
    ['CREATION_ENTREPRISE', 'durable'],
    ['FONCTION_PUBLIQUE', 'durable'],
    ['CDD_MOINS_6_MOIS', 'transition'],
    ['INTERIM_MOINS_6_MOIS', 'transition'],
    ['CONTRAT_AIDE', 'transition'],
    ['FORMATION_QUALIFIANTE', 'positive'],
    ['AUTRE_SIAE', 'positive'],
    ['AUTRE_SORTIE_POSITIVE', 'positive'],
    ['RETRAITE', 'positive'],
    ['CHOMAGE', 'other'],
    ['INACTIVITE', 'other'],
    ['SANS_NOUVELLES', 'other'],
    ['FAUTE_GRAVE', 'withdrawn'],
    ['DECISION_JUSTICE', 'withdrawn'],
    ['DECES', 'withdrawn'],
    ['CONGE_LONGUE_DUREE', 'withdrawn'],
  ])('%s is %s', (code, category) => {
    expect(exitCategory(code)).toBe(category);
  });

  test('an unknown code throws', () => {
    expect(() => exitCategory('DEMISSION')).toThrow(RangeError);
  });

  test('the dynamic categories are durable, transition and positive', () => {
    expect(DYNAMIC_CATEGORIES).toEqual(['durable', 'transition', 'positive']);
    expect(EXIT_CATEGORIES.withdrawn).toBe('Retrait des sorties constatées');
  });
});

describe('exitCounts', () => {
  test('AI and ETTI: 150 hours worked count, 149.5 do not', () => {
    for (const siaeKind of ['AI', 'ETTI'] as const) {
      expect(exitCounts({ siaeKind, hoursWorked: 150, contractDays: 10 })).toBe(true);
      expect(exitCounts({ siaeKind, hoursWorked: 149.5, contractDays: 400 })).toBe(false);
    }
  });

  test('ACI and EI: 90 days of contract count, 89 do not; some hours are needed', () => {
    for (const siaeKind of ['ACI', 'EI'] as const) {
      expect(exitCounts({ siaeKind, hoursWorked: 300, contractDays: 90 })).toBe(true);
      expect(exitCounts({ siaeKind, hoursWorked: 300, contractDays: 89 })).toBe(false);
      expect(exitCounts({ siaeKind, hoursWorked: 0, contractDays: 200 })).toBe(false);
    }
    // Hired on 1 January, left on 31 March: 90 days, both ends included.
    expect(contractDays('2026-01-01', '2026-03-31')).toBe(90);
  });

  test('EITI: one hour counts, less does not', () => {
    expect(exitCounts({ siaeKind: 'EITI', hoursWorked: 1, contractDays: 1 })).toBe(true);
    expect(exitCounts({ siaeKind: 'EITI', hoursWorked: 0.5, contractDays: 100 })).toBe(false);
  });
});

describe('dynamicExitRate', () => {
  test('dynamic over examined exits, withdrawn left out of both terms', () => {
    expect(dynamicExitRate({ durable: 3, transition: 2, positive: 1, other: 4, withdrawn: 10 })).toBe(0.6);
    expect(dynamicExitRate({ durable: 3, transition: 2, positive: 1, other: 4 })).toBe(0.6);
    expect(dynamicExitRate({ other: 5 })).toBe(0);
  });

  test('null when no exit is examined, even with withdrawn exits', () => {
    expect(dynamicExitRate({})).toBeNull();
    expect(dynamicExitRate({ withdrawn: 7 })).toBeNull();
  });

  test('counts below 5 are hidden', () => {
    expect(SMALL_COUNT).toBe(5);
    expect(shownCount(4)).toBeNull();
    expect(shownCount(0)).toBeNull();
    expect(shownCount(5)).toBe(5);
  });
});
