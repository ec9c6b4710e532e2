/**
 * The job offer's domain rules as data (issue 10 §3), each with its source. The service checks input
 * against these lists, the pages show their labels, the importer maps France Travail's codes to them.
 */

/**
 * Contract types. Codes are France Travail's `typeContrat` (API « Offres d'emploi v2 », référentiel
 * typesContrats) where one exists, so that an imported offer keeps its code; apprenticeship,
 * professionalisation and the CDD d'insertion are FT « natures de contrat » (natureContrat E2, FS,
 * FJ) that we keep as types of their own because the accompanying organisations search by them.
 * Sources: C. trav. L1221-2 (CDI), L1242-2 (CDD), L1251-1 (intérim), L1242-2 3° (saisonnier),
 * L6221-1 (apprentissage), L6325-1 (professionnalisation), L5132-11-1 (CDD d'insertion).
 */
export const CONTRACT_TYPES = {
  CDI: { label: 'CDI', hasDuration: false },
  CDD: { label: 'CDD', hasDuration: true },
  MIS: { label: 'Intérim (mission)', hasDuration: true },
  SAI: { label: 'Saisonnier', hasDuration: true },
  APP: { label: 'Contrat d’apprentissage', hasDuration: true },
  PRO: { label: 'Contrat de professionnalisation', hasDuration: true },
  CDDI: { label: 'CDD d’insertion (IAE)', hasDuration: true },
  LIB: { label: 'Profession libérale', hasDuration: false },
  FRA: { label: 'Franchise', hasDuration: false },
} as const;
export type ContractType = keyof typeof CONTRACT_TYPES;

/**
 * An offer's life, as a state machine written as data (issue 10 §3: draft → published → filled /
 * closed / expired). Every transition is logged (job_offer_transition) with who and when.
 * - A draft is published, or closed (abandoned before publication).
 * - A published offer is filled (recruitment done), closed (withdrawn by the employer, or absent
 *   from its source's full feed) or expires (its `expires_on` passed: the platform does it).
 * - A closed or expired offer may be published again (the same job posted anew); a filled one is
 *   final (a new recruitment is a new offer, so that filled offers count once in statistics).
 */
export const OFFER_STATES = {
  draft: 'Brouillon',
  published: 'Publiée',
  filled: 'Pourvue',
  closed: 'Clôturée',
  expired: 'Expirée',
} as const;
export type OfferState = keyof typeof OFFER_STATES;

export const OFFER_TRANSITIONS: Readonly<Record<OfferState, readonly OfferState[]>> = {
  draft: ['published', 'closed'],
  published: ['filled', 'closed', 'expired'],
  filled: [],
  closed: ['published'],
  expired: ['published'],
};

/** What the employer may do by hand: expiry is the platform's (it follows `expires_on`). */
export const MANUAL_TARGETS: ReadonlySet<OfferState> = new Set(['published', 'filled', 'closed']);

export const TRANSITION_LABELS: Readonly<Record<OfferState, string>> = {
  draft: 'Remettre en brouillon',
  published: 'Publier',
  filled: 'Marquer comme pourvue',
  closed: 'Clôturer',
  expired: 'Expirer',
};

export const canTransition = (from: OfferState, to: OfferState) => OFFER_TRANSITIONS[from].includes(to);

/**
 * A published offer expires after 60 days unless its employer sets another date (France Travail
 * keeps an offer online at most 2 months without update before it is closed).
 */
export const DEFAULT_VALIDITY_DAYS = 60;

/** A skill is required (« exigé ») or wished (« souhaité »): FT v2 `exigence` E / S. */
export const SKILL_REQUIREMENTS = { required: 'Exigé', wished: 'Souhaité' } as const;
export type SkillRequirement = keyof typeof SKILL_REQUIREMENTS;
/** An offer lists at most 30 skills: FT offers carry 3 to 15; past 30 a list is not read. */
export const MAX_SKILLS = 30;

/**
 * Experience as FT v2 codes it (`experienceExige`): D débutant accepté, S souhaitée, E exigée. An offer
 * « open to people without experience » is one with D.
 */
export const EXPERIENCE = {
  D: 'Débutant accepté',
  S: 'Expérience souhaitée',
  E: 'Expérience exigée',
} as const;
export type Experience = keyof typeof EXPERIENCE;

/**
 * Levels of the national framework of certifications (décret 2019-14 du 8 janvier 2019): the
 * level an offer asks for, or none.
 */
export const EDUCATION_LEVELS = {
  '3': 'Niveau 3 (CAP, BEP)',
  '4': 'Niveau 4 (baccalauréat)',
  '5': 'Niveau 5 (bac + 2)',
  '6': 'Niveau 6 (bac + 3 ou 4)',
  '7': 'Niveau 7 (bac + 5)',
  '8': 'Niveau 8 (doctorat)',
} as const;
export type EducationLevel = keyof typeof EDUCATION_LEVELS;

/** Driving licences an offer may require (C. route R221-4). */
export const DRIVING_LICENCES = {
  AM: 'AM (cyclomoteur)',
  A: 'A (moto)',
  B: 'B (voiture)',
  BE: 'BE',
  C1: 'C1',
  C: 'C (poids lourd)',
  CE: 'CE',
  D: 'D (transport en commun)',
} as const;
export type DrivingLicence = keyof typeof DRIVING_LICENCES;

/** Working time: FT v2 `dureeTravailLibelleConverti` (Temps plein / Temps partiel). */
export const WORKING_TIMES = { full_time: 'Temps plein', part_time: 'Temps partiel' } as const;
export type WorkingTime = keyof typeof WORKING_TIMES;

/** Salary amounts are per month, gross, in integer cents (STYLE.md: money in cents). */
export const SALARY = {
  /** SMIC brut mensuel 2026 for 35 h is ~1 823 €: a monthly amount under 100 € is a typing error. */
  minMonthlyCents: 100_00,
  /** 100 000 € a month: past this, an amount is a typing error (yearly amount in a monthly field). */
  maxMonthlyCents: 100_000_00,
} as const;

/** Bounds of the numbers an offer carries, each refused past them with the field's name. */
export const LIMITS = {
  /** Positions: 1 to 500 (a seasonal campaign posts a few hundred, never thousands in one offer). */
  positions: { min: 1, max: 500 },
  /** Weekly hours: 1 to 48 (C. trav. L3121-20, maximum weekly working time). */
  weeklyHours: { min: 1, max: 48 },
  /** Duration of a fixed-term contract: 1 to 36 months (CDD: 18 to 36 months, L1242-8; apprenticeship: up to 3 years). */
  durationMonths: { min: 1, max: 36 },
  title: 150,
  description: 10_000,
} as const;

/** Organisation kinds that recruit and so publish offers: employers and SIAE (C. trav. L5132-1 ff.). */
export const OFFER_PUBLISHER_KINDS = [
  'employeur',
  'siae_ai',
  'siae_ei',
  'siae_etti',
  'siae_aci',
  'siae_eiti',
] as const;
