import { readFileSync } from 'node:fs';
import { editDistance, queryTokens } from '../../shared/text.js';
import { ENUMS, familyOf, labelOf, THEMATIQUE_FAMILIES } from './enums.js';

/**
 * The words people type for a need (« loyer », « appart », « permis », « dettes ») read as the
 * data·inclusion thématiques they mean (issue 13 §2: « by need (thématiques, in the words people
 * type, typo-tolerant) »). The words are Passerelle's own (data/data-inclusion/need-words.json);
 * the thématiques' and families' own labels are added to them, so « Louer un logement » typed as
 * shown on a sheet is read too.
 */

/** Words that carry no need: dropped before matching (« garde d’enfants » = « garde enfants »). */
const STOP_WORDS = new Set(
  'a au aux avec ce d de des du en et j je l la le les m ma me mes mon ou par pour qu s sa se ses son sur un une dans'.split(
    ' ',
  ),
);
/**
 * Words that say someone needs something without saying what (« aide », « besoin », « cherche »):
 * left over after the need words are read, they would only narrow the text search to services
 * that happen to repeat them.
 */
const FILLER_WORDS = new Set(
  'aide aider besoin cherche chercher recherche trouver veux voudrais souhaite urgent urgence svp merci comment faire obtenir avoir'.split(
    ' ',
  ),
);

/**
 * Singular form for matching: a trailing s or x is dropped from words of more than 3 letters, on
 * both sides (entries and query), so « dettes » meets « dette » and « permis » meets « permi ».
 */
const singular = (w: string): string => (w.length > 3 && /[sx]$/.test(w) ? w.slice(0, -1) : w);

/** A need word's tokens: unaccented, lower case, no stop words, singular. */
export const needTokens = (text: string): string[] =>
  queryTokens(text)
    .filter((t) => !STOP_WORDS.has(t))
    .map(singular);

/**
 * The typing errors forgiven (issue 13 §2): none for words of 3 letters or less (« cv », « psy »,
 * « caf » are words of their own), one edit from 4 to 7 letters (« permi », « logemnt »), two beyond
 * (« hebergment », « surendetement »). A swap of two letters is one edit (editDistance).
 */
export const allowedEdits = (word: string): number => (word.length <= 3 ? 0 : word.length <= 7 ? 1 : 2);

interface Entry {
  tokens: string[];
  /** As written in the data file or the label (shown in « Besoin compris »). */
  text: string;
  thematiques: Set<string>;
}

export interface NeedReading {
  /** The thématiques (families or codes) the words were read as, in the order met. */
  targets: string[];
  /** The thématique codes the targets cover (a family stands for all its codes). */
  codes: string[];
  /** Words read with a typo: what was typed and the need word read. */
  corrections: { from: string; to: string }[];
  /** The query's other words (unaccented, as typed), for the text search. */
  rest: string[];
}

export function needsVocabulary(needs: Record<string, string[]>) {
  const entries = new Map<string, Entry>();
  const add = (text: string, target: string) => {
    const tokens = needTokens(text);
    if (!tokens.length) return;
    const key = tokens.join(' ');
    const entry = entries.get(key) ?? { tokens, text, thematiques: new Set<string>() };
    entry.thematiques.add(target);
    entries.set(key, entry);
  };
  for (const [target, words] of Object.entries(needs)) {
    if (!isTarget(target)) throw new Error(`need-words.json : thématique inconnue « ${target} »`);
    for (const w of words) add(w, target);
  }
  for (const t of ENUMS.thematiques) add(t.label, t.value);
  for (const [family, label] of Object.entries(THEMATIQUE_FAMILIES)) add(label, family);
  // Longest first: « garde d’enfants » is read before « garde ».
  const byLength = [...entries.values()].sort((a, b) => b.tokens.length - a.tokens.length);

  const same = (typed: string, word: string, fuzzy: boolean) =>
    typed === word ||
    (fuzzy &&
      allowedEdits(typed) > 0 &&
      Math.abs(typed.length - word.length) <= allowedEdits(typed) &&
      editDistance(typed, word) <= allowedEdits(typed));

  /** The entry that starts at `i`, exact first, then with typos. */
  function entryAt(tokens: string[], i: number): { entry: Entry; fuzzy: boolean } | null {
    for (const fuzzy of [false, true])
      for (const entry of byLength) {
        if (i + entry.tokens.length > tokens.length) continue;
        if (entry.tokens.every((w, k) => same(tokens[i + k]!, w, fuzzy))) return { entry, fuzzy };
      }
    return null;
  }

  return {
    /** How many need words and labels are known (the data file's and the labels'). */
    size: entries.size,

    /** Reads a query: its need words as thématiques, its other words left for the text search. */
    read(text: string): NeedReading {
      const typed = queryTokens(text).filter((t) => !STOP_WORDS.has(t));
      const tokens = typed.map(singular);
      const targets: string[] = [];
      const corrections: NeedReading['corrections'] = [];
      const rest: string[] = [];
      for (let i = 0; i < tokens.length; ) {
        const found = entryAt(tokens, i);
        if (!found) {
          if (!FILLER_WORDS.has(typed[i]!)) rest.push(typed[i]!);
          i++;
          continue;
        }
        const n = found.entry.tokens.length;
        if (found.fuzzy) corrections.push({ from: typed.slice(i, i + n).join(' '), to: found.entry.text });
        for (const t of found.entry.thematiques) if (!targets.includes(t)) targets.push(t);
        i += n;
      }
      return { targets, codes: codesOf(targets), corrections, rest };
    },
  };
}

const FAMILY_CODES = new Map<string, string[]>();
for (const t of ENUMS.thematiques) {
  const f = familyOf(t.value);
  FAMILY_CODES.set(f, [...(FAMILY_CODES.get(f) ?? []), t.value]);
}

/** A family (« logement-hebergement ») or a code of the enumeration. */
export const isTarget = (target: string): boolean =>
  FAMILY_CODES.has(target) || ENUMS.thematiques.some((t) => t.value === target);

/** The thématique codes of families or codes (a family stands for all its codes). */
export function codesOf(targets: readonly string[]): string[] {
  const codes = new Set<string>();
  for (const t of targets) for (const c of FAMILY_CODES.get(t) ?? [t]) codes.add(c);
  return [...codes];
}

/** The French label of a family or a code. */
export const targetLabel = (target: string): string =>
  THEMATIQUE_FAMILIES[target] ?? labelOf('thematiques', target);

/** The need words of data/data-inclusion/need-words.json, read once. */
export const NEEDS = needsVocabulary(
  (
    JSON.parse(
      readFileSync(new URL('../../../data/data-inclusion/need-words.json', import.meta.url), 'utf8'),
    ) as { needs: Record<string, string[]> }
  ).needs,
);
