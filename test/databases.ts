import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { type Db, kyselyForPostgres } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createPglite, kyselyForPglite } from '../src/db/pglite.js';
import { seedDemoRegion } from '../src/demo.js';
import { referentialsService } from '../src/modules/referentials/service.js';

export type Engine = 'pglite' | 'postgres';
const TEMPLATE_DIR = resolve(import.meta.dirname, '../.tmp');
const PGLITE_TEMPLATE = resolve(TEMPLATE_DIR, 'pglite-template.tar.gz');
const PGLITE_DEMO_TEMPLATE = resolve(TEMPLATE_DIR, 'pglite-template-demo.tar.gz');
// TEST_TEMPLATE_SUFFIX keeps the templates of two checkouts testing on one server apart (a run drops and rebuilds them).
const PG_TEMPLATE = `passerelle_test_template${process.env.TEST_TEMPLATE_SUFFIX ?? ''}`;
const PG_DEMO_TEMPLATE = `passerelle_test_template_demo${process.env.TEST_TEMPLATE_SUFFIX ?? ''}`;

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

/**
 * Builds, once per test run, two databases each test copies: migrated with the referentials, and
 * the same with the demo region and its catalogue (seeding it for every suite would be slow).
 */
export async function buildTemplates() {
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  const client = await createPglite(null);
  const db = kyselyForPglite(client);
  await prepare(db);
  writeFileSync(PGLITE_TEMPLATE, Buffer.from(await (await client.dumpDataDir('gzip')).arrayBuffer()));
  await seedDemoRegion(db, () => {});
  writeFileSync(PGLITE_DEMO_TEMPLATE, Buffer.from(await (await client.dumpDataDir('gzip')).arrayBuffer()));
  await db.destroy();
  if (process.env.TEST_DATABASE_URL) {
    const admin = kyselyForPostgres(process.env.TEST_DATABASE_URL, 1);
    for (const name of [PG_DEMO_TEMPLATE, PG_TEMPLATE])
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
    await sql`create database ${sql.id(PG_TEMPLATE)}`.execute(admin);
    const tpl = kyselyForPostgres(adminUrl(PG_TEMPLATE), 1);
    await prepare(tpl);
    await tpl.destroy();
    await sql`create database ${sql.id(PG_DEMO_TEMPLATE)} template ${sql.id(PG_TEMPLATE)}`.execute(admin);
    const demo = kyselyForPostgres(adminUrl(PG_DEMO_TEMPLATE), 1);
    await seedDemoRegion(demo, () => {});
    await demo.destroy();
    await admin.destroy();
  }
}

let counter = 0;

/** A fresh database for one test file or suite, copied from the template (fast). */
export async function createTestDatabase(
  engine: Engine,
  options: { demo?: boolean } = {},
): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (engine === 'pglite') {
    if (!existsSync(PGLITE_DEMO_TEMPLATE)) await buildTemplates();
    const blob = new Blob([readFileSync(options.demo ? PGLITE_DEMO_TEMPLATE : PGLITE_TEMPLATE)]);
    const db = kyselyForPglite(await createPglite(null, blob));
    return { db, drop: () => db.destroy() };
  }
  const name = `passerelle_test_${process.pid}_${Date.now()}_${counter++}`;
  const admin = kyselyForPostgres(process.env.TEST_DATABASE_URL!, 1);
  await sql`create database ${sql.id(name)} template ${sql.id(options.demo ? PG_DEMO_TEMPLATE : PG_TEMPLATE)}`.execute(
    admin,
  );
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
