import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import type { Database } from './schema.js';
import {
  DATE_OID,
  type DatabaseTimeouts,
  type Db,
  DEFAULT_DATABASE_TIMEOUTS,
  INT8_OID,
  NUMERIC_OID,
} from './types.js';

export type { Db } from './types.js';

export interface DatabaseHandle {
  db: Db;
  engine: DatabaseConfig['engine'];
  close(): Promise<void>;
}

// Both engines must hand the same JS values to the code: int8 and numeric as numbers
// (our counts and ids stay far below 2^53), timestamps as Date, calendar dates as 'YYYY-MM-DD'
// (a Date would shift them by the time zone).
pg.types.setTypeParser(INT8_OID, (v) => Number(v));
pg.types.setTypeParser(NUMERIC_OID, (v) => Number(v));
pg.types.setTypeParser(DATE_OID, (v) => v);

const PREPARABLE = /^\s*(select|with|insert|update|delete)\b/i;

/**
 * Starts a statement whose best plan depends on its values (a search, a lookup in tables that an
 * import is filling): it is not prepared, so PostgreSQL plans it for the values of each call
 * instead of switching to a generic plan after five calls (measured on the catalogue search: a
 * generic plan scanned every action around a city, 44 requests/s instead of several hundred).
 */
export const PLANNED_PER_CALL = sql.raw('/* planned per call */ ');

/**
 * A pool whose parameterised queries run as named prepared statements, one per SQL text and
 * connection: PostgreSQL then plans them once instead of at every call. Planning was most of the
 * cost of an autocomplete query (0.8-1.7 ms planning for 0.4 ms execution, EXPLAIN ANALYZE).
 * Statements without parameters (DDL, migrations, scripts) run as before, and so do those that
 * start with PLANNED_PER_CALL.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      // A connection whose query timed out on the client side may still have that query running
      // (or a frozen socket): it is destroyed on release instead of being lent again.
      let broken = false;
      // While lent out, the connection has no 'error' listener of the pool's: one closed by the
      // server meanwhile (idle_in_transaction_session_timeout, a restart) emitted an uncaught
      // 'error' that stopped the process (seen in test/database-timeouts.test.ts). The query
      // under way fails on its own; the connection is destroyed on release.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      const run = async (query: Promise<pg.QueryResult>) => {
        try {
          return await query;
        } catch (error) {
          if (isDatabaseUnavailable(error)) broken = true;
          throw error;
        }
      };
      return {
        query: (text: string, values: readonly unknown[]) =>
          run(
            values.length > 0 && PREPARABLE.test(text)
              ? client.query({
                  name: `k${createHash('sha1').update(text).digest('base64url')}`,
                  text,
                  values: [...values],
                })
              : client.query(text, [...values]),
          ),
        release: () => {
          client.off('error', onError);
          client.release(broken || undefined);
        },
      } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/** The client-side margin after statement_timeout, for a server that cannot even cancel. */
const CLIENT_MARGIN_MS = 2_000;

/** Errors that mean the database did not answer in time or went away, not that the input was wrong. */
const UNAVAILABLE_CODES = new Set([
  '57014',
  '25P03',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);
const UNAVAILABLE_MESSAGES =
  /^(Query read timeout|timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable)$/;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return UNAVAILABLE_MESSAGES.test(error.message);
}

export function kyselyForPostgres(
  url: string,
  max = 10,
  timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS,
): Db {
  // statement_timeout and idle_in_transaction_session_timeout travel as startup options of each
  // connection (node-postgres sends them to the server); 0 leaves PostgreSQL's setting.
  const pool = new pg.Pool({
    connectionString: url,
    max,
    keepAlive: true,
    // No JIT compilation: Passerelle's statements are short, and the planner's estimates switched it
    // on for the persons list, where it cost ~17 ms of a 25 ms query (bench/persons.ts, 20,000 files;
    // p95 at 50 requests/s 2,710 ms with JIT, 216 ms without).
    options: '-c jit=off',
    ...(timeouts.connectMs > 0 ? { connectionTimeoutMillis: timeouts.connectMs } : {}),
    ...(timeouts.statementMs > 0
      ? { statement_timeout: timeouts.statementMs, query_timeout: timeouts.statementMs + CLIENT_MARGIN_MS }
      : {}),
    ...(timeouts.idleInTransactionMs > 0
      ? { idle_in_transaction_session_timeout: timeouts.idleInTransactionMs }
      : {}),
  });
  // An idle connection closed by the server (restart, database dropped) must not crash the process;
  // the pool replaces it on next use (node-postgres documentation, "Pool" error event).
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') console.error(`PostgreSQL : connexion inactive perdue (${error.message})`);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.engine === 'postgres') {
    const db = kyselyForPostgres(config.url, 10, config.timeouts);
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  // PGlite runs in this process (WASM, no network): it cannot stop answering while the process
  // lives, and a long statement blocks the event loop itself, so no timer could interrupt it; the
  // timeouts above only concern PostgreSQL.
  // One process per data directory (data-dir-lock.ts), taken before PGlite reads a byte of it; the
  // lock also creates the folder and its parents ("data/" on a fresh clone, a custom PGLITE_DIR).
  const lock = config.dataDir ? acquireDataDirLock(config.dataDir) : null;
  try {
    // Loaded only when used: the PGlite module alone weighs about 40 MB of memory.
    const { createPglite, kyselyForPglite } = await import('./pglite.js');
    const client = await createPglite(config.dataDir);
    const db = kyselyForPglite(client);
    return {
      db,
      engine: 'pglite',
      close: async () => {
        try {
          await db.destroy();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
