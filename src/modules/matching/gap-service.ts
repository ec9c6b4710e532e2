import type { Db } from '../../db/database.js';
import type { SkillKind } from '../../db/schema.js';
import { invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { formatDate, formatNumber } from '../../web/format.js';
import type { Actor } from '../identity/model.js';
import { FUNDERS, LEVELS, label, TEACHING_MODES } from '../trainings/dictionaries.js';
import {
  type GapPersonRow,
  type GapSkillRow,
  type GapTargetRow,
  type GapTrainingRow,
  gapRepository,
} from './gap-repository.js';
import {
  DISTANCE_LEARNING_MODES,
  daysBetween,
  distanceValue,
  ENTRY_LEVEL_FRAMEWORK,
  FUNDER_NAMES,
  FUNDING_VALUES,
  type Funding,
  fundingOf,
  GAP_TERMS,
  GAP_WEIGHTS,
  type GapTerm,
  gapScore,
  JOBSEEKER_FUNDERS,
  LEADS,
  type Leads,
  MAX_TRAININGS,
  PLACES_VALUES,
  type Places,
  START,
  startValue,
  tierOf,
} from './gap-rules.js';
import type { MatchingNeeds } from './needs.js';
import { DEFAULT_RADIUS_KM, PERSON_LEVEL } from './rules.js';

/** The target job as asked: an appellation code or a published offer, exactly one. */
export interface GapTargetInput {
  appellation?: string | undefined;
  offerId?: string | undefined;
}

export const SKILL_KINDS: Record<SkillKind, string> = {
  savoir_faire: 'Savoir-faire',
  savoir_etre: 'Savoir-être professionnels',
  savoir: 'Savoirs',
};

export interface GapReason {
  term: GapTerm;
  label: string;
  value: number;
  weight: number;
  text: string;
}

export interface RankedTraining extends GapTrainingRow {
  remote: boolean;
  /** null: the action's ROME codes name neither the target métier nor its trade (a sheet opened anyway). */
  leads: Leads | null;
  funding: Funding;
  places: Places;
  /** 0: funded for job seekers and recruiting; 1: ranked after all of tier 0. */
  tier: 0 | 1;
  score: number;
  reasons: GapReason[];
}

const km = (d: number) => `${formatNumber(d < 10 ? Math.round(d * 10) / 10 : Math.round(d))} km`;
const names = (codes: readonly string[]) => {
  const list = codes.map((c) => FUNDER_NAMES[c] ?? label(FUNDERS, c));
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} et ${list.at(-1)}` : (list[0] ?? '');
};

/** Why a training ranks where it does, term by term, in plain French (issue 11: « rank and explain »). */
function reasonsFor(
  row: GapTrainingRow,
  target: GapTargetRow,
  facts: { leads: Leads | null; funding: Funding; places: Places; radiusKm: number; remote: boolean },
  terms: Record<GapTerm, number>,
  today: string,
): GapReason[] {
  const funders = (set: readonly string[]) => row.funderCodes.filter((c) => set.includes(c));
  const start = row.openStart ?? row.nextStart;
  const days = daysBetween(today, start);
  const text: Record<GapTerm, string> = {
    leads:
      facts.leads === 'metier'
        ? `Mène au métier visé (ROME ${target.metierCode ?? target.tradeCode}).`
        : facts.leads === 'trade'
          ? `Mène au métier visé par sa fiche ROME d’origine (${target.tradeCode}).`
          : 'Ses codes ROME ne nomment pas le métier visé.',
    distance: facts.remote
      ? 'Entièrement à distance.'
      : row.distanceKm === null
        ? 'Lieu de formation non situé : distance inconnue.'
        : row.distanceKm < 1
          ? 'À moins d’un kilomètre.'
          : `À ${km(row.distanceKm)} (rayon de mobilité ${km(facts.radiusKm)}).`,
    funding:
      facts.funding === 'public'
        ? `Financée par ${names(funders(JOBSEEKER_FUNDERS.public))} pour les demandeurs d’emploi.`
        : facts.funding === 'partial'
          ? `Financement possible selon la situation : ${names(funders(JOBSEEKER_FUNDERS.partial))}.`
          : 'Financement à trouver : aucun financeur public des demandeurs d’emploi.',
    places:
      facts.places === 'open'
        ? `Session le ${formatDate(row.openStart)}, ${row.openPlaces} place${(row.openPlaces ?? 0) > 1 ? 's' : ''} disponible${(row.openPlaces ?? 0) > 1 ? 's' : ''}.`
        : facts.places === 'openUnknown'
          ? `Session le ${formatDate(row.openStart)}, ouverte au recrutement (places non précisées).`
          : `Aucune session ouverte au recrutement (prochaine le ${formatDate(row.nextStart)}).`,
    start:
      days <= START.soonDays
        ? `Entrée dans ${days <= 1 ? 'les prochains jours' : `${days} jours`}.`
        : `Entrée dans ${Math.round(days / 30)} mois.`,
  };
  return (Object.keys(GAP_TERMS) as GapTerm[]).map((term) => ({
    term,
    label: GAP_TERMS[term],
    value: terms[term],
    weight: GAP_WEIGHTS[term],
    text: text[term],
  }));
}

/** A row ranked by gap-rules.ts: its terms, tier, score and reasons. */
export function rankTraining(
  row: GapTrainingRow,
  target: GapTargetRow,
  radiusKm: number,
  today: string,
): RankedTraining {
  const leads: Leads | null =
    target.metierCode && row.romeCodes.includes(target.metierCode)
      ? 'metier'
      : row.romeCodes.includes(target.tradeCode)
        ? 'trade'
        : null;
  const remote = (DISTANCE_LEARNING_MODES as readonly string[]).includes(row.teachingMode);
  const funding = fundingOf(row.funderCodes);
  const places: Places = row.openStart === null ? 'closed' : row.openPlaces === null ? 'openUnknown' : 'open';
  const terms: Record<GapTerm, number> = {
    leads: leads ? LEADS[leads] : 0,
    distance: distanceValue(row.distanceKm, radiusKm, remote),
    funding: FUNDING_VALUES[funding],
    places: PLACES_VALUES[places],
    start: startValue(today, row.openStart ?? row.nextStart),
  };
  return {
    ...row,
    remote,
    leads,
    funding,
    places,
    tier: tierOf(funding, places),
    score: gapScore(terms),
    reasons: reasonsFor(row, target, { leads, funding, places, radiusKm, remote }, terms, today),
  };
}

/** Tier, then score, then nearest, then the action id: the same order on every engine. */
export const byGapRank = (a: RankedTraining, b: RankedTraining) =>
  a.tier - b.tier ||
  b.score - a.score ||
  (a.distanceKm ?? 0) - (b.distanceKm ?? 0) ||
  (a.actionId < b.actionId ? -1 : a.actionId > b.actionId ? 1 : 0);

/** The core skills of the target grouped by kind: those the person lacks and those they hold. */
function skillGap(core: GapSkillRow[], held: ReadonlySet<string>) {
  const groups = (Object.keys(SKILL_KINDS) as SkillKind[]).map((kind) => {
    const ofKind = core.filter((s) => s.kind === kind);
    return {
      kind,
      label: SKILL_KINDS[kind],
      missing: ofKind.filter((s) => !held.has(s.code)).map(({ code, label }) => ({ code, label })),
      held: ofKind.filter((s) => held.has(s.code)).map(({ code, label }) => ({ code, label })),
    };
  });
  return {
    coreCount: core.length,
    missingCount: groups.reduce((n, g) => n + g.missing.length, 0),
    groups,
  };
}

/** The target's words: an offer's title, an appellation's label, or its métier's. */
export const targetLabel = (t: GapTargetRow) =>
  t.offerTitle ?? t.appellationLabel ?? t.metierLabel ?? `ROME ${t.tradeCode}`;

/**
 * What fits or may get in the way for this person (the prepared sheet), from the file's
 * non-sensitive facts only: a shared organisation reads the same sheet (persons/rights.ts).
 */
function situationFit(
  file: { educationLevel: string | null; availableFrom: string | null; registeredCategory: string | null },
  entryLevel: string,
  entryLevelRequired: boolean,
  start: string | null,
): string[] {
  const fit: string[] = [];
  const asked = ENTRY_LEVEL_FRAMEWORK[entryLevel];
  const held = file.educationLevel ? PERSON_LEVEL[file.educationLevel] : undefined;
  if (asked === undefined) fit.push('Pas de niveau d’entrée demandé.');
  else if (held === undefined)
    fit.push(
      `Niveau d’entrée : ${label(LEVELS, entryLevel)} ; le niveau de formation de la personne n’est pas renseigné.`,
    );
  else if (held >= asked) fit.push(`Niveau d’entrée ${label(LEVELS, entryLevel)} : atteint par la personne.`);
  else
    fit.push(
      `Niveau d’entrée ${label(LEVELS, entryLevel)}, au-dessus de celui de la personne : ${entryLevelRequired ? 'exigé, un test de positionnement ou une remise à niveau sera à prévoir' : 'conseillé, à voir avec l’organisme'}.`,
    );
  if (start && file.availableFrom && file.availableFrom > start)
    fit.push(
      `La personne est disponible à partir du ${formatDate(file.availableFrom)}, après le début de la session du ${formatDate(start)}.`,
    );
  if (!file.registeredCategory)
    fit.push(
      'Aucune inscription à France Travail connue : elle ouvre les financements réservés aux demandeurs d’emploi.',
    );
  return fit;
}

/**
 * From a skill gap to a training (issue 11 §2): for a person's file and a target job, the core
 * skills the person lacks and the catalogue's trainings that lead to that job near them, ranked by
 * gap-rules.ts with their reasons; and the training sheet prepared for the person. The file is read
 * first through the persons service, which refuses (403/404) an organisation that may not read it
 * and marks the audited read.
 */
export function gapUseCases(db: Db, needs: MatchingNeeds, today: () => string) {
  const repo = gapRepository(db);

  async function resolveTarget(input: GapTargetInput): Promise<GapTargetRow> {
    const appellation = input.appellation?.trim() || undefined;
    const offerId = input.offerId?.trim() || undefined;
    if (appellation && offerId)
      throw invalid('offerId', 'Choisissez le métier visé ou une offre, pas les deux.');
    if (!appellation && !offerId)
      throw invalid('appellation', 'Choisissez le métier visé (appellation ROME) ou une offre.');
    if (offerId) {
      if (!isUuid(offerId)) throw invalid('offerId', 'Identifiant d’offre invalide.');
      const found = await repo.offerTarget(offerId);
      if (!found) throw invalid('offerId', 'Offre inconnue, ou qui n’est plus publiée.');
      return found;
    }
    if (!/^\d{1,6}$/.test(appellation!))
      throw invalid(
        'appellation',
        `« ${appellation!.slice(0, 60)} » n’est pas une appellation ROME : choisissez le métier dans la liste proposée.`,
      );
    const found = await repo.appellationTarget(appellation!);
    if (!found) throw invalid('appellation', `Appellation ROME « ${appellation} » inconnue.`);
    return found;
  }

  async function personOf(personId: string): Promise<GapPersonRow> {
    return (
      (await repo.person(personId)) ?? {
        latitude: null,
        longitude: null,
        radiusKm: DEFAULT_RADIUS_KM,
        skills: [],
      }
    );
  }

  const pointOf = (p: GapPersonRow) =>
    p.latitude !== null && p.longitude !== null ? { latitude: p.latitude, longitude: p.longitude } : null;
  const romeCodesOf = (t: GapTargetRow) => [
    ...new Set([t.metierCode, t.tradeCode].filter((c) => c !== null)),
  ];

  return {
    trainingGap: async (actor: Actor, personId: string, input: GapTargetInput) => {
      const file = await needs.persons.get(actor, personId);
      const target = await resolveTarget(input);
      const person = await personOf(file.id);
      const day = today();
      const [core, rows] = await Promise.all([
        target.metierCode ? repo.coreSkills(target.metierCode) : Promise.resolve([]),
        repo.trainings({
          romeCodes: romeCodesOf(target),
          point: pointOf(person),
          radiusKm: person.radiusKm,
          today: day,
          limit: MAX_TRAININGS,
        }),
      ]);
      return {
        person: file,
        target: { ...target, label: targetLabel(target) },
        origin: {
          communeName: file.commune?.name ?? null,
          located: pointOf(person) !== null,
          radiusKm: person.radiusKm,
        },
        skills: skillGap(core, new Set(person.skills)),
        trainings: rows.map((r) => rankTraining(r, target, person.radiusKm, day)).sort(byGapRank),
      };
    },

    /**
     * The training sheet prepared for the person: the training's essentials (trainings service),
     * the action's rank facts for this person, the target's missing skills, and their situation's fit.
     */
    preparedSheet: async (actor: Actor, personId: string, actionId: string, input: GapTargetInput | null) => {
      const file = await needs.persons.get(actor, personId);
      if (!isUuid(actionId)) throw notFound('Formation introuvable.');
      const trainingId = await repo.trainingOfAction(actionId);
      if (!trainingId) throw notFound('Formation introuvable.');
      const target = input ? await resolveTarget(input) : null;
      const training = await needs.trainings.get(actor, trainingId);
      const action = training.actions.find((a) => a.id === actionId);
      if (!action) throw notFound('Formation introuvable.');
      const person = await personOf(file.id);
      const day = today();
      const [row] = await repo.trainings({
        romeCodes: [],
        point: pointOf(person),
        radiusKm: person.radiusKm,
        today: day,
        limit: 1,
        actionId,
      });
      const ranked = row && target ? rankTraining(row, target, person.radiusKm, day) : null;
      const core = target?.metierCode ? await repo.coreSkills(target.metierCode) : [];
      return {
        person: file,
        training,
        action,
        teachingMode: label(TEACHING_MODES, action.teachingMode),
        distanceKm: row?.distanceKm ?? null,
        radiusKm: person.radiusKm,
        target: target ? { ...target, label: targetLabel(target) } : null,
        skills: target ? skillGap(core, new Set(person.skills)) : null,
        ranked,
        fit: situationFit(
          file,
          training.entryLevel,
          action.entryLevelRequired,
          row?.openStart ?? row?.nextStart ?? null,
        ),
      };
    },
  };
}

export type GapUseCases = ReturnType<typeof gapUseCases>;
export type TrainingGap = Awaited<ReturnType<GapUseCases['trainingGap']>>;
export type PreparedSheet = Awaited<ReturnType<GapUseCases['preparedSheet']>>;
