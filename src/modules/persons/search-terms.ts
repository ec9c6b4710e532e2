import { nameKey } from './rules.js';

/**
 * What the search box of « Mes personnes » looks for. A text with a digit is a France Travail id
 * (names have no digits): it is looked up as an id only. Read as names too, « 0049100G » would
 * also match every name holding a « g » (15,117 files of 300,000 in bench/persons.ts).
 */
export function searchTerms(q: string): { nameTokens: string[]; franceTravailId: string | null } {
  const compact = q.replace(/\s+/g, '').toUpperCase();
  // An id mistyped finds nothing, rather than everyone.
  if (/\d/.test(compact)) return { nameTokens: [], franceTravailId: compact.slice(0, 20) };
  return {
    nameTokens: q
      .split(/\s+/)
      .map((t) => nameKey(t, '').replace('|', ''))
      .filter(Boolean)
      .slice(0, 5),
    franceTravailId: null,
  };
}
