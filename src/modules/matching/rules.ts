/**
 * The matching's rules as data (issue 11): the hard filters' code mappings, the score's terms and
 * the weights' presets. score.ts computes a match from these in process (the brute-force check);
 * repository.ts computes the same in SQL; the pages show the labels.
 */

/** The score's terms, in the order they are shown. */
export const TERMS = {
  job: 'Métier',
  skills: 'Compétences',
  distance: 'Distance',
  conditions: 'Contrat et horaires',
  experience: 'Expérience',
  level: 'Niveau de formation',
  tension: 'Tension du métier dans la zone',
} as const;
export type Term = keyof typeof TERMS;
export const TERM_KEYS = Object.keys(TERMS) as Term[];

export type Weights = Record<Term, number>;

/** Each weight is between 0 (ignored) and 5, by halves: a counsellor's custom weights are refused past them. */
export const WEIGHT_RANGE = { min: 0, max: 5, step: 0.5 } as const;

/**
 * Presets a counsellor chooses for a person. « Reconversion » values close métiers almost as the
 * wanted one and skills more than experience (a person changing trade has no experience in it);
 * « Proximité » favours what is near (no vehicle, childcare); « Premier emploi » does not count
 * experience (young people, Mission locale public).
 */
export const PRESETS = {
  standard: {
    label: 'Équilibré',
    description: 'Le métier recherché, les compétences et la distance comptent le plus.',
    weights: { job: 3, skills: 3, distance: 2, conditions: 1, experience: 1, level: 1, tension: 1 },
    closeMetierValue: 0.6,
  },
  reconversion: {
    label: 'Reconversion',
    description:
      'Les métiers proches comptent presque autant que le métier recherché ; les compétences plus que l’expérience.',
    weights: { job: 2, skills: 4, distance: 2, conditions: 1, experience: 0, level: 0.5, tension: 1 },
    closeMetierValue: 0.9,
  },
  proximite: {
    label: 'Proximité',
    description: 'Les offres les plus proches d’abord, pour une personne peu mobile.',
    weights: { job: 2, skills: 2, distance: 5, conditions: 1, experience: 1, level: 1, tension: 0.5 },
    closeMetierValue: 0.6,
  },
  premier_emploi: {
    label: 'Premier emploi',
    description: 'L’expérience ne compte pas ; le métier et les compétences d’abord.',
    weights: { job: 3, skills: 3, distance: 2, conditions: 1, experience: 0, level: 0.5, tension: 1 },
    closeMetierValue: 0.6,
  },
} as const satisfies Record<
  string,
  { label: string; description: string; weights: Weights; closeMetierValue: number }
>;
export type PresetName = keyof typeof PRESETS;
export const DEFAULT_PRESET: PresetName = 'standard';
export const isPreset = (name: string): name is PresetName => Object.hasOwn(PRESETS, name);

/**
 * How the offer's métier relates to the person: the same appellation as a wanted job, the métier
 * of a wanted job, of a past job, or a close métier (ROME 4.0 mobility, rank 1 the closest), whose
 * value starts at the preset's `closeMetierValue` and loses `closeRankStep` a rank, down to `closeFloor`.
 */
export const JOB_VALUES = {
  appellation: 1,
  wanted: 0.85,
  past: 0.7,
  closeRankStep: 0.04,
  closeFloor: 0.3,
} as const;
export type Via = 'appellation' | 'wanted' | 'past' | 'close';

/** A person without a radius in their file is matched within 30 km (the usual daily commute). */
export const DEFAULT_RADIUS_KM = 30;
/** An offer's candidates are looked for within this distance (the persons' largest radius, persons/rules.ts MAX_MOBILITY_KM). */
export const MAX_CANDIDATE_RADIUS_KM = 200;
/** A person available at most 30 days after the offer's start (or today) still matches it. */
export const AVAILABILITY_SLACK_DAYS = 30;

/**
 * The offer contract types (offers/rules.ts) each contract type a person accepts (persons/rules.ts)
 * covers: alternance is apprenticeship or professionalisation, IAE the CDD d'insertion.
 */
export const ACCEPTED_CONTRACTS: Readonly<Record<string, readonly string[]>> = {
  CDI: ['CDI'],
  CDD: ['CDD'],
  MIS: ['MIS'],
  SAI: ['SAI'],
  ALT: ['APP', 'PRO'],
  IAE: ['CDDI'],
  LIB: ['LIB', 'FRA'],
};

/**
 * The licences that satisfy a licence an offer requires (C. route R221-4 ff.): C1, C, D1 and D are
 * only issued to holders of B; CE includes C; a B licence allows a moped (AM, R221-8).
 */
export const LICENCE_SATISFIED_BY: Readonly<Record<string, readonly string[]>> = {
  AM: ['AM', 'A1', 'A2', 'A', 'B', 'BE', 'C1', 'C', 'CE', 'D1', 'D'],
  A: ['A'],
  B: ['B', 'BE', 'C1', 'C', 'CE', 'D1', 'D'],
  BE: ['BE'],
  C1: ['C1', 'C', 'CE'],
  C: ['C', 'CE'],
  CE: ['CE'],
  D: ['D'],
};

/**
 * The person's education level (France Travail codes, persons/rules.ts) as a level of the national
 * framework (décret 2019-14), which offers ask for; below CAP: level 2.
 */
export const PERSON_LEVEL: Readonly<Record<string, number>> = {
  AFS: 1,
  CP4: 2,
  CFG: 2,
  C3A: 2,
  C12: 2,
  NV5: 3,
  NV4: 4,
  NV3: 5,
  NV2: 6,
  NV1: 7,
};

/** Term values for the conditions, the level and experience (each explained in reasons.ts). */
export const FIT = {
  noContractPreference: 0.75,
  hoursUnknown: 0.75,
  hoursMismatch: 0.25,
  levelOneBelow: 0.5,
  levelUnknown: 0.5,
  experienceWishedFloor: 0.5,
  defaultExperienceMonths: 12,
} as const;

/** A suggestion at or above this score is « strong »: a new one is notified to the referent counsellor. */
export const STRONG_SCORE = 0.75;
/** How many suggestions are stored per person (nightly) and shown; precision is measured on the first 10. */
export const STORED_SUGGESTIONS = 20;
export const PRECISION_AT = 10;

/** What a counsellor may give as the reason for excluding a suggestion (a free comment may follow). */
export const EXCLUSION_REASONS = {
  distance: 'Trop loin ou mal desservi',
  conditions: 'Horaires ou contrat incompatibles avec la situation',
  skills: 'Compétences ou prérequis manquants',
  project: 'Ne correspond pas au projet de la personne',
  already: 'Déjà candidat·e ou déjà refusé·e par cet employeur',
  other: 'Autre raison',
} as const;
export type ExclusionReason = keyof typeof EXCLUSION_REASONS;

/** What the person or the employer says of a suggestion. */
export const VERDICTS = { interested: 'Intéressé·e', not_for_me: 'Pas pour moi' } as const;
export type Verdict = keyof typeof VERDICTS;

/** What came of a suggestion, recorded by a counsellor: contact or hire counts for precision@10. */
export const OUTCOMES = {
  contacted: { label: 'Employeur contacté', counts: true },
  interview: { label: 'Entretien obtenu', counts: true },
  hired: { label: 'Embauche', counts: true },
} as const;
export type Outcome = keyof typeof OUTCOMES;
