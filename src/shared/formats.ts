/** Canonical textual UUID (any version): path parameters and ids carried in links. */
export const isUuid = (value: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** A French department code: 01-95, 2A/2B, 971-976. */
export const isDepartmentCode = (value: string) => /^(\d{2,3}|2[AB])$/.test(value);

/** The e-mail shape forms check before the service (name@domain.tld). */
export const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
