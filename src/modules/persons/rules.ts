/**
 * The person file's domain rules as data (issue 10), each with its source. The service checks input
 * against these lists, the pages show their labels, and `rights.ts` decides who reads what.
 */

/** Civility as France Travail records it (« Madame », « Monsieur »). */
export const CIVILITIES = { madame: 'Madame', monsieur: 'Monsieur' } as const;
export type Civility = keyof typeof CIVILITIES;

/**
 * Registration categories of job seekers (arrêté du 5 février 1992 modifié, categories A to E as
 * published by France Travail and the DARES since 2009).
 */
export const REGISTERED_CATEGORIES = {
  A: 'Catégorie A — sans emploi, tenu de chercher un emploi',
  B: 'Catégorie B — activité réduite courte (78 h ou moins par mois)',
  C: 'Catégorie C — activité réduite longue (plus de 78 h par mois)',
  D: 'Catégorie D — sans emploi, non tenu de chercher (formation, maladie…)',
  E: 'Catégorie E — en emploi, non tenu de chercher (contrat aidé, création…)',
} as const;
export type RegisteredCategory = keyof typeof REGISTERED_CATEGORIES;

/**
 * Situations a counsellor records. `sensitive` ones reveal a social minimum or a disability
 * (health data, RGPD art. 9): only the referent organisation receives them (rights.ts). « Jeune »
 * and « 50 ans et plus » are not stored: they follow from the birth date (AGE_RULES).
 * Sources: RSA (CASF L262-1), ASS (C. trav. L5423-1), AAH (CSS L821-1), RQTH (C. trav. L5213-1),
 * QPV (loi 2014-173, décret 2014-1750), ZRR (CGI art. 1465 A), long-term unemployment: 12 months
 * registered in the last 15 (DARES definition).
 */
export const SITUATIONS = {
  region_trainee: { label: 'Stagiaire de la formation professionnelle de la Région', sensitive: false },
  region_apprentice: { label: 'Apprenti·e (Région)', sensitive: false },
  rsa: { label: 'Bénéficiaire du RSA', sensitive: true },
  ass: { label: 'Bénéficiaire de l’ASS', sensitive: true },
  aah: { label: 'Bénéficiaire de l’AAH', sensitive: true },
  rqth: { label: 'Reconnaissance de la qualité de travailleur handicapé (RQTH)', sensitive: true },
  qpv: { label: 'Réside en quartier prioritaire de la politique de la ville (QPV)', sensitive: false },
  zrr: { label: 'Réside en zone de revitalisation rurale (ZRR)', sensitive: false },
  long_term_unemployed: {
    label: 'Demandeur d’emploi de longue durée (12 mois sur les 15 derniers)',
    sensitive: false,
  },
} as const;
export type Situation = keyof typeof SITUATIONS;

/**
 * Ages: « jeune » under 26 (Mission locale public, C. trav. L5314-2), « senior » 50 and over
 * (France Travail's public of 50+); a file is refused under 15 (no one works or trains before the
 * end of compulsory schooling at 16, an apprentice may start at 15: C. trav. L6222-1).
 */
export const AGE_RULES = { youngUnder: 26, seniorFrom: 50, minimum: 15 } as const;

/**
 * Education levels as France Travail and the ASP code them (référentiel « niveaux de formation » of
 * the France Travail API), with the level of the 2019 nomenclature (décret 2019-14) they stand for.
 */
export const EDUCATION_LEVELS = {
  AFS: 'Aucune formation scolaire',
  CP4: 'Primaire à 4e achevée',
  CFG: '4e achevée (certificat de formation générale)',
  C3A: '3e achevée ou brevet',
  C12: '2de ou 1re achevée',
  NV5: 'CAP, BEP (niveau 3)',
  NV4: 'Baccalauréat (niveau 4)',
  NV3: 'Bac + 2 (niveau 5)',
  NV2: 'Bac + 3 ou 4 (niveau 6)',
  NV1: 'Bac + 5 et plus (niveaux 7 et 8)',
} as const;
export type EducationLevel = keyof typeof EDUCATION_LEVELS;

/** Driving licence categories (C. route R221-4). */
export const DRIVING_LICENCES = {
  AM: 'AM (cyclomoteur)',
  A1: 'A1',
  A2: 'A2',
  A: 'A (moto)',
  B: 'B (voiture)',
  BE: 'BE',
  C1: 'C1',
  C: 'C (poids lourd)',
  CE: 'CE',
  D1: 'D1',
  D: 'D (transport en commun)',
} as const;
export type DrivingLicence = keyof typeof DRIVING_LICENCES;

/** How the person can get to work. */
export const MOBILITY_MEANS = {
  car: 'Voiture',
  two_wheeler: 'Deux-roues motorisé',
  bicycle: 'Vélo',
  public_transport: 'Transports en commun',
  walking: 'À pied',
} as const;
export type MobilityMean = keyof typeof MOBILITY_MEANS;
/** A radius past 200 km is no daily commute: the field is bounded there. */
export const MAX_MOBILITY_KM = 200;

export const WORKING_TIMES = {
  full_time: 'Temps plein',
  part_time: 'Temps partiel',
  any: 'Temps plein ou partiel',
} as const;
export type WorkingTime = keyof typeof WORKING_TIMES;

/** Contract types as France Travail offers name them (typeContrat of the Offres d’emploi API). */
export const CONTRACT_TYPES = {
  CDI: 'CDI',
  CDD: 'CDD',
  MIS: 'Intérim (mission)',
  SAI: 'Saisonnier',
  ALT: 'Alternance (apprentissage, professionnalisation)',
  IAE: 'Contrat d’insertion (IAE)',
  LIB: 'Profession libérale ou indépendante',
} as const;
export type ContractType = keyof typeof CONTRACT_TYPES;

/**
 * Barriers to employment (« freins »), copied from the IAE platform's list:
 * data/iae/freins_libelle.csv (plateforme de l’inclusion, type_frein, type_frein_libelle), codes as
 * published there. The labels were corrected for spelling and French typography (the source has
 * « Illetrisme », « Français langues étrangères », « handicap psy », and « / » for « et » or « ou »):
 * a counsellor reads them in every file, a person in their export.
 * Health and justice reveal health data (RGPD art. 9) and offences (art. 10): only the referent
 * organisation receives them (rights.ts).
 */
export const BARRIERS = {
  illetrisme: { label: 'Illettrisme, analphabétisme ou français langue étrangère', sensitive: false },
  demarch: { label: 'Démarches administratives et accès aux droits', sensitive: false },
  heberg: { label: 'Hébergement et logement', sensitive: false },
  mobilite: { label: 'Manque de mobilité', sensitive: false },
  sante: {
    label: 'Santé (addiction, souffrance psychique, handicap psychique ou autre)',
    sensitive: true,
  },
  justice: { label: 'Justice', sensitive: true },
  surendet: { label: 'Surendettement et finances', sensitive: false },
  manque_dispo: { label: 'Manque de disponibilité', sensitive: false },
} as const;
export type Barrier = keyof typeof BARRIERS;

/**
 * The legal basis of the processing (RGPD art. 6): public-service employment bodies process job
 * seekers' files as a task in the public interest (art. 6.1.e, C. trav. L5312-1, L5314-2); others
 * on the person's consent (art. 6.1.a). The date the person was informed (art. 13) is recorded with it.
 */
export const LEGAL_BASES = {
  public_service: 'Mission de service public (RGPD art. 6.1.e)',
  consent: 'Consentement de la personne (RGPD art. 6.1.a)',
} as const;
export type LegalBasis = keyof typeof LEGAL_BASES;

/** Wanted jobs: one to five ROME appellations (issue 10). Past jobs: at most 20, up to 50 years each. */
export const WANTED_JOBS = { min: 1, max: 5 } as const;
export const PAST_JOBS = { max: 20, maxMonths: 600 } as const;
/**
 * Declared skills: ROME 4.0 skill codes (savoir-faire, savoir-être, savoirs). 20 at most, as a CV's
 * skills section; the form offers SKILL_SLOTS of them (form-values.ts), the API the whole 20.
 */
export const DECLARED_SKILLS = { max: 20 } as const;

/**
 * A France Travail identifier: 7 digits and a check character (the historical « identifiant Pôle
 * emploi »), or the 11-character national identifier; upper case, no spaces.
 */
export const FRANCE_TRAVAIL_ID = /^\d{7}[0-9A-Z]([0-9A-Z]{3})?$/;

export const sensitiveSituations = (Object.keys(SITUATIONS) as Situation[]).filter(
  (s) => SITUATIONS[s].sensitive,
);
export const sensitiveBarriers = (Object.keys(BARRIERS) as Barrier[]).filter((b) => BARRIERS[b].sensitive);

/** Age in whole years on `today` (ISO dates). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** The key duplicates are found by: names without accents, case, hyphens or spaces. */
export function nameKey(lastName: string, firstName: string): string {
  const norm = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
  return `${norm(lastName)}|${norm(firstName)}`;
}
