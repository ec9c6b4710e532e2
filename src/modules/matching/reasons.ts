import { formatNumber } from '../../web/format.js';
import { FIT, type PresetName, TERMS, type Term, type Weights } from './rules.js';
import type { MatchFacts } from './score.js';

/** One term of a score as shown: its label, its value (0–1), its weight, and why, in plain French. */
export interface Reason {
  term: Term;
  label: string;
  value: number | null;
  weight: number;
  text: string;
}

const km = (d: number) => `${formatNumber(Math.round(d))} km`;
const pct = (x: number) => `${Math.round(x * 100)} %`;
const months = (m: number) => (m >= 24 ? `${Math.floor(m / 12)} ans` : m >= 12 ? '1 an' : `${m} mois`);

/**
 * Why a suggestion scored what it did, term by term (issue 11: « every term stored and shown in
 * French »). `who` words the person's side: « la personne » for staff, « vous » in the person's space.
 */
export function reasons(
  terms: Record<Term, number | null>,
  facts: MatchFacts,
  weights: Weights,
  who: 'staff' | 'person' = 'staff',
): Reason[] {
  const you = who === 'person';
  const text: Record<Term, () => string> = {
    job: () =>
      facts.via === 'appellation'
        ? you
          ? 'C’est le métier que vous recherchez.'
          : 'Même appellation que le métier recherché.'
        : facts.via === 'wanted'
          ? you
            ? 'Même métier que celui que vous recherchez (autre appellation).'
            : 'Même métier ROME que le métier recherché (autre appellation).'
          : facts.via === 'past'
            ? you
              ? 'Un métier que vous avez déjà exercé.'
              : 'Métier déjà exercé par la personne.'
            : `Métier proche du métier recherché (mobilité ROME 4.0, rang ${facts.closeRank}).`,
    skills: () =>
      facts.offerSkills === 0
        ? 'L’offre ne précise pas de compétences.'
        : `${facts.sharedSkills} compétence${facts.sharedSkills > 1 ? 's' : ''} sur ${facts.offerSkills} ${
            you ? 'que vous avez déjà' : 'déjà acquises'
          }.`,
    distance: () =>
      facts.remote
        ? 'Télétravail possible.'
        : facts.distanceKm === null
          ? 'Distance inconnue.'
          : facts.distanceKm < 1
            ? `Moins d’1 km (rayon de mobilité ${km(facts.radiusKm)}).`
            : `À ${km(facts.distanceKm)} (rayon de mobilité ${km(facts.radiusKm)}).`,
    conditions: () => {
      const contract = facts.contractStated ? 1 : FIT.noContractPreference;
      const hours = 2 * (terms.conditions ?? 0) - contract;
      const c = facts.contractStated
        ? you
          ? 'Un contrat que vous acceptez'
          : 'Contrat parmi ceux acceptés'
        : you
          ? 'Vous n’avez pas précisé de contrat'
          : 'Aucun contrat précisé dans le dossier';
      const h =
        hours >= 1 - 1e-9
          ? 'temps de travail qui convient'
          : Math.abs(hours - FIT.hoursUnknown) < 1e-9
            ? 'temps de travail non précisé par l’offre'
            : 'temps de travail différent du souhait (plein ou partiel)';
      return `${c} ; ${h}.`;
    },
    experience: () =>
      terms.experience === 1
        ? facts.experienceMonths > 0
          ? `${months(facts.experienceMonths)} d’expérience dans ce métier.`
          : 'Débutant accepté ou expérience suffisante.'
        : facts.experienceMonths > 0
          ? `${months(facts.experienceMonths)} d’expérience, moins que demandé.`
          : 'Expérience demandée, pas encore acquise dans ce métier.',
    level: () =>
      terms.level === 1
        ? 'Niveau de formation suffisant ou non demandé.'
        : terms.level === 0
          ? 'Niveau de formation demandé plus élevé.'
          : 'Niveau de formation proche de celui demandé, ou non renseigné.',
    tension: () => {
      if (facts.tensionOffers === null) return 'Pas encore de mesure de tension pour ce métier dans la zone.';
      const seekers = facts.tensionSeekers ?? 0;
      const offers = `${facts.tensionOffers} offre${facts.tensionOffers > 1 ? 's' : ''}`;
      const people =
        seekers > 1
          ? `${seekers} personnes qui recherchent ce métier`
          : `${seekers} personne qui recherche ce métier`;
      return `Dans la zone d’emploi : ${offers} pour ${people}.`;
    },
  };
  return (Object.keys(TERMS) as Term[]).map((term) => ({
    term,
    label: TERMS[term],
    value: terms[term],
    weight: weights[term],
    text: text[term](),
  }));
}

/** The score as a percentage, as everyone reads it. */
export const scoreText = (score: number) => pct(score);

/** The strongest reasons first, for a one-line summary (the person's space, the mail digest). */
export function summary(list: Reason[], count = 2): string {
  return list
    .filter((r) => r.value !== null && r.weight > 0)
    .sort((a, b) => (b.value as number) * b.weight - (a.value as number) * a.weight)
    .slice(0, count)
    .map((r) => r.text)
    .join(' ');
}

export type { PresetName };
