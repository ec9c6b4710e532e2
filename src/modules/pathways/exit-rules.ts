/**
 * Exits from an IAE journey (issue 12 §5): the ASP's exit reasons grouped into the DGEFP's
 * categories, which exits count, and the « sorties dynamiques » rate. The reasons are data
 * (data/iae/exit-reasons.json, with its sources; the ASP's own RefMotifSort table can replace it).
 * The service stores the category of an exit when it is recorded, so SQL groups by it directly.
 */
import { readFileSync } from 'node:fs';
import { inclusiveDays } from './dates.js';
import type { SiaeKind } from './eligibility-rules.js';

export type ExitCategory = 'durable' | 'transition' | 'positive' | 'other' | 'withdrawn';

/** DGEFP / ASP category labels (RefCategorieSort). */
export const EXIT_CATEGORIES: Record<ExitCategory, string> = {
  durable: 'Emploi durable',
  transition: 'Emploi de transition',
  positive: 'Sortie positive',
  other: 'Autres sorties',
  withdrawn: 'Retrait des sorties constatées',
};

export interface ExitReason {
  code: string;
  label: string;
  category: ExitCategory;
  /** The ASP's motif code (RefMotifSort), when the reason has one. */
  aspCode?: string;
}

function loadReasons(): ExitReason[] {
  const file = new URL('../../../data/iae/exit-reasons.json', import.meta.url);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { reasons: ExitReason[] };
  const codes = new Set<string>();
  return data.reasons.map((r) => {
    if (!(r.category in EXIT_CATEGORIES)) throw new Error(`Catégorie de sortie inconnue : ${r.category}`);
    if (codes.has(r.code)) throw new Error(`Motif de sortie en double : ${r.code}`);
    codes.add(r.code);
    return Object.freeze({ code: r.code, label: r.label, category: r.category, aspCode: r.aspCode });
  });
}

export const EXIT_REASONS: readonly ExitReason[] = Object.freeze(loadReasons());
export const EXIT_REASON_BY_CODE: ReadonlyMap<string, ExitReason> = new Map(
  EXIT_REASONS.map((r) => [r.code, r]),
);

/** The category of an exit reason; throws on an unknown code (the service checks the code first). */
export function exitCategory(reasonCode: string): ExitCategory {
  const reason = EXIT_REASON_BY_CODE.get(reasonCode);
  if (!reason) throw new RangeError(`Motif de sortie inconnu : ${reasonCode}`);
  return reason.category;
}

/** Hours an AI or ETTI employee must have worked for the exit to count (pilotage-airflow: >= 150). */
export const AI_ETTI_MIN_HOURS = 150;
/**
 * Days of contract an ACI or EI exit needs: « a contract over 3 months » (pilotage-airflow:
 * duree_en_mois >= 3), counted here as 90 days, both ends included (hiring day and exit day, see
 * contractDays): 3 months of 30 days, the ASP's month.
 */
export const ACI_EI_MIN_CONTRACT_DAYS = 90;
/** Hours an EITI worker must have worked for the exit to count (issue 12 §5: at least one hour). */
export const EITI_MIN_HOURS = 1;

/** Days of a contract from hiring to exit, both included: the `contractDays` exitCounts expects. */
export function contractDays(hiredOn: string, exitOn: string): number {
  return inclusiveDays(hiredOn, exitOn);
}

/**
 * Counting rules (issue 12 §5, as gip-inclusion/pilotage-airflow computes the DGEFP indicator in
 * its dbt models of « sorties »): AI/ETTI exits count with >= 150 hours worked; ACI/EI with a
 * contract of at least 3 months (>= 90 days, both ends included) and some hours worked (> 0, the
 * same models require it); EITI with >= 1 hour.
 */
export function exitCounts(input: {
  siaeKind: SiaeKind;
  hoursWorked: number;
  contractDays: number;
}): boolean {
  switch (input.siaeKind) {
    case 'AI':
    case 'ETTI':
      return input.hoursWorked >= AI_ETTI_MIN_HOURS;
    case 'ACI':
    case 'EI':
      return input.contractDays >= ACI_EI_MIN_CONTRACT_DAYS && input.hoursWorked > 0;
    case 'EITI':
      return input.hoursWorked >= EITI_MIN_HOURS;
  }
}

/** The three categories that make a « sortie dynamique » (DGEFP). */
export const DYNAMIC_CATEGORIES: readonly ExitCategory[] = ['durable', 'transition', 'positive'];

/**
 * Rate over counted exits excluding `withdrawn`; null when no exit examined. A fraction between 0
 * and 1 (durable + transition + positive) / (durable + transition + positive + other): the withdrawn
 * exits (death, long leave…) are left out of both terms, as the DGEFP's « sorties constatées ».
 */
export function dynamicExitRate(counts: Partial<Record<ExitCategory, number>>): number | null {
  const dynamic = DYNAMIC_CATEGORIES.reduce((sum, c) => sum + (counts[c] ?? 0), 0);
  const examined = dynamic + (counts.other ?? 0);
  return examined === 0 ? null : dynamic / examined;
}

/** Counts < 5 hidden for privacy (statistical secrecy: a small group can point at a person). */
export const SMALL_COUNT = 5;

/** A count as it may be shown: null (hidden) when below SMALL_COUNT, zero included. */
export function shownCount(count: number): number | null {
  return count < SMALL_COUNT ? null : count;
}
