import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  engine: DatabaseConfig['engine'];
  close(): Promise<void>;
}

export const INT8_OID = 20;
export const NUMERIC_OID = 1700;
export const DATE_OID = 1082;

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
      return {
        query: (text: string, values: readonly unknown[]) =>
          values.length > 0 && PREPARABLE.test(text)
            ? client.query({
                name: `k${createHash('sha1').update(text).digest('base64url')}`,
                text,
                values: [...values],
              })
            : client.query(text, [...values]),
        release: () => client.release(),
      } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

export function kyselyForPostgres(url: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection closed by the server (restart, database dropped) must not crash the process;
  // the pool replaces it on next use (node-postgres documentation, "Pool" error event).
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') console.error(`PostgreSQL : connexion inactive perdue (${error.message})`);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.engine === 'postgres') {
    const db = kyselyForPostgres(config.url);
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  // PGlite creates its own folder but not the parents ("data/" on a fresh clone, a custom PGLITE_DIR).
  if (config.dataDir) mkdirSync(dirname(config.dataDir), { recursive: true });
  // Loaded only when used: the PGlite module alone weighs about 40 MB of memory.
  const { createPglite, kyselyForPglite } = await import('./pglite.js');
  const client = await createPglite(config.dataDir);
  const db = kyselyForPglite(client);
  return { db, engine: 'pglite', close: () => db.destroy() };
}
