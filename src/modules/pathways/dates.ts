/**
 * Calendar arithmetic on ISO dates ('YYYY-MM-DD'), pure and in UTC: the IAE rules count days and
 * months of the civil calendar, never hours, so a date never meets a time zone here (a Date built
 * from local time moves by a day around midnight, and a daylight-saving change makes a day 23 hours
 * long). Month and year arithmetic clamps to the month's end the way python-dateutil's
 * `relativedelta` does, which is what les-emplois (itou) uses for the PASS IAE: 2026-01-31 + 1 month
 * = 2026-02-28, 2024-02-29 + 1 year = 2025-02-28.
 */

const DAY_MS = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of an ISO date; throws on anything that is not a real calendar date. */
function toDayNumber(iso: string): number {
  const m = ISO.exec(iso);
  if (!m) throw new RangeError(`Date ISO attendue (AAAA-MM-JJ) : ${iso}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC maps years 0-99 to 1900-1999 and rolls 2026-02-31 over to March: both refused.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`Date inexistante : ${iso}`);
  }
  return Math.round(ms / DAY_MS);
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** True when `value` is an ISO date of the calendar (2026-02-29 is not one). */
export function isCalendarDate(value: string): boolean {
  try {
    toDayNumber(value);
    return true;
  } catch {
    return false;
  }
}

export function addDays(iso: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`Nombre de jours entier attendu : ${days}`);
  return fromDayNumber(toDayNumber(iso) + days);
}

/** Adds calendar months; a day the target month lacks becomes its last day (dateutil's relativedelta). */
export function addMonths(iso: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`Nombre de mois entier attendu : ${months}`);
  toDayNumber(iso); // validates
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, lastDay))}`;
}

/** Adds calendar years; 29 February becomes 28 February in a common year (dateutil's relativedelta). */
export function addYears(iso: string, years: number): string {
  if (!Number.isInteger(years)) throw new RangeError(`Nombre d’années entier attendu : ${years}`);
  return addMonths(iso, years * 12);
}

/** Signed number of days from `from` to `to`: daysBetween('2026-01-01', '2026-01-31') = 30. */
export function daysBetween(from: string, to: string): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** -1, 0 or 1, for sorting and comparisons (ISO dates also compare as strings; this one validates). */
export function compare(a: string, b: string): -1 | 0 | 1 {
  const d = toDayNumber(a) - toDayNumber(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** Number of days of an inclusive period [startOn, endOn]: a period of one day lasts 1 day. */
export function inclusiveDays(startOn: string, endOn: string): number {
  return daysBetween(startOn, endOn) + 1;
}

/** True when `on` lies in the inclusive period [startOn, endOn]. */
export function within(on: string, startOn: string, endOn: string): boolean {
  return compare(startOn, on) <= 0 && compare(on, endOn) <= 0;
}

/** The later of two dates. */
export function maxDate(a: string, b: string): string {
  return compare(a, b) >= 0 ? a : b;
}
