/**
 * French typography, applied once to every rendered page (see `frenchHtml`, called by `html()` in
 * web/context.ts) rather than by hand in each page: the pages of several modules, and data typed by
 * people (organisation names, training titles from LHÉO feeds), all come out right the same way.
 *
 * Rules (Lexique des règles typographiques en usage à l’Imprimerie nationale; the DSFR follows it):
 * - a non-breaking space before « : », and a narrow one before « ; ! ? » (an ordinary space there
 *   lets the sign start the next line);
 * - non-breaking spaces inside « guillemets »;
 * - the typographic apostrophe ’, never the typewriter one;
 * - elision before a vowel: « de Annonay » → « d’Annonay », « que il » → « qu’il »;
 * - contraction of « de / à » with the article of a commune’s name: « de Le Puy-en-Velay » →
 *   « du Puy-en-Velay », « à Les Abrets » → « aux Abrets » (the COG writes the article as part of
 *   the name; Le and Les contract, La and L’ do not). Lowercase « de le » is left alone: « afin de
 *   le faire » is correct French.
 */

export const NBSP = '\u00A0';
export const NNBSP = '\u202F';

// « h » is left out: before an aspirated h there is no elision (« de Hautes-Alpes » is wrong, but
// « de Hérault » vs « de la Haute-Loire » cannot be told apart without a dictionary). A « y » only
// elides before a consonant (« d’Yssingeaux », but « de yaourt »).
const VOWEL_START = '(?=[aeiouàâäéèêëîïôöùûüœæAEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ]|[yY][^aeiouyAEIOUY])';
/** Words starting with a vowel that never take elision (« le onze », « de ouate »). */
const NO_ELISION = /^(onze|onzième|ouate|ouistiti|uhlan|ululement)/i;

const CONTRACTIONS: [RegExp, string][] = [
  [/(?<![\p{L}\p{N}])de Les (?=\p{Lu})/gu, 'des '],
  [/(?<![\p{L}\p{N}])de Le (?=\p{Lu})/gu, 'du '],
  [/(?<![\p{L}\p{N}])à Les (?=\p{Lu})/gu, 'aux '],
  [/(?<![\p{L}\p{N}])à Le (?=\p{Lu})/gu, 'au '],
  [/(?<![\p{L}\p{N}])De Les (?=\p{Lu})/gu, 'Des '],
  [/(?<![\p{L}\p{N}])De Le (?=\p{Lu})/gu, 'Du '],
  [/(?<![\p{L}\p{N}])À Les (?=\p{Lu})/gu, 'Aux '],
  [/(?<![\p{L}\p{N}])À Le (?=\p{Lu})/gu, 'Au '],
];

/** Words that elide, with what they become. */
const ELIDING: Record<string, string> = {
  de: 'd’',
  De: 'D’',
  que: 'qu’',
  Que: 'Qu’',
  le: 'l’',
  la: 'l’',
  jusque: 'jusqu’',
  lorsque: 'lorsqu’',
  puisque: 'puisqu’',
};
const ELISION = new RegExp(
  `(?<![\\p{L}\\p{N}’'-])(${Object.keys(ELIDING).join('|')}) ${VOWEL_START}([^\\s]+)?`,
  'gu',
);

function elide(text: string): string {
  // An e-mail address or a web address is not a word: « l’invitation de amelie@… » stays.
  return text.replace(ELISION, (match, word: string, next: string | undefined) =>
    next && (NO_ELISION.test(next) || /[@/]/.test(next)) ? match : `${ELIDING[word]}${next ?? ''}`,
  );
}

/**
 * The typography of a piece of French text (no markup). Idempotent: a text already right is
 * returned unchanged, so it may run on a page made of texts that went through it already.
 */
export function frenchText(text: string): string {
  let t = text;
  for (const [re, to] of CONTRACTIONS) t = t.replace(re, to);
  t = elide(t);
  // Apostrophe between letters (« l'offre », « aujourd'hui »).
  t = t.replace(/(\p{L})'(?=\p{L})/gu, '$1’');
  // Guillemets: one non-breaking space inside, whatever was there.
  t = t.replace(/«[ \u00A0\u202F]*/g, `«${NBSP}`).replace(/[ \u00A0\u202F]*»/g, `${NBSP}»`);
  // Before « : »: a non-breaking space replaces an ordinary one, or is added after a letter or
  // a closing sign. Only when the colon ends a word (followed by a space or the end): « 10:30 »,
  // « https://… » and « Bearer: » in code keep theirs.
  t = t.replace(/[ \t]+:(?=\s|$)/g, `${NBSP}:`).replace(/([\p{L}\p{N})»\]])(?=:(?:\s|$))/gu, `$1${NBSP}`);
  t = t.replace(/[ \t\u00A0]+([;!?])(?=\s|$|[)»])/g, `${NNBSP}$1`);
  // (not inside an entity: « &amp; » keeps its semicolon)
  t = t.replace(/(?<!&#?\w*)([\p{L}\p{N})»\]])(?=[;!?](?:\s|$))/gu, `$1${NNBSP}`);
  return t;
}

/** Elements whose text is not prose: code and scripts keep their characters. */
const RAW = new Set(['script', 'style', 'code', 'pre', 'kbd', 'samp', 'textarea', 'svg']);
/** Inline elements a sentence runs across (« de <strong>Annonay</strong> »). */
const INLINE = new Set(['a', 'abbr', 'b', 'em', 'i', 'mark', 'small', 'span', 'strong']);
/** Attributes read aloud or shown as text (never `value`: a value sent back stays as typed). */
const TEXT_ATTRIBUTES = /(?<=\s)(title|aria-label|placeholder|alt)="([^"]*)"/g;
const ELIDING_TAIL = /(?<![\p{L}\p{N}’'-])(de|De|que|Que|le|la) $/u;
const STARTS_WITH_VOWEL = new RegExp(`^${VOWEL_START}`, 'u');

const decodeApostrophes = (s: string) => s.replace(/&#39;|&#x27;|&apos;/g, "'");

/**
 * The typography of a whole HTML page: its text nodes and its text attributes, not its code,
 * scripts or form values. Elision also works across inline tags (« de <span>Annonay</span> »),
 * the usual way a page inserts a name into a sentence.
 */
export function frenchHtml(html: string): string {
  // Even indexes are text, odd ones tags.
  const parts = html.split(/(<[^>]*>)/);
  const prose: boolean[] = [];
  const open: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      prose[i] = open.length === 0;
      continue;
    }
    prose[i] = false;
    const m = /^<(\/?)([a-zA-Z][\w-]*)/.exec(parts[i]!);
    const name = m?.[2]?.toLowerCase();
    if (!m || !name || !RAW.has(name) || parts[i]!.endsWith('/>')) continue;
    if (!m[1]) open.push(name);
    else if (open.lastIndexOf(name) >= 0) open.splice(open.lastIndexOf(name), 1);
  }
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      if (!part.startsWith('<!') && !part.startsWith('</'))
        parts[i] = part.replace(
          TEXT_ATTRIBUTES,
          (_m, name: string, value: string) => `${name}="${frenchText(decodeApostrophes(value))}"`,
        );
      continue;
    }
    if (!prose[i] || !part) continue;
    let text = frenchText(decodeApostrophes(part));
    // A word that elides at the end of this text, before a name given in an inline element.
    const tail = ELIDING_TAIL.exec(text);
    if (tail) {
      let next = '';
      for (let j = i + 1; j < parts.length; j += 2) {
        const tag = /^<([a-zA-Z][\w-]*)/.exec(parts[j]!);
        if (!tag || !INLINE.has(tag[1]!.toLowerCase())) break;
        if (parts[j + 1]) {
          next = prose[j + 1] ? parts[j + 1]! : '';
          break;
        }
      }
      if (STARTS_WITH_VOWEL.test(next) && !NO_ELISION.test(next) && !/^\S*[@/]/.test(next))
        text = text.slice(0, -tail[0].length) + ELIDING[tail[1]!];
    }
    parts[i] = text;
  }
  return parts.join('');
}
