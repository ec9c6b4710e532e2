/**
 * Dates and numbers as French users read them, in ONE format across the service (issue 9 §6): a
 * day is « 4 janvier 2027 », a moment « 4 janvier 2027 à 9 h 05 » (Paris time), a number
 * « 12 345 » (narrow non-breaking space as thousands separator, comma as decimal mark). Pages call
 * these, never toLocaleString by hand; the page scan test (test/typography.test.ts) fails on a
 * date written any other way.
 */

const DAY = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const MOMENT = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'Europe/Paris',
});
const NUMBER = new Intl.NumberFormat('fr-FR');

/** What a missing value reads as in a table cell. */
export const MISSING = '—';

/** A calendar date (an ISO AAAA-MM-JJ, or a Date read at noon UTC) in words: « 4 janvier 2027 ». */
export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return '';
  const date = value instanceof Date ? value : new Date(`${value.slice(0, 10)}T12:00:00Z`);
  return Number.isNaN(date.getTime()) ? '' : DAY.format(date);
}

/** A moment, in Paris time: « 4 janvier 2027 à 9 h 05 » (the French way of writing hours). */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return MISSING;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return MISSING;
  const parts = Object.fromEntries(MOMENT.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.day} ${parts.month} ${parts.year} à ${Number(parts.hour)}\u00A0h\u00A0${parts.minute}`;
}

/** A number with French separators: « 12 345 », « 3,5 ». */
export function formatNumber(value: number, fractionDigits?: number): string {
  if (fractionDigits === undefined) return NUMBER.format(value);
  return value.toLocaleString('fr-FR', {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
}

/**
 * « 1 formation », « 2 formations », « Aucune formation »: a count with its noun agreed (French: 0
 * and 1 take the singular), held together by a no-break space so that no line starts with the noun.
 */
export function formatCount(n: number, singular: string, plural = `${singular}s`, none?: string): string {
  if (n === 0 && none) return none;
  return `${formatNumber(n)}\u00a0${n > 1 ? plural : singular}`;
}
