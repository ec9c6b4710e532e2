/** Canonical textual UUID (any version): path parameters and ids carried in links. */
export const isUuid = (value: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** A French department code: 01-95, 2A/2B, 971-976. */
export const isDepartmentCode = (value: string) => /^(\d{2,3}|2[AB])$/.test(value);

/** The e-mail shape forms check before the service (name@domain.tld). */
export const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

/**
 * An ISO calendar date (AAAA-MM-JJ) that exists: 2027-02-31, 0000-00-00 or 2027-13-45 are refused
 * here instead of failing in PostgreSQL ("date/time field value out of range", a 500 before issue 8).
 * Years are kept to 1900-2999: PostgreSQL has no year 0, and no date of the service (sessions,
 * audit, births) lies outside.
 */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Characters no text column can hold faithfully: NUL (PostgreSQL refuses it in text and jsonb, a
 * 500 in 18 places before issue 8), the other C0 controls but tab and line breaks (invisible, they
 * only serve to forge logs and CSV), and lone UTF-16 surrogates (encoded as U+FFFD, so the stored
 * text would differ from the one sent).
 */
const UNSTORABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const hasUnstorableCharacter = (value: string) => UNSTORABLE.test(value);
