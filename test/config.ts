import type { Config } from '../src/config.js';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://passerelle.test',
    database: { engine: 'pglite', dataDir: null },
    secret: 'secret-de-test-secret-de-test-0123456789',
    secureCookies: false,
    trustProxy: false,
    smtpUrl: null,
    mailFrom: 'test@passerelle.test',
    seedDemo: false,
    logLevel: 'silent',
    bodyLimitBytes: 64 * 1024,
    loginRateLimit: { max: 10_000, windowMs: 60_000 },
    loginAccountLimit: { max: 10_000, windowMs: 60_000 },
    sessionTtlHours: 12,
    autocompleteCacheSize: 1000,
    searchCacheSize: 1000,
    lheoMaxBytes: 5 * 1024 * 1024,
    uploadDir: '.tmp/uploads',
    uploadQuotaBytes: 20 * 1024 * 1024,
    lheoFullFeedMinShare: 0.5,
    offerImportMaxBytes: 2 * 1024 * 1024,
    regionCode: '84',
    personRetentionMonths: 24,
    orientationExpiryDays: 60,
    directoryMapTiles: '',
    ...overrides,
  };
}
