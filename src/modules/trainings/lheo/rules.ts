/**
 * The ranges an LHÉO record's numbers and dates must fall in, as data: one row per element, with
 * where the bound comes from. A value outside its range rejects its record alone (the session, the
 * action or the formation that holds it), like any other fault of a record; before these rules, one
 * "99999999999" places reached an integer column and aborted the whole import ("value out of range
 * for type integer").
 *
 * Sources: the LHÉO 2.3 definition (/work/shared/data/lheo/lheo-2.3-definition-gml.xml: basic_int
 * vmin/vmax, basic_text lgmax) and the columns of migration 0005 (integer: at most 2 147 483 647;
 * numeric(10, 2): below 10^8; numeric(12, 2): below 10^10). Every LHÉO bound here fits its column.
 */
export interface NumericRule {
  min: number;
  max: number;
  /** Decimal places allowed (0: an integer); `null`: a real number (coordinates). */
  decimals: 0 | 2 | null;
  reason: string;
}

export const NUMERIC_FIELDS = {
  'nombre-heures-centre': {
    min: 0,
    max: 99_999,
    decimals: 0,
    reason: 'LHÉO 2.3 : basic_int vmin 0, vmax 99999 (colonne integer)',
  },
  'nombre-heures-entreprise': {
    min: 0,
    max: 99_999,
    decimals: 0,
    reason: 'LHÉO 2.3 : basic_int vmin 0, vmax 99999 (colonne integer)',
  },
  'nombre-heures-total': {
    min: 0,
    max: 99_999,
    decimals: 0,
    reason: 'LHÉO 2.3 : basic_int vmin 0, vmax 99999',
  },
  'duree-conventionnee': {
    min: 0,
    max: 99_999,
    decimals: 0,
    reason: 'LHÉO 2.3 : basic_int vmin 0, vmax 99999',
  },
  'nb-places-financees': {
    min: 0,
    max: 99_999,
    decimals: 0,
    // The places of one funder listed twice in an action are added up: the sum is checked too.
    reason: 'LHÉO 2.3 : basic_int vmin 0, vmax 99999 (colonne integer)',
  },
  'places-totales': {
    min: 0,
    max: 99_999,
    decimals: 0,
    reason: 'extension Passerelle : même borne que <nb-places-financees> (colonne integer)',
  },
  'places-restantes': {
    min: 0,
    max: 99_999,
    decimals: 0,
    reason: 'extension Passerelle : même borne que <nb-places-financees> (colonne integer)',
  },
  'prix-horaire-TTC': {
    min: 0,
    max: 999_999,
    decimals: 2,
    reason: 'LHÉO 2.3 : texte de 6 caractères au plus, donc 999999 (colonne numeric(10, 2))',
  },
  'prix-total-TTC': {
    min: 0,
    max: 9_999_999_999,
    decimals: 2,
    reason: 'LHÉO 2.3 : texte de 10 caractères au plus, donc 9999999999 (colonne numeric(12, 2))',
  },
  latitude: { min: -90, max: 90, decimals: null, reason: 'WGS 84' },
  longitude: { min: -180, max: 180, decimals: null, reason: 'WGS 84' },
} as const satisfies Record<string, NumericRule>;

export type NumericField = keyof typeof NUMERIC_FIELDS;

/**
 * Dates (AAAAMMJJ): PostgreSQL has no year 0 ("0000-01-01" aborted a whole import), and no training
 * starts before 1900; 99991231 is what some feeds write for "no end date", and PostgreSQL holds it.
 */
export const DATE_RANGE = { min: '1900-01-01', max: '9999-12-31' } as const;

const PATTERNS = {
  0: /^-?\d+$/,
  2: /^-?\d+(\.\d{1,2})?$/,
  // What JavaScript writes for a double (the exporter writes coordinates with String()).
  real: /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i,
};

/** French digit grouping for a bound in a message (narrow no-break space, as in « 99 999 »). */
export const formatBound = (n: number) => new Intl.NumberFormat('fr-FR').format(n);

/**
 * The value of `text` for the element `field`, or the reason it is refused (not a number, or out of
 * its range, naming the bound). A decimal comma is accepted (French feeds write « 12,50 »).
 */
export function checkNumber(field: NumericField, text: string): { value: number } | { error: string } {
  const rule: NumericRule = NUMERIC_FIELDS[field];
  const normalised = text.replace(',', '.');
  const shown = text.length > 30 ? `${text.slice(0, 30)}…` : text;
  if (!PATTERNS[rule.decimals ?? 'real'].test(normalised))
    return { error: `<${field}> : « ${shown} » n’est pas un nombre` };
  const value = Number(normalised);
  if (value < rule.min)
    return {
      error:
        rule.min === 0
          ? `<${field}> : valeur négative (${shown})`
          : `<${field}> : ${shown} est inférieur au minimum ${formatBound(rule.min)} (${rule.reason})`,
    };
  if (!(value <= rule.max))
    return {
      error: `<${field}> : ${shown} dépasse le maximum ${formatBound(rule.max)} (${rule.reason})`,
    };
  return { value };
}

/**
 * Coordinates of an address (<geolocalisation>) farther than this from its commune's point are
 * taken for a mistake (swapped latitude and longitude, the head office's point, a geocoder's
 * guess): the commune's point replaces them, with a warning (issue 9 §2: "more than ~20 km
 * apart"). Most communes are far smaller (a metropolitan commune is 15 km² on average), but a few
 * are not: places of Arles (Salin-de-Giraud, ~35 km from its point) or of Guyane's communes would
 * be moved to their town centre, with the warning saying so.
 */
export const FAR_COORDINATES_KM = 20;
