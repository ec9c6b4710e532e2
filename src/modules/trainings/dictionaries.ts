import { readFileSync } from 'node:fs';

/**
 * LHÉO 2.3 dictionaries, read from the official definition (data/lheo/lheo-2.3-definition-gml.xml,
 * lheo/lheo-schema « definition/lheo-gml.xml »: its 19 <dict> tables) once, when this module loads:
 * codes are what feeds carry, labels are what users read. Parsed at startup rather than generated:
 * the file is the single source, and parsing its 400 kB took 3.7 ms (20 runs, tsx, 2 shared cores;
 * dictionaries.test.ts keeps it under 250 ms even on a loaded machine).
 * Formacode has no dictionary in LHÉO (the thesaurus is licensed by Centre Inffo): Formacode codes,
 * public codes (code-public-vise) included, are kept and checked for shape only.
 */
const DEFINITION = new URL('../../../data/lheo/lheo-2.3-definition-gml.xml', import.meta.url);

const unescapeXml = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(
      /&(lt|gt|quot|apos|amp);/g,
      (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!,
    );

/** Every <dict> of the definition: name → code → label (one entry may give several codes one label). */
export function parseDictionaries(xml: string): Record<string, Record<string, string>> {
  const dictionaries: Record<string, Record<string, string>> = {};
  for (const [, name, body] of xml.matchAll(/<dict name="([^"]+)">([\s\S]*?)<\/dict>/g)) {
    const entries: Record<string, string> = {};
    for (const [, entry] of body!.matchAll(/<entry>([\s\S]*?)<\/entry>/g)) {
      // Long labels are written over several lines (<value xml:lang="fr"⏎ val="…">).
      const value = entry!.match(/<value\s+xml:lang="fr"\s+val="([^"]*)"/)?.[1];
      if (value === undefined) continue;
      // Labels as French typography wants them: typographic apostrophe, capital first letter.
      const text = unescapeXml(value)
        .replaceAll("'", '’')
        .replace(/^Etat\b/, 'État')
        .trim();
      for (const [, key] of entry!.matchAll(/<key\s+val="([^"]*)"/g))
        entries[key!] = text.charAt(0).toUpperCase() + text.slice(1);
    }
    dictionaries[name!] = entries;
  }
  return dictionaries;
}

export const LHEO_DICTIONARIES = parseDictionaries(readFileSync(DEFINITION, 'utf8'));

function dictionary(name: string, overrides: Record<string, string> = {}): Record<string, string> {
  const entries = LHEO_DICTIONARIES[name];
  if (!entries || !Object.keys(entries).length)
    throw new Error(`Dictionnaire LHÉO ${name} absent de ${DEFINITION.pathname}`);
  return { ...entries, ...overrides };
}

/**
 * dict-financeurs (code-financeur): OPCO, Transition Pro, LADOM, ministère de l’Intérieur, OFII…
 * Code 4 reads « France Travail »: Pôle emploi took that name on 1 January 2024 (loi n° 2023-1196
 * pour le plein emploi), after the definition was written.
 */
export const FUNDERS = dictionary('dict-financeurs', { '4': 'France Travail' });
/** Funders that buy places for job seekers ("financé pour les demandeurs d’emploi"). */
export const PUBLIC_JOBSEEKER_FUNDERS = ['2', '4', '7', '11'];

/**
 * dict-niveaux: old national levels (1-8) and the 2019 nomenclature (11-18). The definition gives
 * each 2019 level its full legal description (a paragraph: LEVEL_DEFINITIONS, for a page that
 * explains it); lists and sheets show the level with the diplomas it stands for (décret n° 2019-14
 * du 8 janvier 2019 relatif au cadre national des certifications professionnelles).
 */
export const LEVEL_DEFINITIONS = dictionary('dict-niveaux');
export const LEVELS = dictionary('dict-niveaux', {
  '11': 'Niveau 1 (savoirs de base)',
  '12': 'Niveau 2 (savoir-faire professionnels simples)',
  '13': 'Niveau 3 (CAP, BEP)',
  '14': 'Niveau 4 (baccalauréat)',
  '15': 'Niveau 5 (Bac + 2 : BTS, DEUST)',
  '16': 'Niveau 6 (Bac + 3 : licence, BUT)',
  '17': 'Niveau 7 (Bac + 5 : master, ingénieur)',
  '18': 'Niveau 8 (doctorat)',
});
/** dict-modalites-enseignement. */
export const TEACHING_MODES = dictionary('dict-modalites-enseignement');
/** dict-etat-recrutement. */
export const RECRUITMENT_STATES = dictionary('dict-etat-recrutement');
/** dict-type-parcours (parcours-de-formation). */
export const COURSE_TYPES = dictionary('dict-type-parcours');
/** dict-modalites-es (modalites-entrees-sorties). */
export const ENTRY_EXIT_MODES = dictionary('dict-modalites-es');
/** dict-AIS (objectif-general-formation): certification, professionnalisation, remise à niveau… */
export const GENERAL_OBJECTIVES = dictionary('dict-AIS');
/** dict-perimetre-recrutement (code-perimetre-recrutement). */
export const RECRUITMENT_AREAS = dictionary('dict-perimetre-recrutement');

/** ROME 4 "grands domaines": the first letter of a ROME code. */
export const ROME_DOMAINS: Record<string, string> = {
  A: 'Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux',
  B: 'Arts et façonnage d’ouvrages d’art',
  C: 'Banque, assurance, immobilier',
  D: 'Commerce, vente et grande distribution',
  E: 'Communication, média et multimédia',
  F: 'Construction, bâtiment et travaux publics',
  G: 'Hôtellerie-restauration, tourisme, loisirs et animation',
  H: 'Industrie',
  I: 'Installation et maintenance',
  J: 'Santé',
  K: 'Services à la personne et à la collectivité',
  L: 'Spectacle',
  M: 'Support à l’entreprise',
  N: 'Transport et logistique',
};

/** A code's label; a code the dictionary does not know says so rather than showing a bare number. */
export const label = (dictionary: Record<string, string>, code: string | null | undefined) =>
  code == null ? '' : (dictionary[code] ?? `Code inconnu (${code})`);

/**
 * A public code (code-public-vise) for display. These are Formacode codes, whose labels are not
 * available here (licensed thesaurus, absent from the LHÉO definition and from the shared data):
 * the action's <info-public-vise> text is shown when the feed gives one, and the code otherwise
 * says what it is instead of standing bare.
 */
export function publicLabel(codes: string[], info: string | null): string {
  if (info) return info;
  return codes.map((c) => (/^\d{5}$/.test(c) ? `code Formacode ${c}` : c)).join(', ');
}
