/**
 * The PASS IAE (« agrément », C. trav. L5132-3) as data and pure functions (issue 12 §4): its
 * length, its suspensions and prolongations, its status and the waiting period after it. The rules
 * and limits are those of gip-inclusion/les-emplois (itou), the service that issues PASS IAE
 * nationally: itou/approvals/models.py (CommonApprovalMixin, Approval, Suspension,
 * CommonProlongation) and itou/approvals/enums.py (ApprovalStatus, ProlongationReason), cited
 * constant by constant. Every period here is INCLUSIVE of both its dates.
 */
import { formatDate } from '../../web/format.js';
import { addDays, addMonths, addYears, compare, inclusiveDays, within } from './dates.js';
import type { SiaeKind } from './eligibility-rules.js';

/** CommonApprovalMixin.DEFAULT_APPROVAL_YEARS: a PASS IAE lasts 2 years. */
export const APPROVAL_YEARS = 2;
/** CommonApprovalMixin.WAITING_PERIOD_YEARS: the « période de carence » after a PASS ends. */
export const WAITING_YEARS = 2;

/**
 * Suspension reasons an SIAE may choose today (itou Suspension.Reason, displayed choices; the
 * older reasons — SICKNESS, MATERNITY, INCARCERATION… — are kept by itou for history only and are
 * not accepted here). Codes are itou's stored values.
 */
export const SUSPENSION_REASONS: Record<string, string> = {
  CONTRACT_SUSPENDED: 'Contrat de travail suspendu depuis plus de 15 jours',
  CONTRACT_BROKEN: 'Contrat de travail rompu',
  FINISHED_CONTRACT: 'Contrat de travail terminé',
  APPROVAL_BETWEEN_CTA_MEMBERS:
    'Situation faisant l’objet d’un accord entre les acteurs membres du CTA (Comité technique d’animation)',
  CONTRAT_PASSERELLE: 'Bascule dans l’expérimentation contrat passerelle',
};

/** Reasons reserved to some kinds (Suspension.Reason.displayed_choices_for_siae: passerelle for EI and ACI). */
export const SUSPENSION_REASON_SIAE_KINDS: Readonly<Record<string, readonly SiaeKind[]>> = {
  CONTRAT_PASSERELLE: ['EI', 'ACI'],
};

/** Whether an SIAE of this kind may use this suspension reason (the service checks it with checkSuspension). */
export function suspensionReasonAllowed(reason: string, siaeKind: SiaeKind): boolean {
  if (!(reason in SUSPENSION_REASONS)) return false;
  const kinds = SUSPENSION_REASON_SIAE_KINDS[reason];
  return kinds === undefined || kinds.includes(siaeKind);
}

/** Suspension.MAX_DURATION_MONTHS: one suspension lasts at most 36 months (any number may follow). */
export const SUSPENSION_MAX_MONTHS = 36;
/** Suspension.MAX_RETROACTIVITY_DURATION_DAYS: a suspension starts at most 365 days before today. */
export const SUSPENSION_MAX_BACKDATE_DAYS = 365;

/**
 * Prolongation reasons (itou ProlongationReason) with their limits in days. itou keeps one limit per
 * reason, cumulative over the PASS (CommonProlongation.MAX_CUMULATIVE_DURATION: 10, 2, 3, 5 and 3
 * years of 365 days); PARTICULAR_DIFFICULTIES is moreover granted by periods of 12 months
 * (itou's earlier Prolongation.get_max_end_at: « 12 months renewable up to 3 years ») and only in AI
 * and ACI (ProlongationReason.for_siae, CommonProlongation.clean). HEALTH_CONTEXT (Covid) is closed
 * since 1 December 2021 and is left out, so it is refused as unknown.
 */
export const PROLONGATION_REASONS: Record<
  string,
  { label: string; maxDays: number; siaeKinds: readonly SiaeKind[] | null; maxCumulativeDays?: number }
> = {
  COMPLETE_TRAINING: { label: 'Fin d’une formation', maxDays: 730, siaeKinds: null, maxCumulativeDays: 730 },
  RQTH: {
    label: 'RQTH - Reconnaissance de la qualité de travailleur handicapé',
    maxDays: 1095,
    siaeKinds: null,
    maxCumulativeDays: 1095,
  },
  SENIOR: { label: '50 ans et plus', maxDays: 1825, siaeKinds: null, maxCumulativeDays: 1825 },
  PARTICULAR_DIFFICULTIES: {
    label:
      'Difficultés particulièrement importantes dont l’absence de prise en charge ferait obstacle à son insertion professionnelle',
    maxDays: 365,
    siaeKinds: ['AI', 'ACI'],
    maxCumulativeDays: 1095,
  },
  SENIOR_CDI: {
    label: 'CDI conclu avec une personne de plus de 57 ans',
    maxDays: 3650,
    siaeKinds: null,
    maxCumulativeDays: 3650,
  },
};

/** An inclusive period of days. */
export interface Period {
  startOn: string;
  endOn: string;
}
export interface ApprovalFacts {
  startOn: string;
  baseEndOn: string;
  suspensions: readonly Period[];
  prolongations: readonly Period[];
}

/** Approval.get_default_end_date: start + 2 years - 1 day (2026-03-01 → 2028-02-29). */
export function approvalBaseEnd(startOn: string): string {
  return addDays(addYears(startOn, APPROVAL_YEARS), -1);
}

/**
 * End date moved by every suspension's length and every prolongation: the PASS's effective end.
 * itou pushes `end_at` with database triggers (Suspension and Prolongation `update_approval_end_at`);
 * here it is computed from the facts, never stored. A period's length counts both its dates: a
 * prolongation starts the day after the current end (see checkProlongation), so the PASS then ends
 * on the prolongation's end date, as in itou. For a suspension the length is also inclusive (a
 * suspension of 1 to 10 March gives back 10 days); itou's trigger adds `end_at - start_at`, one day
 * less: a deliberate difference, the suspended days being those the person could not use.
 */
export function approvalEndOn(a: ApprovalFacts): string {
  let days = 0;
  for (const s of a.suspensions) days += Math.max(0, inclusiveDays(s.startOn, s.endOn));
  for (const p of a.prolongations) days += Math.max(0, inclusiveDays(p.startOn, p.endOn));
  return addDays(a.baseEndOn, days);
}

export type ApprovalStatus = 'future' | 'valid' | 'suspended' | 'expired';
/** itou ApprovalStatus labels. */
export const APPROVAL_STATUS_LABELS: Record<ApprovalStatus, string> = {
  future: 'Valide (non démarré)',
  valid: 'Valide',
  suspended: 'Valide (suspendu)',
  expired: 'Expiré',
};

/**
 * The status on `today`, computed, never stored (CommonApprovalMixin.state): expired after the
 * effective end; future before the start; suspended on a day a suspension covers; valid otherwise.
 */
export function approvalStatus(a: ApprovalFacts, today: string): ApprovalStatus {
  if (compare(today, approvalEndOn(a)) > 0) return 'expired';
  if (compare(today, a.startOn) < 0) return 'future';
  if (a.suspensions.some((s) => within(today, s.startOn, s.endOn))) return 'suspended';
  return 'valid';
}

/**
 * Waiting period: 2 years after a PASS ends, no new PASS unless an authorised prescriber made a
 * diagnosis after that end. Returns the last day of the waiting period (CommonApprovalMixin
 * .waiting_period_end = end + 2 years; is_in_waiting_period is end < today <= that day).
 */
export function waitingPeriodEndsOn(lastEndOn: string): string {
  return addYears(lastEndOn, WAITING_YEARS);
}

export function inWaitingPeriod(lastEndOn: string, today: string): boolean {
  return compare(lastEndOn, today) < 0 && compare(today, waitingPeriodEndsOn(lastEndOn)) <= 0;
}

/**
 * Whether a new PASS may be issued on `today` after a PASS that ended on `lastEndOn`: outside the
 * waiting period always; inside it only on a diagnosis by an authorised prescriber made after that
 * end (itou: « Le prescripteur a dérogé au délai de carence »). `lastEndOn` null: no previous PASS.
 */
export function newApprovalAllowed(
  lastEndOn: string | null,
  today: string,
  diagnosis: { author: 'prescriber' | 'siae'; madeOn: string } | null,
): boolean {
  if (lastEndOn === null || !inWaitingPeriod(lastEndOn, today)) return true;
  return diagnosis !== null && diagnosis.author === 'prescriber' && compare(diagnosis.madeOn, lastEndOn) > 0;
}

export interface RuleProblem {
  field: string;
  message: string;
}

/** Suspension.get_max_end_at: start + 36 months - 1 day. */
export function suspensionMaxEndOn(startOn: string): string {
  return addDays(addMonths(startOn, SUSPENSION_MAX_MONTHS), -1);
}

/**
 * A new suspension of the PASS (Suspension.clean and its constraints): reason known; endOn >=
 * startOn (one day is the minimum); at most 36 months; startOn within the PASS (its start to its
 * current effective end); startOn no earlier than today - 365 days and no later than today (itou's
 * `suspension_cannot_start_in_the_future` constraint); no overlap with the PASS's other suspensions
 * (itou's `exclude_overlapping_suspensions`). To check an edited suspension, pass facts without it.
 * Whether the SIAE's kind may use the reason is suspensionReasonAllowed.
 */
export function checkSuspension(
  a: ApprovalFacts,
  s: { startOn: string; endOn: string; reason: string },
  today: string,
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!(s.reason in SUSPENSION_REASONS)) {
    problems.push({ field: 'reason', message: 'Motif de suspension inconnu.' });
  }
  if (compare(s.endOn, s.startOn) < 0) {
    problems.push({
      field: 'endOn',
      message: 'La date de fin doit être postérieure ou égale à la date de début.',
    });
  } else {
    const maxEnd = suspensionMaxEndOn(s.startOn);
    if (compare(s.endOn, maxEnd) > 0) {
      problems.push({
        field: 'endOn',
        message: `La durée d’une suspension ne peut excéder ${SUSPENSION_MAX_MONTHS} mois. Date de fin maximum : ${formatDate(maxEnd)}.`,
      });
    }
  }
  const end = approvalEndOn(a);
  if (!within(s.startOn, a.startOn, end)) {
    problems.push({
      field: 'startOn',
      message: `La suspension ne peut pas commencer en dehors du PASS IAE (du ${formatDate(a.startOn)} au ${formatDate(end)}).`,
    });
  }
  const earliest = addDays(today, -SUSPENSION_MAX_BACKDATE_DAYS);
  if (compare(s.startOn, earliest) < 0) {
    problems.push({
      field: 'startOn',
      message: `Une suspension ne peut pas commencer plus de ${SUSPENSION_MAX_BACKDATE_DAYS} jours avant aujourd’hui. Date de début minimum : ${formatDate(earliest)}.`,
    });
  }
  if (compare(s.startOn, today) > 0) {
    problems.push({ field: 'startOn', message: 'Une suspension ne peut pas commencer dans le futur.' });
  }
  const overlap = a.suspensions.find(
    (o) => compare(o.startOn, s.endOn) <= 0 && compare(s.startOn, o.endOn) <= 0,
  );
  if (overlap) {
    problems.push({
      field: 'startOn',
      message: `La période chevauche une suspension existante de ce PASS IAE (du ${formatDate(overlap.startOn)} au ${formatDate(overlap.endOn)}).`,
    });
  }
  return problems;
}

/**
 * A new prolongation (CommonProlongation.clean and get_max_end_at): reason known and allowed for
 * the SIAE kind; startOn must be the day after the current effective end (itou: the prolongation
 * starts on the PASS's `end_at`, its range [start, end) being half-open; with inclusive periods that
 * is the next day); endOn >= startOn; length <= maxDays; the reason's cumulative limit over the PASS,
 * counting `ctx.previous` (the PASS's earlier prolongations with their reasons) plus this one.
 */
export function checkProlongation(
  a: ApprovalFacts,
  p: { startOn: string; endOn: string; reason: string },
  ctx: { siaeKind: SiaeKind; previous: readonly { reason: string; startOn: string; endOn: string }[] },
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const rule = PROLONGATION_REASONS[p.reason];
  if (!rule) {
    problems.push({ field: 'reason', message: 'Motif de prolongation inconnu.' });
  } else if (rule.siaeKinds !== null && !rule.siaeKinds.includes(ctx.siaeKind)) {
    problems.push({
      field: 'reason',
      message: `Le motif « ${rule.label} » est réservé aux ${rule.siaeKinds.join(' et ')}.`,
    });
  }
  const expectedStart = addDays(approvalEndOn(a), 1);
  if (p.startOn !== expectedStart) {
    problems.push({
      field: 'startOn',
      message: `La prolongation doit commencer le lendemain de la fin du PASS IAE, le ${formatDate(expectedStart)}.`,
    });
  }
  if (compare(p.endOn, p.startOn) < 0) {
    problems.push({ field: 'endOn', message: 'La durée minimale d’une prolongation est d’un jour.' });
    return problems;
  }
  if (!rule) return problems;
  const days = inclusiveDays(p.startOn, p.endOn);
  if (days > rule.maxDays) {
    problems.push({
      field: 'endOn',
      message: `La durée est trop longue pour le motif « ${rule.label} » : ${rule.maxDays} jours au plus. Date de fin maximum : ${formatDate(addDays(p.startOn, rule.maxDays - 1))}.`,
    });
  }
  if (rule.maxCumulativeDays !== undefined) {
    const used = ctx.previous
      .filter((q) => q.reason === p.reason)
      .reduce((sum, q) => sum + Math.max(0, inclusiveDays(q.startOn, q.endOn)), 0);
    if (used + days > rule.maxCumulativeDays) {
      problems.push({
        field: 'endOn',
        message: `Les prolongations pour le motif « ${rule.label} » ne peuvent pas dépasser ${rule.maxCumulativeDays} jours au total (${used} déjà accordés).`,
      });
    }
  }
  return problems;
}

/**
 * A PASS IAE number: the issuer's 5-character prefix then a 7-digit sequence, 12 characters
 * (Approval.get_next_number: ASP_ITOU_PREFIX + f"{n:07d}", itou's prefix being 99999 and test
 * environments using XXXXX). approvalNumber('99999', 42) = '999990000042'.
 */
export function approvalNumber(prefix: string, sequence: number): string {
  if (!/^[0-9A-Z]{5}$/.test(prefix)) throw new RangeError(`Préfixe de PASS IAE invalide : ${prefix}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 9_999_999) {
    throw new RangeError(`Numéro de séquence hors limites (1 à 9 999 999) : ${sequence}`);
  }
  return `${prefix}${String(sequence).padStart(7, '0')}`;
}
