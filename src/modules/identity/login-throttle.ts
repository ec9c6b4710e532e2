import { LRUCache } from 'lru-cache';

export interface LoginLimit {
  /** Failed logins allowed per account within the window. */
  max: number;
  windowMs: number;
}

/** Answered with 429 (its statusCode, as the per-IP limit's error), in French, with Retry-After. */
export class LoginThrottled extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      `Trop de tentatives de connexion pour ce compte : réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}, ou réinitialisez votre mot de passe.`,
    );
  }
}

/**
 * Failed logins per account, whatever the IP (issue 8, hole 12): rotating X-Forwarded-For or
 * spreading guesses over many addresses no longer buys more guesses at one password.
 *
 * Why it cannot lock a real user out for good:
 * - a fixed window from the first failure (15 min by default): the lock lifts by itself, and an
 *   attacker keeping it shut must keep failing, which the per-IP limit bounds per address;
 * - a successful password reset clears it (the e-mailed link proves the user), as does a
 *   successful login; sessions already open are never affected.
 * Only failures count, so a user logging in many times is never throttled by this limit.
 *
 * Kept in memory, like the per-IP limit: per process, forgotten at restart. Bounded in entries so
 * that guesses at random addresses cannot grow it without end.
 */
export function loginThrottle(limit: LoginLimit, now: () => number = Date.now) {
  const failures = new LRUCache<string, { count: number; until: number }>({ max: 100_000 });
  return {
    /** Seconds until the account may try again; 0 while it has failures left in its window. */
    retryAfterSeconds(account: string): number {
      const entry = failures.get(account);
      const left = entry ? entry.until - now() : 0;
      return entry && left > 0 && entry.count >= limit.max ? Math.ceil(left / 1000) : 0;
    },
    failed(account: string) {
      const entry = failures.get(account);
      if (entry && entry.until > now()) entry.count++;
      else failures.set(account, { count: 1, until: now() + limit.windowMs });
    },
    clear(account: string) {
      failures.delete(account);
    },
  };
}
