import type { OrganisationKind } from '../identity/model.js';

/**
 * Orientations' rules as data (issue 12 §1): what a prescriber may orient a person to, who
 * receives it, the states of a request and who may move it from one to another, the reasons a
 * request is refused. The service checks every change against these tables; the pages show their
 * labels; the timeline names each step with them.
 */

/**
 * What a person is oriented to, and which organisations receive such a request. The target's id
 * (`target_ref`) is the thing's id in its own module, so that the directory's services and the
 * workshops plug in as data.
 */
export const ORIENTATION_TARGETS = {
  training_session: {
    label: 'Session de formation',
    /** A training organisation holds a place request for the session. */
    receivers: ['organisme_formation'],
  },
  siae_position: {
    label: 'Poste dans une SIAE',
    receivers: ['siae_ai', 'siae_ei', 'siae_etti', 'siae_aci', 'siae_eiti'],
  },
  job_offer: {
    label: 'Offre d’emploi',
    receivers: ['employeur', 'siae_ai', 'siae_ei', 'siae_etti', 'siae_aci', 'siae_eiti'],
  },
  immersion: {
    // PMSMP, C. trav. L5135-1 ff.: a host employer, dates and an objective.
    label: 'Immersion professionnelle (PMSMP)',
    receivers: ['employeur', 'siae_ai', 'siae_ei', 'siae_etti', 'siae_aci', 'siae_eiti', 'commune'],
  },
  service: {
    label: 'Service d’un partenaire',
    receivers: [
      'france_travail',
      'mission_locale',
      'cap_emploi',
      'structure_accompagnement',
      'commune',
      'region',
      'organisme_formation',
    ],
  },
  workshop: {
    label: 'Atelier de détection des potentiels',
    receivers: ['france_travail', 'mission_locale', 'cap_emploi', 'structure_accompagnement', 'region'],
  },
} as const satisfies Record<string, { label: string; receivers: readonly OrganisationKind[] }>;
export type OrientationTarget = keyof typeof ORIENTATION_TARGETS;
export const ORIENTATION_TARGET_KINDS = Object.keys(ORIENTATION_TARGETS) as OrientationTarget[];

/**
 * Who orients (issue 12 §1): France Travail, a Mission locale, Cap emploi, the Region, a town hall,
 * a support structure. An SIAE orients too (to a training, an immersion, another SIAE) since it
 * accompanies its employees (C. trav. L5132-1: « accompagnement socioprofessionnel »).
 */
export const PRESCRIBER_KINDS: ReadonlySet<OrganisationKind> = new Set<OrganisationKind>([
  'france_travail',
  'mission_locale',
  'cap_emploi',
  'region',
  'commune',
  'structure_accompagnement',
  'siae_ai',
  'siae_ei',
  'siae_etti',
  'siae_aci',
  'siae_eiti',
]);

/** PMSMP objectives (C. trav. L5135-1: découvrir un métier, confirmer un projet, initier un recrutement). */
export const IMMERSION_OBJECTIVES = {
  discover: 'Découvrir un métier ou un secteur d’activité',
  confirm: 'Confirmer un projet professionnel',
  recruit: 'Initier une démarche de recrutement',
} as const;
export type ImmersionObjective = keyof typeof IMMERSION_OBJECTIVES;
/** A PMSMP lasts at most one month (C. trav. D5135-3): 31 days. */
export const IMMERSION_MAX_DAYS = 31;

export const ORIENTATION_STATES = {
  sent: 'Envoyée',
  studying: 'À l’étude',
  on_hold: 'En attente',
  accepted: 'Acceptée',
  refused: 'Refusée',
  expired: 'Expirée sans réponse',
  cancelled: 'Annulée par le prescripteur',
} as const;
export type OrientationState = keyof typeof ORIENTATION_STATES;
/** The states that wait for the receiver's answer: they expire, they keep the request in « à traiter ». */
export const OPEN_STATES: readonly OrientationState[] = ['sent', 'studying', 'on_hold'];

/** Who moves a request: the receiving organisation, the prescriber, or the platform (expiry). */
export type TransitionActor = 'receiver' | 'prescriber' | 'platform';

/**
 * The orientation's state machine, one row per allowed move (STYLE.md: workflows as data). A
 * receiver studies, puts on hold, accepts (with a start date) or refuses (with a reason); the
 * prescriber may cancel while no answer is given; the platform expires an unanswered request.
 * Accepted, refused, expired and cancelled are final: a new request is a new orientation.
 */
export const ORIENTATION_TRANSITIONS: readonly {
  from: OrientationState;
  to: OrientationState;
  by: TransitionActor;
  action: string;
}[] = [
  { from: 'sent', to: 'studying', by: 'receiver', action: 'Mettre à l’étude' },
  { from: 'on_hold', to: 'studying', by: 'receiver', action: 'Reprendre l’étude' },
  ...(['sent', 'studying'] as const).map((from) => ({
    from,
    to: 'on_hold' as const,
    by: 'receiver' as const,
    action: 'Mettre en attente',
  })),
  ...OPEN_STATES.flatMap((from) => [
    { from, to: 'accepted' as const, by: 'receiver' as const, action: 'Accepter' },
    { from, to: 'refused' as const, by: 'receiver' as const, action: 'Refuser' },
    { from, to: 'cancelled' as const, by: 'prescriber' as const, action: 'Annuler la demande' },
    { from, to: 'expired' as const, by: 'platform' as const, action: 'Expirer' },
  ]),
];

export function transitionFor(from: OrientationState, to: OrientationState, by: TransitionActor) {
  return ORIENTATION_TRANSITIONS.find((t) => t.from === from && t.to === to && t.by === by);
}

/**
 * Why a receiver refuses, a fixed list (issue 12 §1) seen by the prescriber with a free comment.
 * Modelled on the refusal reasons of les emplois de l'inclusion (job applications) and the
 * training organisations' usual answers.
 */
export const REFUSAL_REASONS = {
  not_eligible: 'La personne ne remplit pas les conditions (éligibilité, prérequis)',
  no_position: 'Pas de poste ou de place disponible',
  full: 'Session ou poste complet',
  skills: 'Compétences ou prérequis insuffisants pour le moment',
  barriers: 'Freins périphériques à lever d’abord (santé, logement, mobilité…)',
  unreachable: 'Personne injoignable',
  declined: 'La personne n’a pas donné suite ou a renoncé',
  other_pathway: 'Un autre parcours est plus adapté',
  duplicate: 'Demande en double',
  other: 'Autre raison (précisée en commentaire)',
} as const;
export type RefusalReason = keyof typeof REFUSAL_REASONS;

/** An unanswered request expires after 60 days by default (issue 12 §1), configurable (ORIENTATION_EXPIRY_DAYS). */
export const DEFAULT_EXPIRY_DAYS = 60;

/**
 * After an accepted orientation the receiver reads the file while it accompanies the person; the
 * share ends this many days after the exit is recorded (the ASP's 6-month follow-up of exits).
 */
export const SHARE_AFTER_EXIT_DAYS = 183;
/** A share for a request that was refused, expired or cancelled ends at once. */

/** A message to the receiver says why the person is oriented: needed, and short. */
export const MESSAGE_MAX = 2000;
export const COMMENT_MAX = 1000;

/**
 * Kinds of steps of a person's pathway (issue 12 §2), with their French label. Each module that
 * records a step names one of these kinds; notes and appointments are entered by hand.
 */
export const PATHWAY_EVENT_KINDS = {
  orientation: 'Orientation',
  diagnosis: 'Diagnostic d’éligibilité IAE',
  approval: 'PASS IAE',
  contract: 'Contrat',
  exit: 'Sortie',
  training: 'Formation',
  immersion: 'Immersion',
  workshop: 'Atelier',
  appointment: 'Rendez-vous',
  note: 'Note',
  member: 'Accompagnement',
} as const;
export type PathwayEventKind = keyof typeof PATHWAY_EVENT_KINDS;
/** The kinds a counsellor enters by hand on the timeline. */
export const MANUAL_EVENT_KINDS = ['appointment', 'note'] as const;
export const NOTE_MAX = 2000;

/** The daily lists' defaults (issue 12 §2). */
export const DAILY_LISTS = {
  silentDays: 30,
  approvalEndingDays: 92,
  contractEndingDays: 30,
} as const;
