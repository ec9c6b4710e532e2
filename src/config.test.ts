import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const base = { DATABASE_URL: 'postgres://localhost/passerelle', SESSION_SECRET: 'x'.repeat(32) };

describe('configuration checked at startup', () => {
  it('refuses a session lifetime below a minute, naming the variable in French', () => {
    // Issue 8: SESSION_TTL_HOURS=0.0001 (under a second) started, then every login answered 500.
    expect(() => loadConfig({ ...base, SESSION_TTL_HOURS: '0.0001' })).toThrow(
      /^Configuration invalide : SESSION_TTL_HOURS=« 0.0001 » ; un nombre entre/,
    );
    expect(loadConfig({ ...base, SESSION_TTL_HOURS: '0.5' }).sessionTtlHours).toBe(0.5);
  });

  it('refuses every numeric variable that is not a finite number in range', () => {
    const cases: [string, string][] = [
      ['PORT', '70000'],
      ['PORT', 'abc'],
      ['BODY_LIMIT_BYTES', 'Infinity'],
      ['BODY_LIMIT_BYTES', '1e9'],
      ['LOGIN_RATE_LIMIT_MAX', '0'],
      ['LOGIN_RATE_LIMIT_WINDOW_MS', 'NaN'],
      ['SESSION_TTL_HOURS', '-1'],
      ['AUTOCOMPLETE_CACHE_SIZE', '-5'],
      ['SEARCH_CACHE_SIZE', '1.5'],
      ['LHEO_MAX_BYTES', '10'],
      ['DB_CONNECT_TIMEOUT_MS', '-1'],
      ['DB_STATEMENT_TIMEOUT_MS', '1e3'],
      ['DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 'soon'],
    ];
    for (const [name, value] of cases)
      expect(() => loadConfig({ ...base, [name]: value }), `${name}=${value}`).toThrow(
        new RegExp(`^Configuration invalide : ${name}=« `),
      );
  });

  it('refuses malformed booleans, log level, public URL and region code', () => {
    expect(() => loadConfig({ ...base, SEED_DEMO: 'yes' })).toThrow(/SEED_DEMO/);
    expect(() => loadConfig({ ...base, SECURE_COOKIES: '1' })).toThrow(/SECURE_COOKIES/);
    expect(() => loadConfig({ ...base, LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ ...base, REGION_CODE: '8' })).toThrow(/REGION_CODE/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('reads the database timeouts, with defaults', () => {
    const config = loadConfig({ ...base, DB_STATEMENT_TIMEOUT_MS: '5000' });
    expect(config.database).toMatchObject({
      engine: 'postgres',
      timeouts: { connectMs: 5000, statementMs: 5000, idleInTransactionMs: 120_000 },
    });
    expect(loadConfig({ ...base, DB_STATEMENT_TIMEOUT_MS: '0' }).database).toMatchObject({
      timeouts: { statementMs: 0 },
    });
  });
});
