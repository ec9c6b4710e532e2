import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { type DatabaseTimeouts, DEFAULT_DATABASE_TIMEOUTS } from './db/types.js';

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
  /**
   * Which proxies in front of Passerelle are believed about the client's address (X-Forwarded-For):
   * none (false), a hop count, or their addresses / CIDR ranges. See parseTrustProxy.
   */
  trustProxy: TrustProxy;
  smtpUrl: string | null;
  mailFrom: string;
  /** Seed the demo region on an empty database at start. */
  seedDemo: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  /** Login attempts per client IP (every attempt counts). */
  loginRateLimit: { max: number; windowMs: number };
  /** Failed logins per account, whatever the IP (issue 8, hole 12). */
  loginAccountLimit: { max: number; windowMs: number };
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
  /**
   * A full feed whose accepted formations are fewer than this share of what it would withdraw
   * stops before withdrawing and asks for confirmation (LHEO_FULL_FEED_MIN_SHARE, 0 to 1; 0 never
   * asks): a feed that lost most of its records, or whose records are mostly refused, is far more
   * often a broken export than a catalogue halved overnight.
   */
  lheoFullFeedMinShare: number;
  /**
   * Largest offer feed (France Travail « Offres d’emploi v2 » JSON) a web or API import accepts
   * (OFFER_IMPORT_MAX_BYTES): received whole in uploadDir before its import, within uploadQuotaBytes'
   * share of the disk. The command-line import reads its file in place and has no limit.
   */
  offerImportMaxBytes: number;
  /** INSEE code of the region Passerelle serves (its departments frame the funders' reports). */
  regionCode: string;
  /**
   * Months without contact after which a person's file is erased by the purge job
   * (`npm run purge:persons`, persons/retention.ts). Default 24: the CNIL's référentiel « durées de
   * conservation » for the social and medico-social sector keeps the data of an accompanied person
   * in the active base 2 years from the last contact with them (accueil, hébergement et
   * accompagnement social et médico-social) — the closest CNIL reference to an accompaniment
   * towards employment; RGPD art. 5.1.e (storage limitation).
   */
  personRetentionMonths: number;
  /** Days before an unanswered orientation expires, with a notice to both organisations (issue 12 §1: 60). */
  orientationExpiryDays: number;
  /**
   * Map tiles of the directory's search (issue 13 §2: « tiles configurable »), a URL template with
   * {z}, {x} and {y} (e.g. https://tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png, or the IGN's Plan
   * IGN WMTS). Empty (the default): the map is drawn without a background, nothing is fetched from
   * elsewhere. Its origin is added to the pages' Content-Security-Policy img-src.
   */
  directoryMapTiles: string;
}

const SECRET_FILE = 'data/secret';

/** DIRECTORY_MAP_TILES: empty, or an https:// URL template naming {z}, {x} and {y}. */
function mapTilesVar(raw: string | undefined): string {
  const value = (raw ?? '').trim();
  if (!value) return '';
  const sample = value.replace('{z}', '1').replace('{x}', '1').replace('{y}', '1');
  if (
    !/\{z\}/.test(value) ||
    !/\{x\}/.test(value) ||
    !/\{y\}/.test(value) ||
    !URL.canParse(sample) ||
    !/^https?:$/.test(new URL(sample).protocol)
  )
    throw new Error(
      `Configuration invalide : DIRECTORY_MAP_TILES=« ${value} » ; une adresse https://…/{z}/{x}/{y}.png est attendue.`,
    );
  return value;
}

// Trusted proxies (issue 8, hole 12) -------------------------------------------------------------
export type TrustProxy = false | number | string[];

/** Names proxy-addr (Fastify's trustProxy) understands besides addresses and CIDR ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(value: string): boolean {
  if (PROXY_RANGE_NAMES.has(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: empty or `false` trusts no proxy (X-Forwarded-For is ignored); a number trusts that
 * many hops; a comma-separated list trusts those addresses or CIDR ranges. `true` (trust every hop)
 * is refused: the left-most X-Forwarded-For address is then whatever the client wrote, so rotating
 * it escaped the login throttle and forged the audit log's IP (measured in the issue 8 probes).
 * Refused rather than read as 1 hop: with two proxies in front, 1 hop would quietly give every user
 * the inner proxy's address (one shared throttle), and the operator is the only one who knows.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') {
    throw new Error(
      'TRUST_PROXY=true n’est plus accepté : toute adresse écrite par un client dans X-Forwarded-For serait crue. ' +
        'Indiquez le nombre de mandataires (reverse proxies) devant Passerelle, par exemple TRUST_PROXY=1, ' +
        'ou leurs adresses, par exemple TRUST_PROXY=10.0.0.2,192.168.0.0/16.',
    );
  }
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  const wrong = entries.filter((entry) => !isAddressOrRange(entry));
  if (wrong.length) {
    throw new Error(
      `TRUST_PROXY : « ${wrong.join(', ')} » n’est ni une adresse IP ni une plage CIDR. ` +
        'Écrivez un nombre de mandataires (TRUST_PROXY=1) ou une liste d’adresses séparées par des virgules (TRUST_PROXY=10.0.0.2,192.168.0.0/16).',
    );
  }
  return entries;
}

/**
 * The trust Fastify is given. A hop count becomes a function: Fastify 5 reads a bare number as
 * "trust nothing". Hop `0` is the peer that opened the connection; counting hops is only sound
 * when Passerelle cannot be reached except through those proxies (say so in the README).
 */
export function fastifyTrustProxy(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

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
  const lheoMaxBytes = numberVar(env, 'LHEO_MAX_BYTES', 512 * MIB, { min: 1024, max: 8 * 1024 * MIB });
  // Two full-size files by default: one importing while the next is received; never less than one file.
  const uploadQuotaBytes = numberVar(env, 'UPLOAD_QUOTA_BYTES', 2 * lheoMaxBytes, {
    min: lheoMaxBytes,
    max: 64 * 1024 * MIB,
  });
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
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    smtpUrl: env.SMTP_URL ?? null,
    mailFrom: env.MAIL_FROM ?? 'Passerelle <ne-pas-repondre@passerelle.localhost>',
    seedDemo: booleanVar(env, 'SEED_DEMO', database.engine === 'pglite'),
    logLevel: choiceVar(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    bodyLimitBytes: numberVar(env, 'BODY_LIMIT_BYTES', MIB, { min: 1024, max: 100 * MIB }),
    loginRateLimit: {
      max: numberVar(env, 'LOGIN_RATE_LIMIT_MAX', 10, { min: 1, max: 1_000_000 }),
      windowMs: numberVar(env, 'LOGIN_RATE_LIMIT_WINDOW_MS', 15 * 60_000, { min: 1000, max: DAY_MS }),
    },
    loginAccountLimit: {
      max: numberVar(env, 'LOGIN_ACCOUNT_LIMIT_MAX', 10, { min: 1, max: 1_000_000 }),
      windowMs: numberVar(env, 'LOGIN_ACCOUNT_LIMIT_WINDOW_MS', 15 * 60_000, { min: 1000, max: DAY_MS }),
    },
    // A session shorter than a minute could not survive the login's own redirect; a year at most.
    sessionTtlHours: numberVar(env, 'SESSION_TTL_HOURS', 12, { min: 1 / 60, max: 8760, integer: false }),
    autocompleteCacheSize: numberVar(env, 'AUTOCOMPLETE_CACHE_SIZE', 10_000, { min: 0, max: 1_000_000 }),
    searchCacheSize: numberVar(env, 'SEARCH_CACHE_SIZE', 2_000, { min: 0, max: 1_000_000 }),
    lheoMaxBytes,
    uploadDir: resolve(root, env.UPLOAD_DIR ?? 'data/uploads'),
    uploadQuotaBytes,
    lheoFullFeedMinShare: numberVar(env, 'LHEO_FULL_FEED_MIN_SHARE', 0.5, { min: 0, max: 1, integer: false }),
    // An FT offer weighs ~3 KB: 256 MiB is ~80,000 offers, a large board's daily feed; bigger feeds go by the CLI.
    offerImportMaxBytes: numberVar(env, 'OFFER_IMPORT_MAX_BYTES', 256 * MIB, {
      min: 1024,
      max: 8 * 1024 * MIB,
    }),
    regionCode,
    personRetentionMonths: numberVar(env, 'PERSON_RETENTION_MONTHS', 24, { min: 1, max: 240 }),
    orientationExpiryDays: numberVar(env, 'ORIENTATION_EXPIRY_DAYS', 60, { min: 1, max: 365, integer: true }),
    directoryMapTiles: mapTilesVar(env.DIRECTORY_MAP_TILES),
  };
}
