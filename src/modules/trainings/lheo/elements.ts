import type { XmlNode } from './reader.js';

/**
 * What Passerelle keeps of an LHÉO <formation>, as data: the tree of the elements the mapper
 * (map.ts) reads. Every element of a record outside this tree is listed as a warning in the import
 * report (element, line), never dropped silently: either an LHÉO element the model does not keep
 * yet, or a name LHÉO does not define (a misspelt element, with the closest LHÉO name).
 *
 * To keep a new element: read it in map.ts and add it here, under its parent. A value:
 * - 'text': the element is kept with everything it holds (its children are not checked);
 * - a tree: the element is kept, and its children are checked against that tree;
 * - { info: [...] }: an <extra> kept only for these values of its `info` attribute.
 */
export type KeptTree = {
  readonly [element: string]: KeptTree | 'text' | { readonly info: readonly string[] };
};

const ADDRESS: KeptTree = {
  ligne: 'text',
  codepostal: 'text',
  ville: 'text',
  'code-INSEE-commune': 'text',
  geolocalisation: { latitude: 'text', longitude: 'text' },
  departement: 'text',
  region: 'text',
  pays: 'text',
};

/** contact() in map.ts: civility, names, a fixed, mobile and fax number, an e-mail, a web address and an address. */
const CONTACT: KeptTree = {
  civilite: 'text',
  prenom: 'text',
  nom: 'text',
  telfixe: { numtel: 'text' },
  portable: { numtel: 'text' },
  fax: { numtel: 'text' },
  courriel: 'text',
  web: { urlweb: 'text' },
  adresse: ADDRESS,
};
/** A Carif's own extras are kept as they come (raw XML) and exported back. */
const RAW = 'text';

const SESSION: KeptTree = {
  periode: { debut: 'text', fin: 'text' },
  'adresse-inscription': { adresse: ADDRESS },
  'etat-recrutement': 'text',
  'periode-inscription': { periode: { debut: 'text', fin: 'text' } },
  // Places are a Passerelle extension carried in extras (writer.ts writes them back); other extras are kept raw.
  extras: RAW,
};

const ACTION: KeptTree = {
  'rythme-formation': 'text',
  'code-public-vise': 'text',
  'info-public-vise': 'text',
  'niveau-entree-obligatoire': 'text',
  'modalites-alternance': 'text',
  'modalites-enseignement': 'text',
  'conditions-specifiques': 'text',
  'prise-en-charge-frais-possible': 'text',
  'lieu-de-formation': { coordonnees: { ...CONTACT, nom: 'text', adresse: ADDRESS } },
  'modalites-entrees-sorties': 'text',
  session: SESSION,
  'acces-handicapes': 'text',
  'modalites-recrutement': 'text',
  'prix-horaire-TTC': 'text',
  'prix-total-TTC': 'text',
  'nombre-heures-centre': 'text',
  'nombre-heures-entreprise': 'text',
  'organisme-financeur': { 'code-financeur': 'text', 'nb-places-financees': 'text', extras: RAW },
  'url-action': { urlweb: 'text' },
  'adresse-information': { adresse: ADDRESS },
  'langue-formation': 'text',
  'code-perimetre-recrutement': 'text',
  'infos-perimetre-recrutement': 'text',
  'duree-indicative': 'text',
  'nombre-heures-total': 'text',
  conventionnement: 'text',
  'duree-conventionnee': 'text',
  'organisme-formateur': {
    'SIRET-formateur': { SIRET: 'text' },
    'raison-sociale-formateur': 'text',
    'contact-formateur': { coordonnees: CONTACT },
    potentiel: { 'code-FORMACODE': 'text' },
    extras: RAW,
  },
  extras: RAW,
};

export const KEPT_FORMATION: KeptTree = {
  'domaine-formation': { 'code-FORMACODE': 'text', 'code-NSF': 'text', 'code-ROME': 'text' },
  'intitule-formation': 'text',
  'objectif-formation': 'text',
  'resultats-attendus': 'text',
  'contenu-formation': 'text',
  certifiante: 'text',
  'contact-formation': { coordonnees: CONTACT },
  'parcours-de-formation': 'text',
  'code-niveau-entree': 'text',
  certification: { 'code-RNCP': 'text', 'code-RS': 'text', 'code-CERTIFINFO': 'text' },
  'objectif-general-formation': 'text',
  'code-niveau-sortie': 'text',
  'url-formation': { urlweb: 'text' },
  action: ACTION,
  'organisme-formation-responsable': {
    'numero-activite': 'text',
    'SIRET-organisme-formation': { SIRET: 'text' },
    'nom-organisme': 'text',
    'raison-sociale': 'text',
    'coordonnees-organisme': { coordonnees: { ...CONTACT, adresse: ADDRESS } },
    'contact-organisme': { coordonnees: CONTACT },
    'renseignements-specifiques': 'text',
    potentiel: { 'code-FORMACODE': 'text' },
    extras: RAW,
  },
  extras: RAW,
};

/**
 * Every element name LHÉO 2.3 defines (data/lheo/lheo-2.3.xsd, its 170 xs:element names; a test
 * checks the list against the XSD). The real LHÉO 2.2 records use no other name.
 */
export const LHEO_ELEMENTS: ReadonlySet<string> = new Set([
  'SIRET',
  'SIRET-formateur',
  'SIRET-lieu-formation',
  'SIRET-organisme-formation',
  'a-distance',
  'acces-handicapes',
  'action',
  'adresse',
  'adresse-information',
  'adresse-inscription',
  'alternance',
  'annee-cycle',
  'bloc-competences',
  'blocs-competences',
  'capacite-cumulee',
  'capacite-simultanee',
  'certifiante',
  'certification',
  'civilite',
  'code-CERTIFINFO',
  'code-CPF',
  'code-ELU',
  'code-FORMACODE',
  'code-INSEE-canton',
  'code-INSEE-commune',
  'code-NSF',
  'code-RNCP',
  'code-ROME',
  'code-RS',
  'code-UAI',
  'code-UAI-formateur',
  'code-UAI-lieu-formation',
  'code-UAI-organisme-formation',
  'code-bloc',
  'code-financeur',
  'code-modalite-pedagogique',
  'code-niveau-entree',
  'code-niveau-sortie',
  'code-perimetre-recrutement',
  'code-public-vise',
  'code-type-formation',
  'codepostal',
  'commentaire',
  'conditions-specifiques',
  'contact-formateur',
  'contact-formation',
  'contact-formation-resume',
  'contact-organisme',
  'contact-session',
  'contenu-formation',
  'conventionnement',
  'coordonnees',
  'coordonnees-organisme',
  'courriel',
  'cout-indicatif-equipement',
  'cycle',
  'date',
  'date-information',
  'debut',
  'denomination',
  'departement',
  'detail-conditions-prise-en-charge',
  'domaine-formation',
  'duree-conventionnee',
  'duree-cycle',
  'duree-indicative',
  'effectif-minimal',
  'enseignement',
  'equipement',
  'etat-recrutement',
  'extra',
  'extras',
  'fax',
  'fin',
  'formation',
  'frais-restants',
  'geolocalisation',
  'hebergement',
  'heure-debut',
  'heure-fin',
  'identifiant-module',
  'info-public-vise',
  'infos-perimetre-recrutement',
  'intitule-formation',
  'langue-formation',
  'latitude',
  'lheo',
  'lheo-index',
  'lheo-plus',
  'libelle-bloc',
  'libelle-enseignement',
  'lieu-de-formation',
  'ligne',
  'longitude',
  'modalite-recrutement',
  'modalites-alternance',
  'modalites-enseignement',
  'modalites-entrees-sorties',
  'modalites-inscription',
  'modalites-pedagogiques',
  'modalites-recrutement',
  'modules-prerequis',
  'nb-places',
  'nb-places-financees',
  'niveau-entree-obligatoire',
  'nom',
  'nom-organisme',
  'nombre-heures-centre',
  'nombre-heures-entreprise',
  'nombre-heures-total',
  'numero-activite',
  'numtel',
  'objectif-formation',
  'objectif-general-formation',
  'obligatoire',
  'offres',
  'organisme-financeur',
  'organisme-formateur',
  'organisme-formation-responsable',
  'parcours-de-formation',
  'pays',
  'periode',
  'periode-inscription',
  'portable',
  'positionnement',
  'potentiel',
  'prenom',
  'prise-en-charge-frais-possible',
  'prix-horaire-TTC',
  'prix-total-TTC',
  'raison-sociale',
  'raison-sociale-formateur',
  'recrutement',
  'reference-certification',
  'reference-code-CERTIFINFO',
  'reference-code-FORMACODE',
  'reference-code-RNCP',
  'reference-code-RS',
  'reference-module',
  'region',
  'renseignements-specifiques',
  'restauration',
  'resultats-attendus',
  'resume-offre',
  'resume-organisme',
  'resumes-offres',
  'resumes-organismes',
  'rythme-alternance',
  'rythme-formation',
  'session',
  'sous-module',
  'sous-modules',
  'telfixe',
  'transport',
  'type-alternance',
  'type-contact',
  'type-cycle',
  'type-enseignement',
  'type-equipement',
  'type-module',
  'unite-rythme-alternance',
  'unites-centre',
  'unites-entreprise',
  'url-action',
  'url-formation',
  'url-session',
  'urlweb',
  'validation-blocs',
  'ville',
  'web',
]);

/** Levenshtein distance, given up past `max` (names are short: 40 characters at most). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length]!;
}

/** The LHÉO name closest to a misspelt one (at most 2 edits, or a fifth of the name), if any. */
export function closestElement(name: string, candidates: Iterable<string> = LHEO_ELEMENTS): string | null {
  const max = Math.max(2, Math.floor(name.length / 5));
  let best: string | null = null;
  let bestDistance = max + 1;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase(), max);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

export interface UnkeptElement {
  /** The first occurrence. */
  node: XmlNode;
  /** formation/action/…: where it sits. */
  path: string;
  message: string;
}

const isInfoRule = (rule: unknown): rule is { info: readonly string[] } =>
  typeof rule === 'object' && rule !== null && Array.isArray((rule as { info?: unknown }).info);

/**
 * The elements of a <formation> that Passerelle does not keep, one entry per place in the tree
 * (path): a feed repeats the same element in every action, and one warning per path with its
 * occurrences' lines says it all without burying the report.
 */
export function unkeptElements(formation: XmlNode, kept: KeptTree = KEPT_FORMATION): UnkeptElement[] {
  const found = new Map<string, { node: XmlNode; lines: number[]; siblings: KeptTree }>();
  const walk = (node: XmlNode, tree: KeptTree, path: string) => {
    for (const child of node.children) {
      const rule = tree[child.name];
      const childPath = `${path}/${child.name}`;
      if (rule === 'text') continue;
      if (isInfoRule(rule)) {
        if (rule.info.includes(child.attrs.info ?? '')) continue;
      } else if (rule) {
        walk(child, rule as KeptTree, childPath);
        continue;
      }
      const key = child.name === 'extra' ? `${childPath}[@info="${child.attrs.info ?? ''}"]` : childPath;
      const entry = found.get(key) ?? { node: child, lines: [], siblings: tree };
      entry.lines.push(child.line);
      found.set(key, entry);
    }
  };
  walk(formation, kept, 'formation');
  return [...found].map(([path, { node, lines, siblings }]) => {
    const where =
      lines.length > 1
        ? `${lines.length} fois, lignes ${lines.slice(0, 10).join(', ')}${lines.length > 10 ? '…' : ''}`
        : `ligne ${lines[0]}`;
    if (LHEO_ELEMENTS.has(node.name))
      return {
        node,
        path,
        message: `<${node.name}> (${path}) : élément LHÉO que Passerelle ne conserve pas, ignoré (${where})`,
      };
    const guess = closestElement(node.name, Object.keys(siblings)) ?? closestElement(node.name);
    return {
      node,
      path,
      message: `<${node.name}> (${path}) : élément inconnu de LHÉO${guess ? ` (faute de frappe pour <${guess}> ?)` : ''}, ignoré (${where})`,
    };
  });
}
