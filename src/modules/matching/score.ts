import {
  ACCEPTED_CONTRACTS,
  AVAILABILITY_SLACK_DAYS,
  FIT,
  JOB_VALUES,
  LICENCE_SATISFIED_BY,
  PERSON_LEVEL,
  PRESETS,
  type PresetName,
  TERM_KEYS,
  type Term,
  type Via,
  type Weights,
} from './rules.js';

/**
 * The match of a person and an offer computed in process from rules.ts: the reference the SQL of
 * repository.ts is checked against (score.test.ts, bench/matching.ts's brute-force scorer). Both
 * apply the same hard filters, terms and rounding, and order by score then offer id.
 */

export interface PersonFeatures {
  personId: string;
  latitude: number | null;
  longitude: number | null;
  radiusKm: number;
  contractTypes: readonly string[];
  workingTime: string | null;
  drivingLicences: readonly string[];
  availableFrom: string | null;
  educationLevel: string | null;
  wantedAppellations: readonly string[];
  skills: readonly string[];
  experience: Readonly<Record<string, number>>;
  /** métier code → how the person may be matched on it (match_person_target). */
  targets: ReadonlyMap<string, { via: 'wanted' | 'past' | 'close'; rank: number }>;
}

export interface OfferFeatures {
  offerId: string;
  metierCode: string;
  appellationCode: string | null;
  latitude: number | null;
  longitude: number | null;
  zoneCode: string | null;
  remote: boolean;
  contractType: string;
  workingTime: string | null;
  startDate: string | null;
  expiresOn: string | null;
  drivingLicences: readonly string[];
  skills: readonly string[];
  experience: 'D' | 'S' | 'E';
  experienceMonths: number | null;
  educationLevel: string | null;
}

/** What each term is computed from, kept with the suggestion so that reasons.ts explains it. */
export interface MatchFacts {
  via: Via;
  closeRank: number;
  distanceKm: number | null;
  remote: boolean;
  radiusKm: number;
  /** The person named the contracts they accept (else any contract, at a lower fit). */
  contractStated: boolean;
  sharedSkills: number;
  offerSkills: number;
  experienceMonths: number;
  tensionOffers: number | null;
  tensionSeekers: number | null;
}

export interface Match {
  offerId: string;
  score: number;
  terms: Record<Term, number | null>;
  facts: MatchFacts;
}

const EARTH_KM = 6371;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance (haversine), as repository.ts computes it in SQL. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

export const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The offer contract types a person accepts; empty: any. */
export const acceptedContracts = (personTypes: readonly string[]) =>
  personTypes.flatMap((t) => ACCEPTED_CONTRACTS[t] ?? []);

export const holdsLicence = (held: readonly string[], required: string) =>
  (LICENCE_SATISFIED_BY[required] ?? [required]).some((l) => held.includes(l));

/** Rounded to 6 digits as the SQL rounds (floor(x·10⁶ + 0.5) / 10⁶), so that both orders agree on ties. */
export const roundScore = (x: number) => Math.round(x * 1e6) / 1e6;

export function jobValue(via: Via, closeRank: number, preset: PresetName): number {
  if (via === 'close')
    return Math.max(
      JOB_VALUES.closeFloor,
      PRESETS[preset].closeMetierValue - JOB_VALUES.closeRankStep * (closeRank - 1),
    );
  return JOB_VALUES[via];
}

/** The hard filters (issue 11 §1): null when the offer is not for this person. */
export function matchOffer(
  person: PersonFeatures,
  offer: OfferFeatures,
  preset: PresetName,
  weights: Weights,
  today: string,
  tension?: { offers: number; seekers: number },
): Match | null {
  const target = person.targets.get(offer.metierCode);
  if (!target) return null;
  if (offer.expiresOn !== null && offer.expiresOn < today) return null;
  let d: number | null = null;
  if (
    person.latitude !== null &&
    person.longitude !== null &&
    offer.latitude !== null &&
    offer.longitude !== null
  )
    d = distanceKm(person.latitude, person.longitude, offer.latitude, offer.longitude);
  if (!offer.remote && (d === null || d > person.radiusKm)) return null;
  const accepted = acceptedContracts(person.contractTypes);
  if (accepted.length > 0 && !accepted.includes(offer.contractType)) return null;
  if (!offer.drivingLicences.every((l) => holdsLicence(person.drivingLicences, l))) return null;
  if (
    person.availableFrom !== null &&
    person.availableFrom > addDays(offer.startDate ?? today, AVAILABILITY_SLACK_DAYS)
  )
    return null;

  const via: Via =
    target.via === 'wanted' &&
    offer.appellationCode !== null &&
    person.wantedAppellations.includes(offer.appellationCode)
      ? 'appellation'
      : target.via;
  const shared = offer.skills.filter((s) => person.skills.includes(s)).length;
  const months = person.experience[offer.metierCode] ?? 0;
  const terms: Record<Term, number | null> = {
    job: jobValue(via, target.rank, preset),
    skills: offer.skills.length > 0 ? shared / offer.skills.length : null,
    distance: offer.remote ? 1 : Math.max(0, 1 - (d as number) / person.radiusKm),
    conditions: (contractFit(person) + hoursFit(person, offer)) / 2,
    experience: experienceFit(offer, months),
    level: levelFit(person, offer),
    tension: tension ? tension.offers / (tension.offers + tension.seekers || 1) : null,
  };
  return {
    offerId: offer.offerId,
    score: weighted(terms, weights),
    terms,
    facts: {
      via,
      closeRank: target.rank,
      distanceKm: d,
      remote: offer.remote,
      radiusKm: person.radiusKm,
      contractStated: person.contractTypes.length > 0,
      sharedSkills: shared,
      offerSkills: offer.skills.length,
      experienceMonths: months,
      tensionOffers: tension?.offers ?? null,
      tensionSeekers: tension?.seekers ?? null,
    },
  };
}

export const contractFit = (person: Pick<PersonFeatures, 'contractTypes'>) =>
  person.contractTypes.length === 0 ? FIT.noContractPreference : 1;

export function hoursFit(
  person: Pick<PersonFeatures, 'workingTime'>,
  offer: Pick<OfferFeatures, 'workingTime'>,
) {
  if (person.workingTime === null || person.workingTime === 'any') return 1;
  if (offer.workingTime === null) return FIT.hoursUnknown;
  return offer.workingTime === person.workingTime ? 1 : FIT.hoursMismatch;
}

export function experienceFit(offer: Pick<OfferFeatures, 'experience' | 'experienceMonths'>, months: number) {
  if (offer.experience === 'D') return 1;
  const ratio = Math.min(1, months / (offer.experienceMonths || FIT.defaultExperienceMonths));
  return offer.experience === 'S'
    ? FIT.experienceWishedFloor + (1 - FIT.experienceWishedFloor) * ratio
    : ratio;
}

export function levelFit(
  person: Pick<PersonFeatures, 'educationLevel'>,
  offer: Pick<OfferFeatures, 'educationLevel'>,
) {
  if (offer.educationLevel === null) return 1;
  const held = person.educationLevel === null ? undefined : PERSON_LEVEL[person.educationLevel];
  if (held === undefined) return FIT.levelUnknown;
  const asked = Number(offer.educationLevel);
  return held >= asked ? 1 : held === asked - 1 ? FIT.levelOneBelow : 0;
}

/** Σ weight × term / Σ weight over the terms that have a value (a term without data is left out). */
export function weighted(terms: Record<Term, number | null>, weights: Weights): number {
  let sum = 0;
  let total = 0;
  for (const key of TERM_KEYS) {
    const t = terms[key];
    if (t === null || weights[key] === 0) continue;
    sum += weights[key] * t;
    total += weights[key];
  }
  return total === 0 ? 0 : roundScore(sum / total);
}

/** The ranking: score descending, then offer id (the SQL's order). */
export const byRank = (a: Match, b: Match) =>
  b.score - a.score || (a.offerId < b.offerId ? -1 : a.offerId > b.offerId ? 1 : 0);
