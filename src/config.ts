import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type DatabaseConfig =
  | { engine: 'pglite'; dataDir: string | null }
  | { engine: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  /** Absolute URL users reach the service at; used in e-mailed links. */
  publicUrl: string;
  database: DatabaseConfig;
  /** HMAC secret for cookies and password-reset links. */
  secret: string;
  /** Set cookies with Secure and the __Host- prefix (behind TLS). */
  secureCookies: boolean;
  trustProxy: boolean;
  smtpUrl: string | null;
  mailFrom: string;
  /** Seed the demo region on an empty database at start. */
  seedDemo: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  loginRateLimit: { max: number; windowMs: number };
  sessionTtlHours: number;
  /** Autocomplete results kept in memory (0 disables the cache, e.g. to measure the database). */
  autocompleteCacheSize: number;
  /**
   * Catalogue search results kept in memory for a minute, emptied by every change of the
   * catalogue made through this process (0 disables it, e.g. to measure the database).
   */
  searchCacheSize: number;
  /** Largest LHÉO file an import accepts (CLI, upload, API). */
  lheoMaxBytes: number;
  /** Where an uploaded LHÉO file is received whole before its import (a cut transfer imports nothing). */
  uploadDir: string;
  /**
   * Room for the uploads being received or imported at once, all together (at least one file of
   * lheoMaxBytes): past it an upload is refused with 507 until the running imports end.
   */
  uploadQuotaBytes: number;
  /** INSEE code of the region Passerelle serves (its departments frame the funders' reports). */
  regionCode: string;
}

const SECRET_FILE = 'data/secret';

/** The embedded mode keeps a generated secret under ./data so sessions survive restarts. */
function embeddedSecret(root: string): string {
  const file = resolve(root, SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Config {
  const port = Number(env.PORT ?? 3000);
  const databaseUrl = env.DATABASE_URL?.trim();
  const database: DatabaseConfig = databaseUrl
    ? { engine: 'postgres', url: databaseUrl }
    : { engine: 'pglite', dataDir: resolve(root, env.PGLITE_DIR ?? 'data/pglite') };
  const secret = env.SESSION_SECRET ?? (database.engine === 'pglite' ? embeddedSecret(root) : undefined);
  if (!secret || secret.length < 32) {
    throw new Error('SESSION_SECRET doit être défini (32 caractères au moins) avec DATABASE_URL.');
  }
  const lheoMaxBytes = Number(env.LHEO_MAX_BYTES ?? 512 * 1024 * 1024);
  // Two full-size files by default: one importing while the next is received.
  const uploadQuotaBytes = Number(env.UPLOAD_QUOTA_BYTES ?? 2 * lheoMaxBytes);
  if (!Number.isSafeInteger(lheoMaxBytes) || lheoMaxBytes < 1)
    throw new Error('LHEO_MAX_BYTES doit être un nombre entier d’octets positif.');
  if (!Number.isSafeInteger(uploadQuotaBytes) || uploadQuotaBytes < lheoMaxBytes)
    throw new Error(
      'UPLOAD_QUOTA_BYTES doit être un nombre entier d’octets, au moins égal à LHEO_MAX_BYTES (un fichier entier).',
    );
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    publicUrl,
    database,
    secret,
    secureCookies: env.SECURE_COOKIES ? env.SECURE_COOKIES === 'true' : publicUrl.startsWith('https://'),
    trustProxy: env.TRUST_PROXY === 'true',
    smtpUrl: env.SMTP_URL ?? null,
    mailFrom: env.MAIL_FROM ?? 'Passerelle <ne-pas-repondre@passerelle.localhost>',
    seedDemo: env.SEED_DEMO ? env.SEED_DEMO === 'true' : database.engine === 'pglite',
    logLevel: env.LOG_LEVEL ?? 'info',
    bodyLimitBytes: Number(env.BODY_LIMIT_BYTES ?? 1_048_576),
    loginRateLimit: {
      max: Number(env.LOGIN_RATE_LIMIT_MAX ?? 10),
      windowMs: Number(env.LOGIN_RATE_LIMIT_WINDOW_MS ?? 15 * 60_000),
    },
    sessionTtlHours: Number(env.SESSION_TTL_HOURS ?? 12),
    autocompleteCacheSize: Number(env.AUTOCOMPLETE_CACHE_SIZE ?? 10_000),
    searchCacheSize: Number(env.SEARCH_CACHE_SIZE ?? 2_000),
    lheoMaxBytes,
    uploadDir: resolve(root, env.UPLOAD_DIR ?? 'data/uploads'),
    uploadQuotaBytes,
    regionCode: env.REGION_CODE ?? '84',
  };
}
