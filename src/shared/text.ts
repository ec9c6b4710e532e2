/**
 * Search form of a French label: lower case, no accents, ligatures opened, punctuation as spaces.
 * The same function builds the stored search_text and the query, so both always agree.
 */
export function searchForm(input: string): string {
  return input
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// Abbreviations people type for commune names ("st etienne", "ste foy").
const ABBREVIATIONS: Record<string, string> = { st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes' };

export function queryTokens(input: string): string[] {
  return searchForm(input)
    .split(' ')
    .filter(Boolean)
    .map((t) => ABBREVIATIONS[t] ?? t);
}

/** Escapes LIKE wildcards; tokens are already [a-z0-9] but the helper keeps callers honest. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
