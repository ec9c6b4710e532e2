/**
 * From a skill gap to a training (issue 11 §2): the rules that say which trainings of the catalogue
 * lead to a target job near a person, and in which order, as data. gap-service.ts applies them to
 * the rows gap-repository.ts reads; the pages and the API show the reasons they give.
 */

/**
 * How a training leads to the target job: its ROME codes (LHÉO <code-ROME>, up to 5 per formation)
 * name the target's ROME 4.0 métier itself, or only its v3 trade (rome_metier.trade_code: ROME 4.0
 * split some v3 trades into several métiers, and feeds still code in v3), which is a little less sure.
 * Formacode and certification (RNCP) are not used: no Formacode → ROME nor RNCP → ROME table is in
 * the shared data (data/README.md; the Formacode thesaurus is licensed by Centre Inffo), and the
 * demo catalogue carries no Formacode.
 */
export const LEADS = { metier: 1, trade: 0.8 } as const;
export type Leads = keyof typeof LEADS;

/**
 * Who funds a place for a job seeker, by LHÉO 2.3 dict-financeurs code (code-financeur,
 * data/lheo/lheo-2.3-definition-gml.xml): `public` funders buy places for job seekers as such
 * (value 1); `partial` ones fund them only for some publics or as co-funders (value 0.5); any other
 * code (5 Entreprise, 10 Bénéficiaire de l'action, 17 Transition Pro, 0 Autre, 1 obsolete) does not
 * fund a job seeker's place, so the training is ranked last, with « financement à trouver ».
 * - 2 Conseil régional: the Region funds job seekers' training (C. trav. L6121-1, L6122-1);
 * - 4 France Travail (Pôle emploi): AIF, POEI, collective purchases (C. trav. L5312-1, L6326-1);
 * - 11 État — ministère chargé de l'emploi: plan d'investissement dans les compétences (PIC, PRIC);
 * - 16 OPCO: the POEC, training job seekers for a branch's jobs (C. trav. L6326-3).
 * Partial: 7 AGEFIPH (persons with a recognised disability only, C. trav. L5214-1; the file's
 * disability facet is sensitive and not used here), 3 and 14 European funds (co-funding), 8
 * Département (RSA beneficiaries), 9 commune and 15 other local authorities, 12, 13, 19 other
 * ministries, 18 LADOM (overseas residents' mobility), 20 OFII (newcomers' language training).
 */
export const JOBSEEKER_FUNDERS = {
  public: ['2', '4', '11', '16'],
  partial: ['7', '3', '14', '8', '9', '15', '12', '13', '19', '18', '20'],
} as const;
export const FUNDING_VALUES = { public: 1, partial: 0.5, none: 0 } as const;
export type Funding = keyof typeof FUNDING_VALUES;

export function fundingOf(funderCodes: readonly string[]): Funding {
  if (funderCodes.some((c) => (JOBSEEKER_FUNDERS.public as readonly string[]).includes(c))) return 'public';
  if (funderCodes.some((c) => (JOBSEEKER_FUNDERS.partial as readonly string[]).includes(c))) return 'partial';
  return 'none';
}

/**
 * The next session: recruiting (LHÉO dict-etat-recrutement 1 « ouvert ») with places left (value
 * 1), recruiting without the number of places given (the feed does not say: 0.75, never read as 0),
 * or no session open to recruitment among the coming ones (0: ranked last, « aucune session
 * ouverte »). The same rule as the catalogue search's « places disponibles » (trainings,
 * search-repository.ts OPEN_SESSION).
 */
export const PLACES_VALUES = { open: 1, openUnknown: 0.75, closed: 0 } as const;
export type Places = keyof typeof PLACES_VALUES;

/**
 * Distance: 1 at the person's door, 0 at their mobility radius (the same decay as the offers'
 * score, score.ts); beyond the radius the training is left out, unless it is taught entirely at a
 * distance (dict-modalites-enseignement 2), which counts as near, valued `REMOTE_DISTANCE_VALUE`:
 * as a site a few kilometres away rather than at the door, since a course followed alone at home
 * asks for equipment and autonomy that not every person has. A mixed training (1) has days on
 * site: its site must be within the radius.
 */
export const DISTANCE_LEARNING_MODES = ['2'] as const;
export const REMOTE_DISTANCE_VALUE = 0.8;

/**
 * Start: a session opening soon keeps the person's momentum: 1 up to `soonDays` away, then down to
 * 0 at `farDays` (a training starting in six months or later is still shown, last of its tier).
 */
export const START = { soonDays: 30, farDays: 180 } as const;

/**
 * The terms of a training's rank and their weights: Σ weight × value / Σ weight. A training that
 * no public funder pays for job seekers, or with no session open to recruitment, comes after all
 * the others whatever its score (its tier), so that the counsellor sees first what the person can
 * enter now. The return-to-employment rate of a training (InserJeunes, France Travail's « taux de
 * retour à l'emploi ») will join these terms when the catalogue carries it (a later issue).
 */
export const GAP_TERMS = {
  leads: 'Mène au métier visé',
  distance: 'Distance',
  funding: 'Financement',
  places: 'Places',
  start: 'Date d’entrée',
} as const;
export type GapTerm = keyof typeof GAP_TERMS;
export const GAP_WEIGHTS: Record<GapTerm, number> = {
  leads: 3,
  distance: 2,
  funding: 2,
  places: 2,
  start: 1,
};

/** At most this many trainings are ranked and shown for one target (the nearest first). */
export const MAX_TRAININGS = 50;

const DAY_MS = 86_400_000;
export const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export function startValue(today: string, start: string): number {
  const days = daysBetween(today, start);
  if (days <= START.soonDays) return 1;
  return Math.max(0, 1 - (days - START.soonDays) / (START.farDays - START.soonDays));
}

export function distanceValue(distanceKm: number | null, radiusKm: number, remote: boolean): number {
  if (remote) return REMOTE_DISTANCE_VALUE;
  if (distanceKm === null) return 0;
  return Math.max(0, 1 - distanceKm / radiusKm);
}

/** Σ weight × term / Σ weight, rounded as score.ts rounds (6 digits), so that ties compare equal. */
export function gapScore(terms: Record<GapTerm, number>): number {
  let sum = 0;
  let total = 0;
  for (const key of Object.keys(GAP_WEIGHTS) as GapTerm[]) {
    sum += GAP_WEIGHTS[key] * terms[key];
    total += GAP_WEIGHTS[key];
  }
  return Math.round((sum / total) * 1e6) / 1e6;
}

/** Tier 0: funded for job seekers and recruiting now; tier 1: the rest, ranked after. */
export const tierOf = (funding: Funding, places: Places) =>
  funding !== 'none' && places !== 'closed' ? 0 : 1;

/**
 * A training's entry level (LHÉO dict-niveaux) as a level of the national framework, to compare
 * with the person's (rules.ts PERSON_LEVEL): the 2019 codes 11-18 are levels 1-8; the old ones
 * follow the correspondence of décret n° 2019-14 (art. 2: niveau V → 3, IV → 4, III → 5, II → 6,
 * I → 7), VI and V bis taken as 1 and 2. 0 (not given) and 1 (no specific level) ask for none.
 */
export const ENTRY_LEVEL_FRAMEWORK: Readonly<Record<string, number>> = {
  '2': 1,
  '3': 2,
  '4': 3,
  '5': 4,
  '6': 5,
  '7': 6,
  '8': 7,
  '11': 1,
  '12': 2,
  '13': 3,
  '14': 4,
  '15': 5,
  '16': 6,
  '17': 7,
  '18': 8,
};

/** How the funders read in a reason (« financée par la Région »); others by their dictionary label. */
export const FUNDER_NAMES: Readonly<Record<string, string>> = {
  '2': 'la Région',
  '4': 'France Travail',
  '11': 'l’État (ministère du Travail)',
  '16': 'un OPCO (préparation opérationnelle à l’emploi)',
  '7': 'l’Agefiph (personnes handicapées)',
  '3': 'le Fonds social européen',
  '14': 'des fonds européens',
  '8': 'le Département',
  '9': 'la commune',
  '15': 'une collectivité',
  '12': 'l’Éducation nationale',
  '13': 'l’État',
  '19': 'le ministère de l’Intérieur',
  '18': 'LADOM',
  '20': 'l’OFII',
};
