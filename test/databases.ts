import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { createPglite, type Db, kyselyForPglite, kyselyForPostgres } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { referentialsService } from '../src/modules/referentials/service.js';

export type Engine = 'pglite' | 'postgres';
const TEMPLATE_DIR = resolve(import.meta.dirname, '../.tmp');
const PGLITE_TEMPLATE = resolve(TEMPLATE_DIR, 'pglite-template.tar.gz');
const PG_TEMPLATE = 'passerelle_test_template';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL names a server (CI sets it). */
export function testEngines(): Engine[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

async function prepare(db: Db) {
  await migrateToLatest(db);
  await referentialsService(db).load({ quiet: true });
}

function adminUrl(database: string) {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Builds, once per test run, a migrated database holding the referentials; each test copies it. */
export async function buildTemplates() {
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  const client = await createPglite(null);
  const db = kyselyForPglite(client);
  await prepare(db);
  const dump = await client.dumpDataDir('gzip');
  writeFileSync(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
  await db.destroy();
  if (process.env.TEST_DATABASE_URL) {
    const admin = kyselyForPostgres(process.env.TEST_DATABASE_URL, 1);
    await sql`drop database if exists ${sql.id(PG_TEMPLATE)} with (force)`.execute(admin);
    await sql`create database ${sql.id(PG_TEMPLATE)}`.execute(admin);
    const tpl = kyselyForPostgres(adminUrl(PG_TEMPLATE), 1);
    await prepare(tpl);
    await tpl.destroy();
    await admin.destroy();
  }
}

let counter = 0;

/** A fresh database for one test file or suite, copied from the template (fast). */
export async function createTestDatabase(engine: Engine): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (engine === 'pglite') {
    if (!existsSync(PGLITE_TEMPLATE)) await buildTemplates();
    const blob = new Blob([readFileSync(PGLITE_TEMPLATE)]);
    const db = kyselyForPglite(await createPglite(null, blob));
    return { db, drop: () => db.destroy() };
  }
  const name = `passerelle_test_${process.pid}_${Date.now()}_${counter++}`;
  const admin = kyselyForPostgres(process.env.TEST_DATABASE_URL!, 1);
  await sql`create database ${sql.id(name)} template ${sql.id(PG_TEMPLATE)}`.execute(admin);
  const db = kyselyForPostgres(adminUrl(name), 5);
  return {
    db,
    drop: async () => {
      await db.destroy();
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}
