import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

// A hash verified when the e-mail is unknown, so that response time does not reveal which accounts exist.
let dummyHash: Promise<string> | null = null;
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('compte-inexistant');
    await argon2.verify(await dummyHash, password);
    return false;
  }
  return argon2.verify(hash, password);
}

/** CNIL recommendation (délibération 2022-100): 12 characters at least, with upper and lower case, a digit and a symbol. */
export function passwordWeakness(password: string): string | null {
  if (password.length < 12) return 'Le mot de passe doit contenir au moins 12 caractères.';
  if (password.length > 200) return 'Le mot de passe ne doit pas dépasser 200 caractères.';
  if (
    !/[a-z]/.test(password) ||
    !/[A-Z]/.test(password) ||
    !/\d/.test(password) ||
    !/[^A-Za-z0-9]/.test(password)
  ) {
    return 'Le mot de passe doit mêler majuscules, minuscules, chiffres et caractères spéciaux.';
  }
  return null;
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function sign(secret: string, ...parts: string[]) {
  return createHmac('sha256', secret).update(parts.join('|')).digest('base64url');
}

/**
 * A signed, expiring link token for password set/reset. It embeds no state: it is bound to the
 * user's current password hash, so it stops working as soon as the password changes (single use).
 */
export function signPasswordLink(
  secret: string,
  userId: string,
  passwordHash: string | null,
  ttlSeconds: number,
  now = Date.now(),
) {
  const exp = Math.floor(now / 1000) + ttlSeconds;
  const payload = Buffer.from(`${userId}.${exp}`).toString('base64url');
  return `${payload}.${sign(secret, 'password', userId, String(exp), passwordHash ?? '')}`;
}

export function readPasswordLink(token: string): { userId: string; exp: number } | null {
  const [payload] = token.split('.');
  if (!payload) return null;
  const [userId, exp] = Buffer.from(payload, 'base64url').toString().split('.');
  if (!userId || !exp || !/^\d+$/.test(exp)) return null;
  return { userId, exp: Number(exp) };
}

export function verifyPasswordLink(
  secret: string,
  token: string,
  passwordHash: string | null,
  now = Date.now(),
): boolean {
  const parsed = readPasswordLink(token);
  const signature = token.split('.')[1];
  if (!parsed || !signature) return false;
  if (parsed.exp * 1000 < now) return false;
  const expected = Buffer.from(
    sign(secret, 'password', parsed.userId, String(parsed.exp), passwordHash ?? ''),
  );
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
