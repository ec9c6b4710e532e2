import { describe, expect, it } from 'vitest';
import { passwordWeakness, signPasswordLink, verifyPasswordLink } from './credentials.js';

const secret = 'x'.repeat(40);
const userId = '7f0c4a9e-3b7d-4c55-9a52-0d7f4e2f1a10';

describe('password links', () => {
  it('are valid until they expire', () => {
    const now = Date.UTC(2026, 10, 23);
    const token = signPasswordLink(secret, userId, 'hash-1', 3600, now);
    expect(verifyPasswordLink(secret, token, 'hash-1', now + 3599_000)).toBe(true);
    expect(verifyPasswordLink(secret, token, 'hash-1', now + 3601_000)).toBe(false);
  });

  it('stop working once the password has changed (single use)', () => {
    const token = signPasswordLink(secret, userId, 'hash-1', 3600);
    expect(verifyPasswordLink(secret, token, 'hash-2')).toBe(false);
  });

  it('cannot be forged or moved to another account', () => {
    const token = signPasswordLink(secret, userId, null, 3600);
    expect(verifyPasswordLink('y'.repeat(40), token, null)).toBe(false);
    const [, signature] = token.split('.');
    const other = Buffer.from(`00000000-0000-4000-8000-000000000000.${9_999_999_999}`).toString('base64url');
    expect(verifyPasswordLink(secret, `${other}.${signature}`, null)).toBe(false);
    expect(verifyPasswordLink(secret, 'garbage', null)).toBe(false);
  });
});

describe('password policy (CNIL)', () => {
  it('requires 12 characters mixing four kinds', () => {
    expect(passwordWeakness('Court1!')).toMatch(/12 caractères/);
    expect(passwordWeakness('toutenminuscules1!')).toMatch(/majuscules/);
    expect(passwordWeakness('Passerelle-Demo-2026!')).toBeNull();
  });
});
