import { PGlite } from '@electric-sql/pglite';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  engine: DatabaseConfig['engine'];
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Both engines must hand the same JS values to the code: int8 and numeric as numbers
// (our counts and ids stay far below 2^53), timestamps as Date.
pg.types.setTypeParser(INT8_OID, (v) => Number(v));
pg.types.setTypeParser(NUMERIC_OID, (v) => Number(v));

export const pgliteExtensions = { cube, earthdistance, pg_trgm, unaccent };

export async function createPglite(dataDir: string | null, loadDataDir?: Blob | File): Promise<PGlite> {
  return PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions: pgliteExtensions,
    parsers: { [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: (v: string) => Number(v) },
  });
}

export function kyselyForPglite(client: PGlite): Db {
  return new Kysely<Database>({ dialect: new PGliteDialect(client) });
}

export function kyselyForPostgres(url: string, max = 10): Db {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max }) }),
  });
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.engine === 'postgres') {
    const db = kyselyForPostgres(config.url);
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const client = await createPglite(config.dataDir);
  const db = kyselyForPglite(client);
  return { db, engine: 'pglite', close: () => db.destroy() };
}
