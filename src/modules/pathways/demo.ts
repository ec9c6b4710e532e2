import { Faker, fr } from '@faker-js/faker';
import { formatDate } from '../../web/format.js';
import type { DemoContext } from '../module.js';
import {
  type ApprovalFacts,
  approvalBaseEnd,
  approvalEndOn,
  approvalNumber,
  checkProlongation,
  checkSuspension,
  PROLONGATION_REASONS,
  SUSPENSION_REASONS,
} from './approval-rules.js';
import { addDays, addMonths, compare, daysBetween } from './dates.js';
import {
  DEMO_TABLES,
  type DemoFollower,
  type DemoOrganisation,
  type DemoPathwayPerson,
  type DemoPathwayRows,
  type DemoSources,
  pathwaysDemoRepository,
} from './demo-repository.js';
import {
  CRITERIA,
  CRITERIA_BY_CODE,
  checkDiagnosis,
  type DiagnosisAuthor,
  diagnosisExpiresOn,
  SIAE_KINDS,
  type SiaeKind,
  siaeKindOf,
} from './eligibility-rules.js';
import {
  contractDays,
  EXIT_CATEGORIES,
  EXIT_REASONS,
  type ExitCategory,
  exitCategory,
  exitCounts,
} from './exit-rules.js';
import { CONTRACT_KINDS, contractKindsFor, PASSERELLE_APPROVAL_PREFIX } from './iae-rules.js';
import {
  DEFAULT_EXPIRY_DAYS,
  IMMERSION_OBJECTIVES,
  ORIENTATION_TARGETS,
  type OrientationState,
  type OrientationTarget,
  REFUSAL_REASONS,
  SHARE_AFTER_EXIT_DAYS,
} from './rules.js';

/**
 * Persons of the public employment service given a pathway (issue 12 §8: « a few hundred »). 400
 * left each demo SIAE under 5 exits a year, every figure of the CTA page masked (« < 5 »): 1,200
 * give each SIAE about ten a year, so that its rate shows.
 */
export const DEMO_PATHWAY_PERSONS = 1200;
/**
 * The demo counsellor of the first Mission locale (identity/demo.ts DEMO_LOGINS): referent of
 * DEMO_REFERENT_PERSONS persons, so that the daily lists and the timeline show at once on login.
 */
export const DEMO_COUNSELLOR_EMAIL = 'conseiller.missionlocale@passerelle.demo';
export const DEMO_REFERENT_PERSONS = 60;
/**
 * The demo SIAE counsellor's login (identity/demo.ts DEMO_LOGINS on main: an ACI's counsellor):
 * when the region has it, it answers most of its SIAE's requests and co-accompanies the demo
 * counsellor's persons it employs, so that both accounts show a shared pathway at once.
 */
export const DEMO_SIAE_COUNSELLOR_EMAIL = 'conseiller.siae@passerelle.demo';
/** Pathways are drawn over the last 3 years (issue 12 §8), so that a PASS IAE can run its 2 years and end. */
const HISTORY_DAYS = 3 * 365;
/**
 * Prefix of the demo's PASS IAE numbers: Passerelle's own (iae-rules.ts PASSERELLE_APPROVAL_PREFIX,
 * branch pathways-iae: itou issues 99999, Passerelle 99998 so that numbers never collide).
 */
const APPROVAL_PREFIX = PASSERELLE_APPROVAL_PREFIX;

/**
 * Final states of orientations, drawn with the shares the issue asks (§8): accepted ~45 %, refused
 * ~20 %, expired ~10 %, still open ~20 % (recent ones), the rest cancelled by the prescriber.
 */
const STATE_WEIGHTS: { value: OrientationState | 'open'; weight: number }[] = [
  { value: 'accepted', weight: 45 },
  { value: 'refused', weight: 20 },
  { value: 'expired', weight: 10 },
  { value: 'open', weight: 20 },
  { value: 'cancelled', weight: 5 },
];
/** Mostly to SIAE positions (the IAE pathway), some trainings and immersions (PMSMP). */
const TARGET_WEIGHTS: { value: 'siae_position' | 'training_session' | 'immersion'; weight: number }[] = [
  { value: 'siae_position', weight: 72 },
  { value: 'training_session', weight: 16 },
  { value: 'immersion', weight: 12 },
];
/**
 * Exit categories as the issue sets them (§8): ≈ 30 % durable, 20 % transition, 16 % positive,
 * 30 % other, 4 % withdrawn — near the national « sorties dynamiques » (DARES: about two exits in
 * three examined are dynamic), so that every rate is neither 0 nor 100 %.
 */
const EXIT_WEIGHTS: { value: ExitCategory; weight: number }[] = [
  { value: 'durable', weight: 30 },
  { value: 'transition', weight: 20 },
  { value: 'positive', weight: 16 },
  { value: 'other', weight: 30 },
  { value: 'withdrawn', weight: 4 },
];
const REFUSAL_WEIGHTS: { value: keyof typeof REFUSAL_REASONS; weight: number }[] = [
  { value: 'no_position', weight: 14 },
  { value: 'full', weight: 10 },
  { value: 'skills', weight: 14 },
  { value: 'barriers', weight: 14 },
  { value: 'unreachable', weight: 12 },
  { value: 'declined', weight: 16 },
  { value: 'other_pathway', weight: 10 },
  { value: 'not_eligible', weight: 6 },
  { value: 'duplicate', weight: 2 },
  { value: 'other', weight: 2 },
];

/**
 * Positions an SIAE of each kind typically offers (ROME appellation codes of rome_appellation): green
 * spaces, market gardening, building renovation and sorting for the ACI; recycling, collective
 * catering, cleaning, laundry for the EI; home help and cleaning for the AI; logistics and building
 * for the ETTI; cleaning, home help and gardening for the independent workers of an EITI.
 */
const POSITION_APPELLATIONS: Record<SiaeKind, string[]> = {
  ACI: ['17475', '17506', '16254', '17477', '10638', '17619'],
  EI: ['10638', '10582', '14786', '10688', '18537', '16981'],
  AI: ['10805', '10688', '14786', '17475', '14806'],
  ETTI: ['17993', '16276', '17619', '16250', '10405'],
  EITI: ['16981', '10805', '17477', '16068'],
};

/**
 * The IAE contract signed per SIAE kind (C. trav. L5132-5 to L5132-16; codes of iae-rules.ts
 * CONTRACT_KINDS, branch pathways-iae): CDDI in ACI and EI, CTTI in ETTI, mise à disposition or CDD
 * d'usage in AI, the EITI's contract; CDI inclusion from 57 (law 2020-1577, art. 6) in EI, AI, ACI.
 */
const CONTRACTS = Object.fromEntries(
  (Object.keys(SIAE_KINDS) as SiaeKind[]).map((k) => [
    k,
    contractKindsFor(k)
      .filter((c) => c !== 'CDI_INCLUSION')
      .map((c) => ({ kind: c, label: CONTRACT_KINDS[c].label })),
  ]),
) as Record<SiaeKind, { kind: string; label: string }[]>;
const CDI_INCLUSION = { kind: 'CDI_INCLUSION', label: CONTRACT_KINDS.CDI_INCLUSION.label };
const CDI_INCLUSION_KINDS: readonly SiaeKind[] = CONTRACT_KINDS.CDI_INCLUSION.siaeKinds;
/** AI and ETTI record hours month by month (issue 12 §5): what their exit counting reads. */
const MONTHLY_HOURS: readonly SiaeKind[] = ['AI', 'ETTI'];

const MESSAGES: Record<'siae_position' | 'training_session' | 'immersion', string[]> = {
  siae_position: [
    'Personne motivée, disponible rapidement. Souhaite reprendre une activité salariée avec un accompagnement renforcé.',
    'Après plusieurs mois sans emploi, la personne veut retrouver un rythme de travail. Intérêt marqué pour ce poste, vu en entretien.',
    'Parcours à reconstruire après une période difficile : le cadre d’une SIAE lui conviendrait. Mobilité en transports en commun.',
    'Expérience passée dans le métier, à remettre à jour. Freins de garde d’enfants en cours de résolution.',
  ],
  training_session: [
    'Projet professionnel validé en entretien : cette session correspond à son projet et à son niveau.',
    'La personne souhaite se qualifier avant de reprendre un emploi. Financement à étudier ensemble.',
    'Orientation vers une formation pré-qualifiante pour consolider les savoirs de base.',
  ],
  immersion: [
    'Immersion pour découvrir le métier avant de s’engager dans une formation.',
    'Confirmer le projet professionnel en situation réelle de travail.',
    'Premier contact avec l’employeur, qui envisage un recrutement à l’issue de l’immersion.',
  ],
};
const NOTES = [
  'Entretien de suivi : la recherche avance, deux candidatures envoyées cette semaine.',
  'Point sur la mobilité : demande d’aide au permis de conduire déposée.',
  'La personne a trouvé une solution de garde pour ses enfants.',
  'Relance téléphonique sans réponse, message laissé.',
  'Dossier de logement appuyé auprès du bailleur social.',
  'Atelier CV suivi, CV mis à jour et déposé sur son espace.',
  'Bilan à mi-parcours avec l’encadrant technique : progrès nets sur la ponctualité.',
  'Point santé : reprise possible à temps partiel, à confirmer avec le médecin du travail.',
];
const APPOINTMENTS = [
  'Rendez-vous de suivi en agence.',
  'Entretien téléphonique de suivi.',
  'Rendez-vous tripartite avec l’employeur solidaire.',
  'Rendez-vous de préparation à l’entretien d’embauche.',
];

const SIAE_ORG_KINDS = ['siae_ai', 'siae_ei', 'siae_etti', 'siae_aci', 'siae_eiti'];
const PRESCRIBER_ORG_KINDS = ['france_travail', 'mission_locale', 'cap_emploi'];

type Scenario = 'none' | 'waiting' | 'contract_ending' | 'pass_ending';
/** Who wrote a step, as orientation-service.ts ActorNames names them. */
type Author = { userId: string | null; organisationId: string | null; label: string; organisation: string };
type Position = { id: string; organisationId: string; title: string; openPlaces: number };

/** What the demo wrote, for the log line and the tests. */
export interface DemoPathwayCounts {
  persons: number;
  positions: number;
  orientations: number;
  diagnoses: number;
  approvals: number;
  contracts: number;
  exits: number;
  events: number;
  members: number;
  commitments: number;
}

/**
 * Pure: the same sources, seed, day and first PASS number always give the same pathways. Returns the
 * rows table by table and how many PASS numbers it used.
 */
export function generateDemoPathways(
  src: DemoSources,
  options: { seed: number; today: string; firstApprovalNumber: number },
): { rows: DemoPathwayRows; approvalsUsed: number; counts: DemoPathwayCounts } {
  const { today } = options;
  const f = new Faker({ locale: [fr] });
  f.seed(options.seed + 120);
  const rows = Object.fromEntries(DEMO_TABLES.map((t) => [t, []])) as unknown as DemoPathwayRows;
  const uuid = () => f.string.uuid();
  const int = (min: number, max: number) => f.number.int({ min, max });
  const chance = (p: number) => f.number.float({ min: 0, max: 1 }) < p;
  const pick = <T>(list: readonly T[]) => f.helpers.arrayElement(list);
  const at = (on: string, hour: number) =>
    `${on}T${String(hour).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:00Z`;
  const minDate = (a: string, b: string) => (compare(a, b) <= 0 ? a : b);
  /** The later of two ends, null (open-ended) winning. */
  const latest = (a: string | null, b: string | null) => (a === null || b === null ? null : a > b ? a : b);

  const orgs = new Map(src.organisations.map((o) => [o.id, o]));
  const siaes = src.organisations.filter((o) => SIAE_ORG_KINDS.includes(o.kind));
  const employers = src.organisations.filter((o) => o.kind === 'employeur');
  const followersOf = new Map<string, DemoFollower[]>();
  for (const u of src.followers)
    followersOf.set(u.organisationId, [...(followersOf.get(u.organisationId) ?? []), u]);
  const actorOf = (org: DemoOrganisation, follower?: DemoFollower): Author => {
    const u = follower ?? followersOf.get(org.id)?.[0];
    return {
      userId: u?.userId ?? null,
      organisationId: org.id,
      label: u ? `${u.name} (${org.name})` : org.name,
      organisation: org.name,
    };
  };
  const someoneOf = (org: DemoOrganisation) => {
    const list = followersOf.get(org.id) ?? [];
    const demo = list.find((u) => u.email === DEMO_SIAE_COUNSELLOR_EMAIL);
    return actorOf(org, demo && chance(0.6) ? demo : list.length ? pick(list) : undefined);
  };
  const demoSiae = siaesWithLogin(src, DEMO_SIAE_COUNSELLOR_EMAIL);
  const platform: Author = {
    userId: null,
    organisationId: null,
    label: 'Passerelle (expiration automatique)',
    organisation: 'Passerelle',
  };

  // --- Positions: 2 to 5 per SIAE, in its commune; one in five full (0 place left). ---
  const appellationLabel = new Map(src.appellations.map((a) => [a.code, a.label]));
  const positionsOf = new Map<string, Position[]>();
  for (const siae of siaes) {
    const kind = siaeKindOf(siae.kind)!;
    const codes = f.helpers
      .shuffle(POSITION_APPELLATIONS[kind].filter((c) => appellationLabel.has(c)))
      .slice(0, int(2, 5));
    const list: Position[] = [];
    for (const code of codes) {
      const p = {
        id: uuid(),
        organisationId: siae.id,
        title: appellationLabel.get(code)!,
        openPlaces: chance(0.2) ? 0 : int(1, 6),
      };
      list.push(p);
      rows.siae_position.push({
        id: p.id,
        organisation_id: siae.id,
        appellation_code: code,
        title: p.title,
        commune_code: siae.communeCode,
        open_places: p.openPlaces,
        created_at: at(addDays(today, -HISTORY_DAYS - int(10, 60)), 9),
      });
    }
    // A position always takes new requests, so that the SIAE receives some (issue 12 §8).
    if (list.length && list.every((p) => p.openPlaces === 0)) {
      list[0]!.openPlaces = 2;
      rows.siae_position.find((r) => r.id === list[0]!.id)!.open_places = 2;
    }
    positionsOf.set(siae.id, list);
  }

  // --- Events, kept with their order of creation so that a day's steps stay in order. ---
  const events: { row: DemoPathwayRows['pathway_event'][number]; seq: number }[] = [];
  const event = (
    personId: string,
    on: string,
    kind: string,
    who: Author,
    summary: string,
    refId: string | null = null,
  ) =>
    events.push({
      seq: events.length,
      row: {
        person_id: personId,
        occurred_on: on,
        recorded_at: at(minDate(on, today), 17),
        kind,
        organisation_id: who.organisationId,
        organisation_label: who.organisation,
        author_label: who.label,
        summary,
        ref_id: refId,
        detail: null,
      },
    });
  const shares = new Map<string, DemoPathwayRows['person_share'][number]>();
  const share = (personId: string, who: Author, on: string, until: string | null) => {
    const key = `${personId}/${who.organisationId}`;
    const before = shares.get(key);
    // One share per (person, organisation): from the first acceptance to the latest end, open-ended if any is.
    shares.set(key, {
      person_id: personId,
      organisation_id: who.organisationId!,
      consent_on: before && compare(before.consent_on, on) < 0 ? before.consent_on : on,
      recorded_by: who.userId,
      recorded_by_label: who.label,
      basis: 'orientation',
      until: before ? latest(before.until ?? null, until) : until,
    });
  };

  // --- Diagnoses: criteria drawn for the person, checked with eligibility-rules' checkDiagnosis. ---
  const level1 = CRITERIA.filter((c) => c.level === 1).map((c) => c.code);
  const level2Of = (p: DemoPathwayPerson, on: string) => {
    const age = daysBetween(p.birthDate, on) / 365.25;
    return CRITERIA.filter(
      (c) =>
        c.level === 2 &&
        (c.code !== 'SENIOR' || age >= 50) &&
        (c.code !== 'JEUNE' || age < 26) &&
        (c.code !== 'TH' || p.situations.includes('rqth')),
    ).map((c) => c.code);
  };
  const drawCriteria = (p: DemoPathwayPerson, on: string, author: DiagnosisAuthor, kind: SiaeKind | null) => {
    for (let tries = 0; tries < 20; tries++) {
      const criteria =
        author === 'prescriber'
          ? f.helpers.arrayElements([...level1, ...level2Of(p, on)], { min: 0, max: 3 })
          : chance(0.55)
            ? [pick(level1), ...f.helpers.arrayElements(level2Of(p, on), { min: 0, max: 2 })]
            : f.helpers.arrayElements(level2Of(p, on), { min: 3, max: 4 });
      if (checkDiagnosis({ author, siaeKind: kind, criteria }).length === 0) return criteria;
    }
    return ['RSA'];
  };
  const diagnosis = (
    p: DemoPathwayPerson,
    on: string,
    who: Author,
    author: DiagnosisAuthor,
    kind: SiaeKind | null,
  ) => {
    const id = uuid();
    const criteria = drawCriteria(p, on, author, kind);
    const expiresOn = diagnosisExpiresOn(author, on);
    rows.eligibility_diagnosis.push({
      id,
      person_id: p.id,
      author_organisation_id: who.organisationId!,
      author_kind: author,
      siae_kind: kind,
      author_user_id: who.userId,
      author_label: who.label,
      made_on: on,
      expires_on: expiresOn,
      created_at: at(on, 10),
    });
    for (const code of criteria)
      rows.eligibility_criterion.push({
        diagnosis_id: id,
        code,
        proof: CRITERIA_BY_CODE.get(code)!.proof || null,
        proof_on: on,
      });
    const labels = criteria.map((c) => lowerFirst(CRITERIA_BY_CODE.get(c)!.label));
    event(
      p.id,
      on,
      'diagnosis',
      who,
      `Diagnostic d’éligibilité IAE réalisé par ${who.organisation}${labels.length ? ` (critères : ${labels.join(', ')})` : ''}, valable jusqu’au ${formatDate(expiresOn)}.`,
      id,
    );
    return { id, madeOn: on, expiresOn };
  };

  // Exit categories are dealt from a shuffled deck of 100 in the issue's proportions, so that a
  // hundred exits show them exactly (a free draw of ~100 strays by ±10 points).
  const exitDeck = f.helpers.shuffle(
    EXIT_WEIGHTS.flatMap((w) => Array<ExitCategory>(w.weight).fill(w.value)),
  );
  let exits = 0;

  // --- Orientations and what follows an accepted one. ---
  let approvals = 0;
  const openBySiae = new Map<string, number>();
  const orientationsByPrescriberYear = new Map<string, number>();
  const hiresByPrescriberYear = new Map<string, number>();
  const diagnosesByOrgYear = new Map<string, number>();
  const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  const runningHires: { person: DemoPathwayPerson; siae: DemoOrganisation; on: string }[] = [];

  interface Plan {
    kind: 'siae_position' | 'training_session' | 'immersion';
    state: OrientationState | 'open';
    scenario: Scenario;
    siae?: DemoOrganisation;
  }

  const transition = (
    orientationId: string,
    from: OrientationState | null,
    to: OrientationState,
    on: string,
    hour: number,
    who: Author,
    reason: string | null = null,
    comment: string | null = null,
  ) =>
    rows.orientation_transition.push({
      orientation_id: orientationId,
      occurred_at: at(on, hour),
      from_state: from,
      to_state: to,
      actor_user_id: who.userId,
      actor_label: who.label,
      organisation_id: who.organisationId,
      reason,
      comment,
    });

  /** The dates of an orientation from its final state (open ones are recent, and none is overdue). */
  const datesFor = (plan: Plan) => {
    if (plan.scenario === 'contract_ending' || plan.scenario === 'pass_ending') {
      const startOn =
        plan.scenario === 'pass_ending'
          ? addDays(passStartEndingOn(today), int(6, 88))
          : addDays(today, -int(60, 400));
      const acceptedOn = addDays(startOn, -int(0, 14));
      return { createdOn: addDays(acceptedOn, -int(2, 20)), decidedOn: acceptedOn, startOn };
    }
    if (plan.state === 'open') {
      const createdOn = addDays(today, -int(1, 50));
      return { createdOn, decidedOn: createdOn, startOn: null };
    }
    const createdOn = addDays(today, -int(DEFAULT_EXPIRY_DAYS + 2, HISTORY_DAYS));
    const decidedOn =
      plan.state === 'expired' ? addDays(createdOn, DEFAULT_EXPIRY_DAYS + 1) : addDays(createdOn, int(1, 20));
    const startOn = plan.state === 'accepted' ? addDays(decidedOn, int(0, 14)) : null;
    return { createdOn, decidedOn, startOn };
  };

  function orient(p: DemoPathwayPerson, prescriber: Author, holder: DemoOrganisation, plan: Plan) {
    const { createdOn, decidedOn, startOn } = datesFor(plan);
    let kind: OrientationTarget = plan.kind;
    let target: { org: DemoOrganisation; ref: string | null; label: string; position?: Position } | null =
      null;
    let immersion: { host: string; startOn: string; endOn: string; objective: string } | null = null;
    if (kind === 'training_session') {
      // A session that starts after the request, in the person's department when there is one.
      const [from, to] = [addDays(createdOn, 7), addDays(createdOn, 150)];
      const sessions = src.sessions.filter((s) => s.startDate >= from && s.startDate <= to);
      const s = sessions.length ? pick(sessions) : null;
      const org = s ? orgs.get(s.organisationId) : undefined;
      if (s && org) target = { org, ref: s.id, label: s.label };
      else kind = 'immersion';
    }
    if (kind === 'immersion') {
      const host = pick(employers.length && chance(0.7) ? employers : siaes);
      const begin = addDays(createdOn, int(7, 30));
      immersion = {
        host: host.name,
        startOn: begin,
        endOn: addDays(begin, int(4, 14)),
        objective: pick(Object.keys(IMMERSION_OBJECTIVES)),
      };
      target = { org: host, ref: null, label: `Immersion chez ${host.name}` };
    }
    if (kind === 'siae_position') {
      const near = siaes.filter((s) => s.departmentCode === holder.departmentCode);
      const siae = plan.siae ?? pick(near.length && chance(0.7) ? near : siaes);
      const positions = positionsOf.get(siae.id) ?? [];
      const open = positions.filter((x) => x.openPlaces > 0);
      const position = pick(plan.state === 'open' && open.length ? open : positions);
      target = { org: siae, ref: position.id, label: position.title, position };
    }
    if (!target) return;
    const receiver = someoneOf(target.org);
    const id = uuid();
    const state: OrientationState =
      plan.state === 'open'
        ? f.helpers.weightedArrayElement([
            { value: 'sent' as const, weight: 50 },
            { value: 'studying' as const, weight: 35 },
            { value: 'on_hold' as const, weight: 15 },
          ])
        : plan.state;
    let prescriberDiagnosis: { id: string; madeOn: string; expiresOn: string } | null = null;
    // Half of the requests to an SIAE carry the prescriber's own diagnosis (issue 12 §3: an
    // authorised prescriber's diagnosis needs no criterion and lasts 6 months).
    if (kind === 'siae_position' && chance(0.5)) {
      prescriberDiagnosis = diagnosis(p, addDays(createdOn, -int(0, 20)), prescriber, 'prescriber', null);
      bump(diagnosesByOrgYear, `${prescriber.organisationId}/${prescriberDiagnosis.madeOn.slice(0, 4)}`);
    }
    const refusal = state === 'refused' ? f.helpers.weightedArrayElement(REFUSAL_WEIGHTS) : null;
    const comment =
      refusal === 'other'
        ? 'La personne a déménagé hors du territoire.'
        : refusal && chance(0.4)
          ? 'Nous restons disponibles pour une nouvelle demande dans quelques mois.'
          : null;
    const final = !['sent', 'studying', 'on_hold'].includes(state);
    const lastOn = final ? decidedOn : createdOn;
    rows.orientation.push({
      id,
      person_id: p.id,
      prescriber_organisation_id: prescriber.organisationId!,
      prescriber_user_id: prescriber.userId,
      prescriber_label: prescriber.label,
      target_kind: kind,
      target_organisation_id: target.org.id,
      target_ref: target.ref,
      target_label: target.label,
      immersion_host: immersion?.host ?? null,
      immersion_start_on: immersion?.startOn ?? null,
      immersion_end_on: immersion?.endOn ?? null,
      immersion_objective: immersion?.objective ?? null,
      message: pick(MESSAGES[kind as keyof typeof MESSAGES]),
      diagnosis_id: prescriberDiagnosis?.id ?? null,
      state,
      version: 1 + (final ? 1 : 0) + (state === 'studying' || state === 'on_hold' ? 1 : 0),
      created_at: at(createdOn, 8),
      updated_at: at(lastOn, 15),
      expires_on: addDays(createdOn, DEFAULT_EXPIRY_DAYS),
      accepted_on: state === 'accepted' ? decidedOn : null,
      start_on: state === 'accepted' ? startOn : null,
      refusal_reason: refusal,
      decision_comment: comment,
    });
    bump(orientationsByPrescriberYear, `${prescriber.organisationId}/${createdOn.slice(0, 4)}`);
    if (!final && kind === 'siae_position') bump(openBySiae, target.org.id);

    // The steps, each a transition and a timeline event (orientation-service.ts's summaries).
    const where = `${target.org.name} (« ${target.label} »)`;
    transition(id, null, 'sent', createdOn, 8, prescriber);
    event(
      p.id,
      createdOn,
      'orientation',
      prescriber,
      `Orientation vers ${target.org.name} : ${lowerFirst(ORIENTATION_TARGETS[kind].label)} « ${target.label} ».`,
      id,
    );
    let from: OrientationState = 'sent';
    const studiedOn = final
      ? createdOn
      : addDays(createdOn, int(0, Math.max(0, daysBetween(createdOn, today) - 1)));
    if (
      state === 'studying' ||
      state === 'on_hold' ||
      (final && state !== 'expired' && state !== 'cancelled' && chance(0.6))
    ) {
      transition(id, 'sent', 'studying', studiedOn, 10, receiver);
      event(p.id, studiedOn, 'orientation', receiver, `Orientation vers ${where} mise à l’étude.`, id);
      from = 'studying';
    }
    if (state === 'on_hold') {
      transition(id, 'studying', 'on_hold', studiedOn, 11, receiver);
      event(p.id, studiedOn, 'orientation', receiver, `Orientation vers ${where} mise en attente.`, id);
    }
    if (!final) return;
    if (state === 'expired') {
      transition(id, from, 'expired', decidedOn, 3, platform);
      event(
        p.id,
        decidedOn,
        'orientation',
        platform,
        `Orientation vers ${target.org.name} expirée sans réponse après ${DEFAULT_EXPIRY_DAYS} jours.`,
        id,
      );
      return;
    }
    if (state === 'cancelled') {
      transition(
        id,
        from,
        'cancelled',
        decidedOn,
        14,
        prescriber,
        null,
        'La personne a trouvé une autre solution.',
      );
      event(
        p.id,
        decidedOn,
        'orientation',
        prescriber,
        `Orientation vers ${where} annulée par le prescripteur.`,
        id,
      );
      return;
    }
    if (state === 'refused') {
      transition(id, from, 'refused', decidedOn, 14, receiver, refusal, comment);
      event(
        p.id,
        decidedOn,
        'orientation',
        receiver,
        `Orientation vers ${where} refusée : ${REFUSAL_REASONS[refusal!]}.`,
        id,
      );
      return;
    }
    // Accepted: the receiver reads the file while it accompanies the person (issue 12 §1).
    transition(id, from, 'accepted', decidedOn, 14, receiver);
    event(
      p.id,
      decidedOn,
      'orientation',
      receiver,
      `Orientation vers ${where} acceptée, entrée prévue le ${formatDate(startOn)}.`,
      id,
    );
    if (kind !== 'siae_position' || !target.position || !startOn) {
      share(p.id, receiver, decidedOn, null);
      return;
    }
    const exitOn = hire(
      p,
      prescriber,
      target.org,
      receiver,
      target.position,
      id,
      decidedOn,
      startOn,
      prescriberDiagnosis,
      plan.scenario,
    );
    share(p.id, receiver, decidedOn, exitOn ? addDays(exitOn, SHARE_AFTER_EXIT_DAYS) : null);
  }

  /** Diagnosis if needed, PASS IAE, contract (with its hours), and the exit when the contract has ended. */
  function hire(
    p: DemoPathwayPerson,
    prescriber: Author,
    siae: DemoOrganisation,
    who: Author,
    position: Position,
    orientationId: string,
    acceptedOn: string,
    startOn: string,
    prescriberDiagnosis: { id: string; madeOn: string; expiresOn: string } | null,
    scenario: Scenario,
  ): string | null {
    const kind = siaeKindOf(siae.kind)!;
    bump(hiresByPrescriberYear, `${prescriber.organisationId}/${startOn.slice(0, 4)}`);
    // Without a prescriber's diagnosis still valid at hiring, the SIAE makes its own (issue 12 §3).
    const used =
      prescriberDiagnosis && compare(startOn, prescriberDiagnosis.expiresOn) <= 0
        ? prescriberDiagnosis
        : diagnosis(p, acceptedOn, who, 'siae', kind);
    if (used !== prescriberDiagnosis) bump(diagnosesByOrgYear, `${siae.id}/${acceptedOn.slice(0, 4)}`);

    // The contract: its kind per SIAE kind, weekly or monthly hours, a planned length of 3 to 14
    // months (a CDDI lasts 4 months to 2 years, C. trav. L5132-15-1; most are renewed by periods).
    const age = daysBetween(p.birthDate, startOn) / 365.25;
    const cdi = age >= 57 && CDI_INCLUSION_KINDS.includes(kind) && chance(0.5);
    const contract = cdi ? CDI_INCLUSION : pick(CONTRACTS[kind]);
    let plannedEnd: string | null = cdi ? null : addDays(addMonths(startOn, int(3, 14)), -1);
    if (scenario === 'contract_ending') plannedEnd = addDays(today, int(1, 29));
    if (scenario === 'pass_ending') plannedEnd = addDays(today, int(95, 200));

    // The PASS IAE from the hiring day (approval-rules: 2 years - 1 day, moved by suspensions and prolongations).
    const approvalId = uuid();
    const number = approvalNumber(APPROVAL_PREFIX, options.firstApprovalNumber + approvals++);
    const facts: ApprovalFacts & {
      suspensions: { startOn: string; endOn: string }[];
      prolongations: { startOn: string; endOn: string }[];
    } = {
      startOn,
      baseEndOn: approvalBaseEnd(startOn),
      suspensions: [],
      prolongations: [],
    };
    event(
      p.id,
      startOn,
      'approval',
      who,
      `PASS IAE n° ${number} délivré par ${siae.name}, valable du ${formatDate(startOn)} au ${formatDate(facts.baseEndOn)}.`,
      approvalId,
    );
    const contractId = uuid();
    const hoursPerWeek = MONTHLY_HOURS.includes(kind) ? null : kind === 'ACI' ? int(20, 26) : int(24, 35);
    event(
      p.id,
      startOn,
      'contract',
      who,
      `Embauche chez ${siae.name} : ${contract.label} « ${position.title} » à partir du ${formatDate(startOn)}${plannedEnd ? ` jusqu’au ${formatDate(plannedEnd)}` : ''}.`,
      contractId,
    );

    // The exit, when the contract ended (or broke) before today; otherwise it runs.
    let exitOn: string | null = null;
    if (scenario === 'none') {
      if (plannedEnd && compare(plannedEnd, today) < 0)
        exitOn = chance(0.25)
          ? addDays(startOn, int(20, Math.max(21, daysBetween(startOn, plannedEnd) - 1)))
          : plannedEnd;
      else if (!plannedEnd && compare(startOn, addDays(today, -365)) < 0 && chance(0.4))
        exitOn = addDays(startOn, int(300, daysBetween(startOn, today) - 1));
    }
    const endOn = exitOn ?? plannedEnd;

    // A suspension for one PASS in ten (checked with checkSuspension, recorded the day it starts).
    const lastWorked = minDate(endOn ?? today, today);
    if (scenario === 'none' && chance(0.1) && daysBetween(startOn, lastWorked) > 120) {
      const s = {
        startOn: addDays(startOn, int(30, daysBetween(startOn, lastWorked) - 60)),
        endOn: '',
        reason: 'CONTRACT_SUSPENDED',
      };
      s.endOn = addDays(s.startOn, int(20, 75));
      if (compare(s.endOn, lastWorked) < 0 && checkSuspension(facts, s, s.startOn).length === 0) {
        facts.suspensions.push({ startOn: s.startOn, endOn: s.endOn });
        rows.approval_suspension.push({
          id: uuid(),
          approval_id: approvalId,
          start_on: s.startOn,
          end_on: s.endOn,
          reason: s.reason,
          comment: 'Arrêt maladie de plus de 15 jours.',
          organisation_id: siae.id,
          created_by_label: who.label,
          created_at: at(s.startOn, 11),
        });
        event(
          p.id,
          s.startOn,
          'approval',
          who,
          `PASS IAE n° ${number} suspendu du ${formatDate(s.startOn)} au ${formatDate(s.endOn)} : ${SUSPENSION_REASONS[s.reason]}.`,
          approvalId,
        );
      }
    }
    // A prolongation when the work goes on past the PASS's end (or for one PASS in twelve):
    // requested by the SIAE the month before, then granted or refused by the orienting prescriber
    // (an authorised one, issue 12 §4); half of the PASS ending soon have a request waiting.
    const pending = scenario === 'pass_ending' && chance(0.5);
    const prolong =
      pending ||
      ((endOn === null || compare(endOn, approvalEndOn(facts)) > 0 || chance(0.08)) && scenario === 'none');
    if (prolong) {
      const reasons = Object.keys(PROLONGATION_REASONS).filter((r) => {
        const rule = PROLONGATION_REASONS[r]!;
        if (rule.siaeKinds && !rule.siaeKinds.includes(kind)) return false;
        if (r === 'SENIOR') return age >= 50;
        if (r === 'SENIOR_CDI') return cdi;
        if (r === 'RQTH') return p.situations.includes('rqth');
        return true;
      });
      const reason = pick(reasons);
      const pStart = addDays(approvalEndOn(facts), 1);
      const pEnd = addDays(addMonths(pStart, int(3, 12)), -1);
      const requestedOn = pending ? addDays(today, -int(0, 10)) : addDays(pStart, -int(15, 40));
      if (
        compare(requestedOn, today) <= 0 &&
        checkProlongation(facts, { startOn: pStart, endOn: pEnd, reason }, { siaeKind: kind, previous: [] })
          .length === 0
      ) {
        const decidedOn = addDays(requestedOn, int(2, 12));
        const state =
          pending || compare(decidedOn, today) > 0 ? 'requested' : chance(0.85) ? 'granted' : 'refused';
        const granted = state === 'granted';
        rows.approval_prolongation.push({
          id: uuid(),
          approval_id: approvalId,
          start_on: pStart,
          end_on: pEnd,
          reason,
          comment: 'Parcours à consolider avant la sortie.',
          state,
          requested_by_organisation_id: siae.id,
          requested_by_label: who.label,
          requested_at: at(requestedOn, 9),
          prescriber_organisation_id: prescriber.organisationId!,
          decided_by_label: state === 'requested' ? null : prescriber.label,
          decided_at: state === 'requested' ? null : new Date(at(decidedOn, 16)),
          decision_comment:
            state === 'refused' ? 'Une sortie vers l’emploi est envisageable à l’échéance.' : null,
          version: state === 'requested' ? 1 : 2,
        });
        event(
          p.id,
          requestedOn,
          'approval',
          who,
          `Prolongation du PASS IAE n° ${number} demandée jusqu’au ${formatDate(pEnd)} : ${PROLONGATION_REASONS[reason]!.label}.`,
          approvalId,
        );
        if (granted) {
          facts.prolongations.push({ startOn: pStart, endOn: pEnd });
          event(
            p.id,
            decidedOn,
            'approval',
            prescriber,
            `Prolongation du PASS IAE n° ${number} accordée jusqu’au ${formatDate(pEnd)}.`,
            approvalId,
          );
        } else if (state === 'refused')
          event(
            p.id,
            decidedOn,
            'approval',
            prescriber,
            `Prolongation du PASS IAE n° ${number} refusée.`,
            approvalId,
          );
      }
    }
    rows.approval.push({
      id: approvalId,
      number,
      person_id: p.id,
      siae_organisation_id: siae.id,
      diagnosis_id: used.id,
      start_on: startOn,
      base_end_on: facts.baseEndOn,
      end_on: approvalEndOn(facts),
      version: 1 + facts.suspensions.length + facts.prolongations.length,
      created_at: at(startOn, 9),
      created_by_label: who.label,
    });
    rows.iae_contract.push({
      id: contractId,
      person_id: p.id,
      siae_organisation_id: siae.id,
      siae_kind: kind,
      approval_id: approvalId,
      orientation_id: orientationId,
      position_id: position.id,
      kind: contract.kind,
      start_on: startOn,
      end_on: endOn,
      hours_per_week: hoursPerWeek,
      version: exitOn ? 2 : 1,
      created_at: at(startOn, 9),
      created_by_label: who.label,
    });
    // Monthly hours for AI and ETTI, up to the exit or today (an AI's missions are shorter).
    let hoursWorked = 0;
    const worked = minDate(endOn ?? today, today);
    if (MONTHLY_HOURS.includes(kind)) {
      for (
        let month = `${startOn.slice(0, 7)}-01`;
        compare(month, worked) <= 0;
        month = addMonths(month, 1)
      ) {
        const hours = kind === 'AI' ? int(12, 110) : int(50, 151);
        hoursWorked += hours;
        rows.iae_contract_hours.push({ contract_id: contractId, month, hours });
      }
    } else hoursWorked = Math.round(((hoursPerWeek ?? 0) * (daysBetween(startOn, worked) + 1)) / 7);
    if (!exitOn) {
      if (compare(startOn, today) <= 0) runningHires.push({ person: p, siae, on: startOn });
      return null;
    }
    const category = exitDeck[exits++ % exitDeck.length]!;
    const reasons = EXIT_REASONS.filter(
      (r) => r.category === category && (r.code !== 'RETRAITE' || age >= 60),
    );
    const reason = pick(reasons.length ? reasons : EXIT_REASONS.filter((r) => r.category === category));
    const days = contractDays(startOn, exitOn);
    rows.iae_exit.push({
      id: uuid(),
      contract_id: contractId,
      person_id: p.id,
      siae_organisation_id: siae.id,
      siae_kind: kind,
      zone_code: siae.zoneCode,
      department_code: siae.departmentCode,
      exit_on: exitOn,
      reason: reason.code,
      // Category and counting from the rules (exit-rules.ts), as the IAE service records them.
      category: exitCategory(reason.code),
      counted: exitCounts({ siaeKind: kind, hoursWorked, contractDays: days }),
      hours_worked: hoursWorked,
      contract_days: days,
      comment: null,
      created_at: at(minDate(addDays(exitOn, int(0, 10)), today), 16),
      created_by_label: who.label,
    });
    event(
      p.id,
      exitOn,
      'exit',
      who,
      `Sortie de ${siae.name} le ${formatDate(exitOn)} : ${lowerFirst(reason.label)} (${lowerFirst(EXIT_CATEGORIES[exitCategory(reason.code)])}).`,
      contractId,
    );
    return exitOn;
  }

  // --- The persons: ~60 for the demo counsellor, the others over the public employment service. ---
  const counsellor = src.followers.find(
    (u) => u.email === DEMO_COUNSELLOR_EMAIL && orgs.get(u.organisationId)?.kind === 'mission_locale',
  );
  const counsellorOrg = counsellor ? orgs.get(counsellor.organisationId)! : null;
  const ofCounsellor = counsellorOrg
    ? src.persons.filter((p) => p.referentOrganisationId === counsellorOrg.id)
    : [];
  const mine = f.helpers.shuffle(ofCounsellor).slice(0, DEMO_REFERENT_PERSONS + 20);
  const mineIds = new Set(mine.map((p) => p.id));
  const others = f.helpers
    .shuffle(src.persons.filter((p) => !mineIds.has(p.id)))
    .slice(0, Math.max(0, DEMO_PATHWAY_PERSONS - mine.length));
  const persons = [...mine, ...others];
  const members = new Map<string, DemoPathwayRows['pathway_member'][number]>();
  const firstOn = new Map<string, string>();

  persons.forEach((p, index) => {
    const holder = orgs.get(p.referentOrganisationId);
    if (!holder || !PRESCRIBER_ORG_KINDS.includes(holder.kind)) return;
    const isMine = index < DEMO_REFERENT_PERSONS && counsellor && counsellorOrg;
    const prescriber = isMine ? actorOf(counsellorOrg!, counsellor!) : someoneOf(holder);
    // The demo counsellor's list shows each daily case (issue 12 §2): waiting requests, contracts
    // and PASS ending soon; elsewhere such cases arise at their natural rate.
    const scenario: Scenario = isMine
      ? index < 8
        ? 'waiting'
        : index < 13
          ? 'contract_ending'
          : index < 18
            ? 'pass_ending'
            : 'none'
      : chance(0.03)
        ? 'contract_ending'
        : chance(0.03)
          ? 'pass_ending'
          : 'none';
    const count = f.helpers.weightedArrayElement([
      { value: 1, weight: 55 },
      { value: 2, weight: 30 },
      { value: 3, weight: 15 },
    ]);
    const plans: Plan[] = Array.from({ length: count }, () => ({
      kind: f.helpers.weightedArrayElement(TARGET_WEIGHTS),
      state: f.helpers.weightedArrayElement(STATE_WEIGHTS),
      scenario: 'none' as Scenario,
    }));
    if (scenario === 'waiting') plans[0] = { kind: 'siae_position', state: 'open', scenario };
    if (scenario === 'contract_ending' || scenario === 'pass_ending')
      plans[0] = {
        kind: 'siae_position',
        state: 'accepted',
        scenario,
        ...(isMine && scenario === 'contract_ending' && demoSiae ? { siae: demoSiae } : {}),
      };
    // One hire at a time: a second acceptance by an SIAE becomes a refusal (no place left).
    let hired = false;
    for (const plan of plans) {
      if (plan.kind === 'siae_position' && plan.state === 'accepted') {
        if (hired) plan.state = 'refused';
        hired = true;
      }
    }
    const before = events.length;
    for (const plan of plans) orient(p, prescriber, holder, plan);
    const personDates = events
      .slice(before)
      .map((e) => e.row.occurred_on)
      .sort();
    if (personDates[0]) firstOn.set(p.id, personDates[0]);
    // Notes and appointments by the holder's counsellor, some appointments ahead.
    for (let i = int(0, 3); i > 0; i--) {
      const on = addDays(
        today,
        -int(1, Math.max(2, daysBetween(personDates[0] ?? addDays(today, -90), today))),
      );
      event(p.id, on, 'note', prescriber, pick(NOTES));
    }
    if (chance(0.35)) event(p.id, addDays(today, int(1, 30)), 'appointment', prescriber, pick(APPOINTMENTS));
    // The referent: the demo counsellor for its persons, a counsellor of the holder for two in five others.
    if (isMine || chance(0.4)) {
      const on = firstOn.get(p.id) ?? addDays(today, -30);
      members.set(`${p.id}/${prescriber.userId}`, {
        person_id: p.id,
        user_id: prescriber.userId!,
        organisation_id: prescriber.organisationId!,
        role: 'referent',
        added_at: at(on, 8),
        added_by_label: prescriber.label,
      });
      event(p.id, on, 'member', prescriber, `${prescriber.label} devient conseiller·e référent·e.`);
    }
  });

  // Every SIAE has requests to answer (issue 12 §8): two more open ones where it has fewer.
  const holderOf = (p: DemoPathwayPerson) => orgs.get(p.referentOrganisationId)!;
  for (const siae of siaes) {
    for (let n = openBySiae.get(siae.id) ?? 0; n < 2; n++) {
      const p = pick(persons);
      orient(p, someoneOf(holderOf(p)), holderOf(p), {
        kind: 'siae_position',
        state: 'open',
        scenario: 'none',
        siae,
      });
    }
  }

  // Co-accompagnants: the SIAE's counsellor follows the person it employs (issue 12 §2).
  for (const h of runningHires) {
    if (!chance(0.7) && h.siae.id !== demoSiae?.id) continue;
    const co = someoneOf(h.siae);
    if (!co.userId || members.has(`${h.person.id}/${co.userId}`)) continue;
    members.set(`${h.person.id}/${co.userId}`, {
      person_id: h.person.id,
      user_id: co.userId,
      organisation_id: h.siae.id,
      role: 'co',
      added_at: at(h.on, 12),
      added_by_label: co.label,
    });
    event(h.person.id, h.on, 'member', co, `${co.label} rejoint les co-accompagnants.`);
  }

  // --- The CTA's commitments per basin, partner and year (rates-rules.ts CTA_INDICATORS). ---
  const region = src.organisations.find((o) => o.kind === 'region');
  const enteredBy = region ? actorOf(region).label : 'Région (démonstration)';
  const year = Number(today.slice(0, 4));
  const elapsed = (daysBetween(`${year}-01-01`, today) + 1) / 365;
  const target = (measured: number, y: number) =>
    Math.max(
      3,
      Math.round(
        (y === year ? measured / Math.max(elapsed, 0.1) : measured) * f.number.float({ min: 0.8, max: 1.3 }),
      ),
    );
  const zones = new Set(
    src.organisations.filter((o) => o.zoneCode && SIAE_ORG_KINDS.includes(o.kind)).map((o) => o.zoneCode!),
  );
  for (const zone of [...zones].sort()) {
    for (const y of [year - 1, year]) {
      for (const o of src.organisations.filter((x) => x.zoneCode === zone)) {
        const commit = (indicator: string, value: number) =>
          rows.cta_commitment.push({
            id: uuid(),
            zone_code: zone,
            year: y,
            partner_organisation_id: o.id,
            partner_kind: null,
            indicator,
            target: value,
            entered_by_label: enteredBy,
            entered_at: at(`${y}-01-${String(int(10, 28)).padStart(2, '0')}`, 10),
          });
        if (PRESCRIBER_ORG_KINDS.includes(o.kind)) {
          commit('orientations', target(orientationsByPrescriberYear.get(`${o.id}/${y}`) ?? 0, y));
          commit('hires', target(hiresByPrescriberYear.get(`${o.id}/${y}`) ?? 0, y));
          commit('diagnoses', target(diagnosesByOrgYear.get(`${o.id}/${y}`) ?? 0, y));
        } else if (SIAE_ORG_KINDS.includes(o.kind) && o.kind !== 'siae_aci') {
          // A rate in percent: the accord-cadre's usual 55 to 65 % of dynamic exits.
          commit('dynamic_rate_excl_aci', 5 * int(11, 13));
        }
      }
    }
  }

  rows.person_share = [...shares.values()];
  rows.pathway_member = [...members.values()];
  rows.pathway_event = events
    // ISO dates sort as strings (dates.ts compare parses each: 40,000 calls here).
    .sort((a, b) =>
      a.row.occurred_on < b.row.occurred_on ? -1 : a.row.occurred_on > b.row.occurred_on ? 1 : a.seq - b.seq,
    )
    .map((e) => e.row);
  return {
    rows,
    approvalsUsed: approvals,
    counts: {
      persons: persons.length,
      positions: rows.siae_position.length,
      orientations: rows.orientation.length,
      diagnoses: rows.eligibility_diagnosis.length,
      approvals: rows.approval.length,
      contracts: rows.iae_contract.length,
      exits: rows.iae_exit.length,
      events: rows.pathway_event.length,
      members: rows.pathway_member.length,
      commitments: rows.cta_commitment.length,
    },
  };
}

/** « Bénéficiaire du RSA » → « bénéficiaire du RSA », acronyms kept (« RQTH - … » stays). */
function lowerFirst(label: string) {
  return /^.[a-zà-ÿ’' ]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

/** The SIAE a demo login works for, if the region has that login. */
function siaesWithLogin(src: DemoSources, email: string) {
  const ids = new Set(src.followers.filter((u) => u.email === email).map((u) => u.organisationId));
  return src.organisations.find((o) => ids.has(o.id) && SIAE_ORG_KINDS.includes(o.kind));
}

/** The start of a PASS IAE whose base end is `on` (approvalBaseEnd: start + 2 years - 1 day). */
function passStartEndingOn(on: string) {
  return addDays(addMonths(on, -24), 1);
}

/**
 * The pathways' demo (issue 12 §8): SIAE positions, then pathways for a few hundred persons of the
 * public employment service over the last 3 years — orientations with every state change,
 * diagnoses, PASS IAE, contracts and exits with the exit rules' categories, shares, the timeline,
 * referents — and the CTA's commitments. Seeded (ctx.seed): the same demo on every machine. Runs
 * after persons, offers and matching; returns false when pathways exist already.
 */
export async function seedDemoPathways(ctx: DemoContext): Promise<boolean> {
  const repo = pathwaysDemoRepository(ctx.db);
  if (await repo.hasPathways()) return false;
  const sources = await repo.sources();
  if (!sources.persons.length || !sources.organisations.some((o) => siaeKindOf(o.kind))) return true;
  const first = await repo.firstApprovalNumber();
  const { rows, approvalsUsed, counts } = generateDemoPathways(sources, {
    seed: ctx.seed,
    today: ctx.today,
    firstApprovalNumber: first,
  });
  await repo.insert(rows);
  await repo.approvalNumbersUsed(first, approvalsUsed);
  ctx.log(
    `Démonstration : parcours de ${counts.persons} personnes, ${counts.positions} postes en SIAE, ${counts.orientations} orientations, ${counts.diagnoses} diagnostics, ${counts.approvals} PASS IAE, ${counts.exits} sorties, ${counts.events} étapes.`,
  );
  return true;
}
