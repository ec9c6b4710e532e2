/**
 * The CTA's steering as data (issue 12 §6): the levels the dynamic-exit rates are grouped by, the
 * accord-cadre's indicators a commitment may target, and how a measure is judged against its
 * target. The exit categories and the small-count threshold are exit-rules.ts's.
 */

/** Levels of the rates (issue 12 §6: « for each SIAE, SIAE kind, basin — employment zone and department — and year »). */
export const RATE_LEVELS = {
  all: 'Ensemble',
  siae: 'Structure',
  siaeKind: 'Type de SIAE',
  zone: 'Zone d’emploi',
  department: 'Département',
} as const;
export type RateLevel = keyof typeof RATE_LEVELS;
export const rateLevels = Object.keys(RATE_LEVELS) as RateLevel[];

/** Organisation states of an orientation that still wait for an answer (rules.ts: sent, studying, on hold). */
export const WAITING_STATES = ['sent', 'studying', 'on_hold'] as const;

/** Months ahead in which a PASS IAE « ends soon » on the CTA page (issue 12 §6: PASS ending). */
export const PASS_ENDING_MONTHS = 3;

/**
 * The accord-cadre's indicators a commitment may target (issue 12 §6: « number of orientations by
 * Cap emploi, rate of dynamic exits »), each with how it is measured. All are measured within the
 * basin and the commitment's year (calendar year, as the DGEFP's annual indicators):
 * - orientations: orientations created in the year by the partner (or the partners of the kind)
 *   towards an organisation located in the basin;
 * - hires: IAE contracts started in the year in an SIAE of the basin following an orientation
 *   the partner sent (iae_contract.orientation_id);
 * - dynamic_rate_excl_aci: the dynamic-exit rate, ACI left out (the seed's headline), of the
 *   exits recorded in the basin in the year by the partner SIAE, or following the partner
 *   prescriber's orientations; shown only when at least SMALL_COUNT exits are examined;
 * - diagnoses: IAE eligibility diagnoses made in the year by the partner located in the basin.
 */
export const CTA_INDICATORS = {
  orientations: { label: 'Orientations envoyées dans l’année', unit: 'count' },
  hires: { label: 'Embauches en IAE à la suite de ses orientations', unit: 'count' },
  dynamic_rate_excl_aci: { label: 'Taux de sorties dynamiques (hors ACI)', unit: 'percent' },
  diagnoses: { label: 'Diagnostics d’éligibilité IAE réalisés', unit: 'count' },
} as const satisfies Record<string, { label: string; unit: 'count' | 'percent' }>;
export type CtaIndicator = keyof typeof CTA_INDICATORS;
export const ctaIndicators = Object.keys(CTA_INDICATORS) as CtaIndicator[];
export const isCtaIndicator = (v: string): v is CtaIndicator => Object.hasOwn(CTA_INDICATORS, v);

/**
 * Who enters the accord-cadre's targets: the Region's administrators and analysts, and the
 * platform's super-admin. The DREETS, which co-signs the accord-cadre (issue 12 §6), has no
 * organisation kind on Passerelle (identity/model.ts ORGANISATION_KINDS): its targets are entered
 * by the Region or the super-admin on its behalf.
 */
export const COMMITMENT_EDITOR_KINDS: ReadonlySet<string> = new Set(['region']);
export const COMMITMENT_EDITOR_ROLES: ReadonlySet<string> = new Set(['administrateur', 'analyste']);

export type CommitmentProgress = 'reached' | 'on_track' | 'late' | 'unmeasured';
export const COMMITMENT_PROGRESS: Record<
  CommitmentProgress,
  { label: string; badge: 'success' | 'info' | 'error' | 'warning' }
> = {
  reached: { label: 'Atteint', badge: 'success' },
  on_track: { label: 'En bonne voie', badge: 'info' },
  late: { label: 'En retard', badge: 'error' },
  unmeasured: { label: 'Non mesurable', badge: 'warning' },
};

/**
 * A measure against its target. A count is reached at the target; during the year it is on track
 * when at least the target's share of the days gone by (prorata temporis: 40 orientations a year
 * are on track with 20 at the end of June), otherwise late; a past year is reached or late. A rate
 * (in percent) is judged on its value so far: reached or late. No measure (a rate over fewer than
 * SMALL_COUNT exits): unmeasured.
 */
export function commitmentProgress(
  c: { unit: 'count' | 'percent'; target: number; measured: number | null; year: number },
  today: string,
): CommitmentProgress {
  if (c.measured === null) return 'unmeasured';
  if (c.measured >= c.target) return 'reached';
  if (c.unit === 'percent') return 'late';
  const share = yearShareElapsed(c.year, today);
  return c.measured >= c.target * share ? 'on_track' : 'late';
}

/** Share of the year `year` gone by on `today` (0 before it starts, 1 once it is over), days included. */
export function yearShareElapsed(year: number, today: string): number {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const now = Date.parse(`${today}T00:00:00Z`) + 86_400_000;
  return Math.min(1, Math.max(0, (now - start) / (end - start)));
}
