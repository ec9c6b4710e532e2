import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type DatabaseTimeouts, DEFAULT_DATABASE_TIMEOUTS } from './db/database.js';

export type DatabaseConfig =
  | { engine: 'pglite'; dataDir: string | null }
  | { engine: 'postgres'; url: string; timeouts?: DatabaseTimeouts };

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

/**
 * A numeric variable, checked at startup: a value that is not a finite number in range stops the
 * start with a French message naming the variable (SESSION_TTL_HOURS=0.0001 used to start and then
 * answer 500 on every login, issue 8).
 */
function numberVar(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  range: { min: number; max: number; integer?: boolean },
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const integer = range.integer ?? true;
  const value = Number(raw);
  const shape = integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
  if (!shape.test(raw) || !Number.isFinite(value) || value < range.min || value > range.max) {
    const kind = integer ? 'un nombre entier' : 'un nombre';
    const fmt = (n: number) => n.toLocaleString('fr-FR', { maximumFractionDigits: 4 });
    throw new Error(
      `Configuration invalide : ${name}=« ${raw} » ; ${kind} entre ${fmt(range.min)} et ${fmt(range.max)} est attendu.`,
    );
  }
  return value;
}

function booleanVar(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false')
    throw new Error(`Configuration invalide : ${name}=« ${raw} » ; « true » ou « false » est attendu.`);
  return raw === 'true';
}

function choiceVar<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: T,
  choices: readonly T[],
): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw))
    throw new Error(
      `Configuration invalide : ${name}=« ${raw} » ; valeurs possibles : ${choices.join(', ')}.`,
    );
  return raw as T;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MIB = 1024 * 1024;
const DAY_MS = 86_400_000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Config {
  const port = numberVar(env, 'PORT', 3000, { min: 0, max: 65_535 });
  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error('Configuration invalide : DATABASE_URL doit commencer par postgres:// ou postgresql://.');
  const database: DatabaseConfig = databaseUrl
    ? {
        engine: 'postgres',
        url: databaseUrl,
        timeouts: {
          connectMs: numberVar(env, 'DB_CONNECT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.connectMs, {
            min: 0,
            max: 600_000,
          }),
          statementMs: numberVar(env, 'DB_STATEMENT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.statementMs, {
            min: 0,
            max: DAY_MS,
          }),
          idleInTransactionMs: numberVar(
            env,
            'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
            DEFAULT_DATABASE_TIMEOUTS.idleInTransactionMs,
            { min: 0, max: DAY_MS },
          ),
        },
      }
    : { engine: 'pglite', dataDir: resolve(root, env.PGLITE_DIR ?? 'data/pglite') };
  const secret = env.SESSION_SECRET ?? (database.engine === 'pglite' ? embeddedSecret(root) : undefined);
  if (!secret || secret.length < 32) {
    throw new Error('SESSION_SECRET doit être défini (32 caractères au moins) avec DATABASE_URL.');
  }
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  if (!URL.canParse(publicUrl) || !/^https?:$/.test(new URL(publicUrl).protocol))
    throw new Error(
      `Configuration invalide : PUBLIC_URL=« ${publicUrl} » ; une adresse http:// ou https:// est attendue.`,
    );
  const regionCode = env.REGION_CODE?.trim() || '84';
  if (!/^\d{2}$/.test(regionCode))
    throw new Error(
      `Configuration invalide : REGION_CODE=« ${regionCode} » ; un code INSEE de région (2 chiffres) est attendu.`,
    );
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    publicUrl,
    database,
    secret,
    secureCookies: booleanVar(env, 'SECURE_COOKIES', publicUrl.startsWith('https://')),
    trustProxy: env.TRUST_PROXY === 'true',
    smtpUrl: env.SMTP_URL ?? null,
    mailFrom: env.MAIL_FROM ?? 'Passerelle <ne-pas-repondre@passerelle.localhost>',
    seedDemo: booleanVar(env, 'SEED_DEMO', database.engine === 'pglite'),
    logLevel: choiceVar(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    bodyLimitBytes: numberVar(env, 'BODY_LIMIT_BYTES', MIB, { min: 1024, max: 100 * MIB }),
    loginRateLimit: {
      max: numberVar(env, 'LOGIN_RATE_LIMIT_MAX', 10, { min: 1, max: 1_000_000 }),
      windowMs: numberVar(env, 'LOGIN_RATE_LIMIT_WINDOW_MS', 15 * 60_000, { min: 1000, max: DAY_MS }),
    },
    // A session shorter than a minute could not survive the login's own redirect; a year at most.
    sessionTtlHours: numberVar(env, 'SESSION_TTL_HOURS', 12, { min: 1 / 60, max: 8760, integer: false }),
    autocompleteCacheSize: numberVar(env, 'AUTOCOMPLETE_CACHE_SIZE', 10_000, { min: 0, max: 1_000_000 }),
    searchCacheSize: numberVar(env, 'SEARCH_CACHE_SIZE', 2_000, { min: 0, max: 1_000_000 }),
    lheoMaxBytes: numberVar(env, 'LHEO_MAX_BYTES', 512 * MIB, { min: 1024, max: 8 * 1024 * MIB }),
    uploadDir: resolve(root, env.UPLOAD_DIR ?? 'data/uploads'),
    regionCode,
  };
}
