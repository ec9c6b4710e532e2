import { invalid } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { isCalendarDate } from './dates.js';
import { COMMENT_MAX } from './rules.js';

/** The module's input fields (orientations, timeline, IAE): each refused with a 400 naming it. */
export const isDate = (v: unknown): v is string => typeof v === 'string' && isCalendarDate(v);

/** A date field of the input: 400 naming the field when absent or not a calendar day. */
export function dateField(field: string, value: unknown, what: string): string {
  if (!isDate(value)) throw invalid(field, `Indiquez ${what} (AAAA-MM-JJ).`);
  return value;
}

export function idField(field: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || !value) throw invalid(field, `Indiquez ${what}.`);
  if (!isUuid(value)) throw invalid(field, `Identifiant invalide : ${what}.`);
  return value;
}

export function commentField(value: unknown, field = 'comment'): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(field, 'Le commentaire doit être un texte.');
  const text = value.trim();
  if (text.length > COMMENT_MAX)
    throw invalid(field, `Le commentaire tient en ${COMMENT_MAX} caractères au plus.`);
  return text || null;
}
