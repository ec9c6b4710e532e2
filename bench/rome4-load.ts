/**
 * ROME 4.0 load benchmark (npx tsx bench/rome4-load.ts), PGlite and PostgreSQL (when a server
 * answers: BENCH_DATABASE_URL, or 127.0.0.1:5432, on a throwaway database). On a freshly migrated
 * database, measures:
 * - `parse`: reading and parsing data/referentials/rome4 (10 CSV files, 11 MB);
 * - `firstLoad`: ROME 4.0 written into empty tables (the v3 trades loaded before, as the loader does);
 * - `reload`: the same data loaded again (the idempotent refresh: nothing is rewritten);
 * - `allReferentials`: the whole referential load (communes, zones, ROME v3 and 4.0, prefix indexes)
 *   on an empty database, as the test template and a first start pay it, and its reload.
 * BENCH_RUNS (3 by default) runs of each ROME 4.0 step, median and max reported. Results in
 * bench/results/rome4-load-{pglite,postgres}.json with the machine and its load (it may be shared:
 * say so with the figures).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { type Db, kyselyForPostgres } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createPglite, kyselyForPglite } from '../src/db/pglite.js';
import { upsertRome4 } from '../src/modules/referentials/rome4-repository.js';
import { ROME4_VERSION, rome4 } from '../src/modules/referentials/rome4-sources.js';
import { referentialsService } from '../src/modules/referentials/service.js';
import { romeTrades } from '../src/modules/referentials/sources.js';
import { machine, onThrowawayPostgres, percentiles } from './common.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RESULTS = resolve(import.meta.dirname, 'results');

async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: Math.round((performance.now() - started) * 10) / 10, value };
}

const stats = (values: number[]) => {
  const { p50, max } = percentiles(values);
  return { medianMs: p50, maxMs: max, runs: values };
};

/** One engine: `open` gives a new empty database each time it is called. */
async function bench(
  engine: 'pglite' | 'postgres',
  open: () => Promise<{ db: Db; drop: () => Promise<void> }>,
) {
  const parse: number[] = [];
  const firstLoad: number[] = [];
  const reload: number[] = [];
  let data = rome4();
  for (let run = 0; run < RUNS; run++) {
    parse.push((await timed(() => (data = rome4()))).ms);
    const { db, drop } = await open();
    try {
      await migrateToLatest(db);
      await db.insertInto('rome_trade').values(romeTrades()).execute();
      const load = () => db.transaction().execute((tx) => upsertRome4(tx, data, () => {}));
      firstLoad.push((await timed(load)).ms);
      reload.push((await timed(load)).ms);
    } finally {
      await drop();
    }
    console.log(
      `  ${engine} run ${run + 1}/${RUNS}: parse ${parse.at(-1)} ms, first load ${firstLoad.at(-1)} ms, reload ${reload.at(-1)} ms`,
    );
  }
  const { db, drop } = await open();
  let all: { firstMs: number; reloadMs: number };
  let counts: Record<string, number>;
  try {
    await migrateToLatest(db);
    const service = referentialsService(db, { cacheSize: 0 });
    const first = await timed(() => service.load({ quiet: true }));
    const again = await timed(() => service.load({ quiet: true }));
    all = { firstMs: first.ms, reloadMs: again.ms };
    counts = (
      await sql<Record<string, number>>`
        select (select count(*)::int from rome_metier) as metiers,
          (select count(*)::int from rome_skill) as skills,
          (select count(*)::int from rome_metier_skill) as "metierSkills",
          (select count(*)::int from rome_mobility) as mobility,
          (select count(*)::int from rome_metier_work_context) as "metierWorkContexts",
          (select count(*)::int from rome_appellation where metier_code is not null) as "appellationsWithMetier"`.execute(
        db,
      )
    ).rows[0]!;
  } finally {
    await drop();
  }
  const result = {
    name: `rome4-load-${engine}`,
    date: new Date().toISOString(),
    machine: machine(),
    rome4Version: ROME4_VERSION,
    rows: counts,
    rome4: { parse: stats(parse), firstLoad: stats(firstLoad), reload: stats(reload) },
    allReferentials: all,
    note: 'firstLoad : ROME 4.0 dans des tables vides (une instruction unnest par table, une transaction) ; reload : le même chargement relancé (rien n’est réécrit) ; allReferentials : tout le chargement des référentiels (communes, zones, ROME v3 et 4.0, index de préfixes) sur une base vide puis relancé.',
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(resolve(RESULTS, `${result.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ engine, rome4: result.rome4, allReferentials: all }, null, 2));
}

await bench('pglite', async () => {
  const db = kyselyForPglite(await createPglite(null));
  return { db, drop: () => db.destroy() };
});

let counter = 0;
const ran = await onThrowawayPostgres('passerelle_bench_rome4_admin', async (env) => {
  // onThrowawayPostgres gives one database; each run needs an empty one, created beside it.
  const admin = kyselyForPostgres(env.DATABASE_URL!, 1);
  try {
    await bench('postgres', async () => {
      const name = `passerelle_bench_rome4_${process.pid}_${counter++}`;
      await sql`create database ${sql.id(name)}`.execute(admin);
      const url = new URL(env.DATABASE_URL!);
      url.pathname = `/${name}`;
      const db = kyselyForPostgres(url.toString(), 2);
      return {
        db,
        drop: async () => {
          await db.destroy();
          await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
        },
      };
    });
  } finally {
    await admin.destroy();
  }
});
if (!ran) console.log('PostgreSQL : aucun serveur (BENCH_DATABASE_URL ou 127.0.0.1:5432), mesure sautée.');
