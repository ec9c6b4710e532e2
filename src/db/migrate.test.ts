import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines } from '../../test/databases.js';
import type { Db } from './database.js';
import { MigrationError, migrateToLatest, migrations, pendingMigrations } from './migrate.js';

describe.each(testEngines())('migrations on %s', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine));
  });
  afterAll(() => drop());

  it('are all applied and create the search extensions', async () => {
    expect(await pendingMigrations(db)).toEqual([]);
    const { rows } = await sql<{
      extname: string;
    }>`select extname from pg_extension order by extname`.execute(db);
    expect(rows.map((r) => r.extname)).toEqual(
      expect.arrayContaining(['cube', 'earthdistance', 'pg_trgm', 'unaccent']),
    );
    const { rows: fts } = await sql<{
      v: string;
    }>`select to_tsvector('french', f_unaccent('Électriciens du bâtiment'))::text as v`.execute(db);
    expect(fts[0]!.v).toContain("'electricien'");
  });

  it('roll back a failing migration entirely and name it', async () => {
    const broken = {
      ...migrations,
      '9999_broken': {
        up: async (tx: Db) => {
          await sql`create table broken_probe (id int)`.execute(tx);
          await sql`select * from table_that_does_not_exist`.execute(tx);
        },
      },
    };
    const error = await migrateToLatest(db, broken as typeof migrations).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migrationName).toBe('9999_broken');
    expect((error as Error).message).toContain('9999_broken');
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.tables where table_name = 'broken_probe'`.execute(
      db,
    );
    expect(rows[0]!.n).toBe(0);
    expect(await pendingMigrations(db)).toEqual([]);
  });
});
