/**
 * The directory's rules as data (issue 13).
 */

/**
 * A record not reviewed for 6 months is stale (issue 13 §5): it is flagged in search and on its
 * sheet, and its organisation is reminded to review it. DORA asks structures the same (« mettre à
 * jour vos services tous les 6 mois »).
 */
export const STALE_AFTER_MONTHS = 6;

/** An organisation is reminded of its stale records at most once in this many days. */
export const REVIEW_REMINDER_EVERY_DAYS = 30;

/** The ISO date before which a record is stale, on `today`. */
export function staleBefore(today: string): string {
  const d = new Date(`${today}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - STALE_AFTER_MONTHS);
  // 31 August minus 6 months is the last day of February, not 3 March.
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
}

export const isStale = (dateMaj: string, today: string): boolean => dateMaj < staleBefore(today);

/** The default and the limits of the search radius, in km (issue 13 §2: « around a commune (radius) »). */
export const RADIUS_KM = { default: 20, min: 1, max: 200 } as const;
