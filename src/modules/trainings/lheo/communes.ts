import { searchForm } from '../../../shared/text.js';
import { FAR_COORDINATES_KM } from './rules.js';

/** A commune of the referential as the import sees it. */
export interface CommunePoint {
  /** The name as the referential writes it. */
  name: string;
  department: string;
  latitude: number;
  longitude: number;
}

/** A historic INSEE code (referential table commune_history, migration 0009). */
export interface HistoricCommune {
  currentCode: string;
  /** The historic name as the COG gives it (display form), null when the COG no longer names it. */
  name: string | null;
  kind: 'deleguee' | 'associee' | 'ancienne';
}

/** The communes an import resolves addresses against (they travel with the import's referentials). */
export interface CommuneReferential {
  communes: Map<string, CommunePoint>;
  /** Postal code → INSEE codes of the communes it serves. */
  byPostalCode: Map<string, string[]>;
  history: Map<string, HistoricCommune>;
}

/** An address's commune, found; `note` says what was resolved when the file's code was not used as is. */
export interface CommuneFound {
  code: string;
  point: CommunePoint;
  note: string | null;
}

const KIND_LABEL: Record<HistoricCommune['kind'], string> = {
  deleguee: 'commune déléguée',
  associee: 'commune associée',
  ancienne: 'ancienne commune',
};

const ARTICLES = new Set(['le', 'la', 'les', 'l']);
const ABBREVIATIONS: Record<string, string> = { st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes' };
const ARRONDISSEMENT_CITIES = new Set(['paris', 'marseille', 'lyon']);

/**
 * A town as feeds write it, in the form communes' names are compared in: accents and case gone,
 * « ST » / « STE » spelt out, « CEDEX 12 » dropped (a delivery mark, not a place), a leading
 * article dropped (« LE HAVRE » / « Havre (Le) »), and municipal arrondissements written as the
 * referential names them: « PARIS 10 », « Paris 10ème », « Lyon 3e arrondissement » → « paris 10e »,
 * « Marseille 1 » → « marseille 1er ».
 */
export function townKey(city: string): string {
  let words = searchForm(city)
    .split(' ')
    .filter(Boolean)
    .map((w) => ABBREVIATIONS[w] ?? w);
  const cedex = words.indexOf('cedex');
  if (cedex > 0) words = words.slice(0, cedex);
  while (words.length > 1 && ARTICLES.has(words[0]!)) words = words.slice(1);
  while (words.length > 1 && ARTICLES.has(words.at(-1)!)) words = words.slice(0, -1);
  const [head, second, ...rest] = words;
  if (head && ARRONDISSEMENT_CITIES.has(head) && second) {
    const n = second.match(/^(\d{1,2})(?:er|e|eme|em)?$/)?.[1];
    if (n && rest.every((w) => w === 'arrondissement' || w === 'arr' || w === 'e' || w === 'eme'))
      return `${head} ${Number(n)}${Number(n) === 1 ? 'er' : 'e'}`;
  }
  return words.join(' ');
}

/** The departments a postal code may belong to (Corsica: 20 → 2A or 2B; overseas: three digits). */
function departmentsOf(postalCode: string): string[] {
  if (postalCode.startsWith('20')) return ['2A', '2B'];
  if (postalCode.startsWith('97') || postalCode.startsWith('98')) return [postalCode.slice(0, 3)];
  return [postalCode.slice(0, 2)];
}

/** Great-circle distance in kilometres (haversine; the Earth as a sphere of 6,371 km is ample at 20 km). */
export function distanceKm(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Resolves the communes of addresses: a current INSEE code as is; a historic one (merged,
 * delegated, associated, renumbered commune) to today's commune; a code that is a postal code, or
 * unknown, and a missing code, through the postal code and the town's name. Never the first
 * commune of a postal code by default: the town must name it (or one of its former communes), or
 * be the only commune of that code.
 */
export function communeResolver(refs: CommuneReferential) {
  // Town key → current codes, per department, with the historic names pointing to today's commune:
  // a feed's <ville> often still names a delegated commune (« Saint-Bois » for Arboys en Bugey).
  const byTown = new Map<string, Set<string>>();
  const add = (department: string, name: string, code: string) => {
    const key = `${department}|${townKey(name)}`;
    const set = byTown.get(key) ?? new Set<string>();
    set.add(code);
    byTown.set(key, set);
  };
  const keyOf = new Map<string, string>();
  for (const [code, c] of refs.communes) {
    keyOf.set(code, townKey(c.name));
    add(c.department, c.name, code);
  }
  for (const h of refs.history.values()) {
    const current = refs.communes.get(h.currentCode);
    if (h.name && current) add(current.department, h.name, h.currentCode);
  }
  const found = (code: string, note: string | null): CommuneFound => ({
    code,
    point: refs.communes.get(code)!,
    note,
  });
  const label = (code: string) => `${code} (${refs.communes.get(code)?.name ?? '?'})`;

  /** The commune named by the postal code and the town, or why none is chosen. */
  function byPostalCode(postalCode: string, city: string): { code: string; how: string } | { error: string } {
    const key = townKey(city);
    const candidates = refs.byPostalCode.get(postalCode) ?? [];
    const named = candidates.filter((code) => keyOf.get(code) === key);
    if (named.length === 1) return { code: named[0]!, how: 'le code postal et la ville' };
    const inDepartment = [
      ...new Set(departmentsOf(postalCode).flatMap((d) => [...(byTown.get(`${d}|${key}`) ?? [])])),
    ];
    // Several communes of that name in the department: the postal code decides between them.
    const both = inDepartment.filter((code) => candidates.includes(code));
    if (named.length > 1 || both.length > 1)
      return {
        error: `plusieurs communes « ${city} » pour le code postal ${postalCode} (${[...new Set([...named, ...both])].map(label).join(', ')})`,
      };
    if (both.length === 1) return { code: both[0]!, how: 'le code postal et un ancien nom de commune' };
    // A CEDEX or company postal code belongs to no commune: the town's name in its department does.
    if (!candidates.length && inDepartment.length === 1)
      return {
        code: inDepartment[0]!,
        how: `la ville dans le département (code postal ${postalCode} d’aucune commune)`,
      };
    if (candidates.length === 1)
      return {
        code: candidates[0]!,
        how: `le code postal, dont c’est la seule commune (la ville « ${city} » ne la nomme pas)`,
      };
    if (!candidates.length) return { error: `aucune commune n’a le code postal ${postalCode}` };
    return {
      error: `aucune des ${candidates.length} communes du code postal ${postalCode} ne s’appelle « ${city} » (${candidates.slice(0, 5).map(label).join(', ')}${candidates.length > 5 ? '…' : ''})`,
    };
  }

  return function resolve(address: {
    postalCode: string;
    city: string;
    inseeCode: string | null;
  }): CommuneFound | { error: string } {
    const code = address.inseeCode;
    if (!code) {
      const hit = byPostalCode(address.postalCode, address.city);
      if ('error' in hit) return hit;
      return found(
        hit.code,
        hit.how === 'le code postal et la ville'
          ? null
          : `commune trouvée par ${hit.how} : ${label(hit.code)}`,
      );
    }
    const historic = refs.history.get(code);
    if (historic && refs.communes.has(historic.currentCode))
      return found(
        historic.currentCode,
        `code INSEE historique ${code}${historic.name ? ` (${historic.name}, ${KIND_LABEL[historic.kind]})` : ` (${KIND_LABEL[historic.kind]})`} remplacé par celui de la commune actuelle ${label(historic.currentCode)}`,
      );
    const commune = refs.communes.get(code);
    // A postal code put in code-INSEE-commune can also be some other commune's INSEE code
    // (69003 is Lyon 3e's postal code and Albigny-sur-Saône's INSEE code): the town decides.
    if (commune && !(code === address.postalCode && keyOf.get(code) !== townKey(address.city)))
      return found(code, null);
    const hit = byPostalCode(address.postalCode, address.city);
    const what =
      code === address.postalCode
        ? `« ${code} » est le code postal, pas le code INSEE de la commune`
        : `code INSEE « ${code} » inconnu`;
    if ('error' in hit) return { error: `<code-INSEE-commune> : ${what}, et ${hit.error}` };
    return found(
      hit.code,
      `<code-INSEE-commune> : ${what} ; commune trouvée par ${hit.how} : ${label(hit.code)}`,
    );
  };
}

/**
 * The file's coordinates, or the commune's point when they lie more than FAR_COORDINATES_KM from
 * it (with what to warn). A point that far is another place: a swapped latitude and longitude, the
 * organisation's head office, a geocoder's mistake; the search by distance would mislead.
 */
export function checkCoordinates(
  given: { latitude: number; longitude: number },
  commune: CommuneFound,
): { latitude: number; longitude: number; warning: string | null } {
  const km = distanceKm(given, commune.point);
  if (km <= FAR_COORDINATES_KM) return { ...given, warning: null };
  return {
    latitude: commune.point.latitude,
    longitude: commune.point.longitude,
    warning: `<geolocalisation> à ${Math.round(km)} km de la commune ${commune.code} (plus de ${FAR_COORDINATES_KM} km) : remplacée par le point de la commune (${commune.point.latitude}, ${commune.point.longitude})`,
  };
}
