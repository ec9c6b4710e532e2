import { readFileSync } from 'node:fs';

/**
 * The data·inclusion schema's enumerations with their French labels (data/data-inclusion/extra,
 * schema v1.0.8), read once at start-up. Codes are what is stored and exchanged; labels are what
 * people read (issue 13 §1: « enumerations loaded from the shared files, labels shown in French »).
 */
export interface EnumValue {
  value: string;
  label: string;
  description: string | null;
}

function load(file: string): EnumValue[] {
  const url = new URL(`../../../data/data-inclusion/extra/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as EnumValue[];
}

export const ENUMS = {
  thematiques: load('thematiques.json'),
  publics: load('publics.json'),
  types: load('types-de-services.json'),
  modesAccueil: load('modes-accueil.json'),
  modesMobilisation: load('modes-mobilisation.json'),
  frais: load('frais.json'),
  mobilisablePar: load('personnes-mobilisatrices.json'),
  reseauxPorteurs: load('reseaux-porteurs.json'),
} as const;
export type EnumName = keyof typeof ENUMS;

const LABELS = Object.fromEntries(
  Object.entries(ENUMS).map(([name, values]) => [name, new Map(values.map((v) => [v.value, v.label]))]),
) as Record<EnumName, Map<string, string>>;

/** The French label of a code (the code itself when unknown: an old export may carry a retired one). */
export const labelOf = (name: EnumName, value: string): string => LABELS[name].get(value) ?? value;
export const isKnown = (name: EnumName, value: string): boolean => LABELS[name].has(value);
export const labelsOf = (name: EnumName, values: readonly string[] | null | undefined): string[] =>
  (values ?? []).map((v) => labelOf(name, v));

/**
 * The thématiques' families (the part of a code before « -- »), with the labels DORA and
 * data·inclusion's own site show for them: the schema lists sub-thématiques only.
 */
export const THEMATIQUE_FAMILIES: Record<string, string> = {
  'choisir-un-metier': 'Choisir un métier',
  'creer-une-entreprise': 'Créer une entreprise',
  'difficultes-administratives-ou-juridiques': 'Difficultés administratives ou juridiques',
  'difficultes-financieres': 'Difficultés financières',
  'equipement-et-alimentation': 'Équipement et alimentation',
  famille: 'Famille',
  'lecture-ecriture-calcul': 'Lecture, écriture, calcul',
  'logement-hebergement': 'Logement et hébergement',
  mobilite: 'Mobilité',
  numerique: 'Numérique',
  'preparer-sa-candidature': 'Préparer sa candidature',
  remobilisation: 'Remobilisation',
  sante: 'Santé',
  'se-former': 'Se former',
  'souvrir-a-linternational': 'S’ouvrir à l’international',
  'trouver-un-emploi': 'Trouver un emploi',
};

/** The family of a thématique code (« logement-hebergement--louer-un-logement » → « logement-hebergement »). */
export const familyOf = (thematique: string): string => thematique.split('--')[0] ?? thematique;
