/**
 * Training catalogue benchmarks (part of npm run bench): import of a generated LHÉO feed
 * (BENCH_SESSIONS, 200,000 by default) with its peak RSS, then mixed searches (text + radius +
 * filters) by 50 concurrent clients, and the same queries against an in-process MiniSearch index
 * built from the same rows (p95 ratio, overlap of the top 10). PGlite, and PostgreSQL when a server
 * answers. Results in bench/results/trainings-*.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Faker, fr } from '@faker-js/faker';
import { sql } from 'kysely';
import MiniSearch from 'minisearch';
import { openDatabase } from '../src/db/database.js';
import {
  loadTest,
  loginCookie,
  machine,
  onThrowawayPostgres,
  percentile,
  startServer,
  stopServer,
} from './common.js';

const ROOT = resolve(import.meta.dirname, '..');
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 200_000);
const PORT = 3901;
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const IMPORT_NODE_OPTIONS = '--max-old-space-size=128';

function run(args: string[], env: Record<string, string>) {
  const started = performance.now();
  // GNU time reports the child's peak resident set size (kB) on stderr.
  const r = spawnSync('/usr/bin/time', ['-f', 'RSS_KB=%M', TSX, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} : ${r.stderr.slice(-2000)}`);
  return {
    seconds: (performance.now() - started) / 1000,
    rssMb: Math.round(Number(r.stderr.match(/RSS_KB=(\d+)/)?.[1] ?? 0) / 1024),
    out: r.stdout,
  };
}

/** Mixed prescriber queries: a trade word (sometimes misspelt), a town, a radius, sometimes a filter. */
function queries(towns: string[], n: number) {
  const f = new Faker({ locale: [fr] });
  f.seed(84);
  const words = [
    'electricien',
    'electrisien',
    'boulanger',
    'aide soignant',
    'cariste',
    'cuisinier',
    'comptable',
    'maçon',
    'vendeur',
    'soudeur',
    'mecanicien',
    'agent entretien',
    'infirmier',
    'plombier',
    'coiffure',
    'logistique',
    'secretaire',
    'jardinier',
    'developpeur',
    'assistant',
  ];
  return Array.from({ length: n }, () => {
    const q: Record<string, string> = {
      q: f.helpers.arrayElement(words),
      commune: f.helpers.arrayElement(towns),
      radiusKm: f.helpers.arrayElement(['20', '30', '50']),
    };
    const filter = f.number.int({ min: 0, max: 4 });
    if (filter === 1) q.certifying = 'true';
    if (filter === 2) q.funder = 'demandeurs';
    if (filter === 3) q.openPlaces = 'true';
    return q;
  });
}

async function benchEngine(engine: 'pglite' | 'postgres', env: Record<string, string>, feed: string) {
  console.log(`\n=== catalogue ${engine} ===`);
  run(['src/cli/load-referentials.ts'], env);
  // As `npm run import:lheo` runs it (heap capped at 128 MB).
  const imported = run(['src/cli/import-lheo.ts', feed, '--source', 'bench'], {
    ...env,
    NODE_OPTIONS: IMPORT_NODE_OPTIONS,
  });
  const actions = Number(imported.out.match(/; (\d+) actions, (\d+) sessions/)?.[1] ?? 0);
  const importResult = {
    sessions: SESSIONS,
    actions,
    fileMb: Math.round(statSync(feed).size / 1e6),
    seconds: Math.round(imported.seconds * 10) / 10,
    actionsPerSecond: Math.round(actions / imported.seconds),
    peakRssMb: imported.rssMb,
    nodeOptions: IMPORT_NODE_OPTIONS,
    note: 'Temps mesuré de bout en bout : démarrage du processus, lecture, import en une transaction, retraits, vocabulaire, VACUUM ANALYZE.',
  };
  console.log(importResult);

  // The database's own speed first (no result cache), then as users get it (cache of one minute).
  const serve = (searchCacheSize: string) =>
    startServer(PORT, { ...env, SEED_DEMO: 'true', SEARCH_CACHE_SIZE: searchCacheSize });
  let server = await serve('0');
  try {
    const cookie = await loginCookie(PORT);
    let rows: CatalogueRow[] = [];
    let towns: { code: string; lat: number; lon: number }[] = [];
    if (engine === 'postgres') {
      // (PGlite allows one process per data directory: the server holds it.)
      const handle = await openDatabase({ engine: 'postgres', url: env.DATABASE_URL! });
      ({ rows } = await sql<CatalogueRow>`
        select a.id, t.title, t.objective, t.content, a.latitude as lat, a.longitude as lon, t.certifying, a.funder_codes as funders
        from training_action a join training t on t.id = a.training_id where a.status = 'active' and t.status = 'active'`.execute(
        handle.db,
      ));
      towns = (
        await sql<
          (typeof towns)[number]
        >`select code, latitude as lat, longitude as lon from commune where region_code = '84' and population > 20000`.execute(
          handle.db,
        )
      ).rows;
      await handle.close();
    }
    const list = queries(
      towns.length
        ? towns.map((t) => t.code)
        : ['69123', '42218', '38185', '63113', '69266', '01053', '74010', '73065'],
      2000,
    );
    const paths = list.map((q) => `/api/v1/trainings?${new URLSearchParams(q)}`);
    const headers = { cookie, accept: 'application/json' };
    const search = await loadTest({ port: PORT, paths, connections: 50, headers });
    console.log('sans cache de résultats, saturation', search);
    // 50 counsellors each searching once a second: autocannon releases the 50 requests at each
    // second's tick, so this is a burst of 50 simultaneous searches every second.
    const paced = await loadTest({ port: PORT, paths, connections: 50, rate: 50, headers });
    console.log('sans cache de résultats, 50 recherches lâchées ensemble chaque seconde', paced);

    // Same queries one at a time, for the comparison with MiniSearch (which runs in-process).
    const dbTimes: number[] = [];
    const dbTop = new Map<number, string[]>();
    for (let k = 0; k < 200; k++) {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${PORT}${paths[k]}&perPage=10`, {
        headers: { cookie, accept: 'application/json' },
      });
      const body = (await res.json()) as { items: { actionId: string }[] };
      dbTimes.push(performance.now() - t0);
      dbTop.set(
        k,
        body.items.map((x) => x.actionId),
      );
    }
    let comparison: object = { skipped: 'lignes lues sur PostgreSQL seulement (même catalogue généré)' };
    if (rows.length) {
      const started = performance.now();
      const index = new MiniSearch({
        fields: ['title', 'objective', 'content'],
        storeFields: ['lat', 'lon', 'certifying', 'funders'],
        searchOptions: { boost: { title: 3, objective: 1.5 }, fuzzy: 0.2, prefix: true, combineWith: 'AND' },
      });
      index.addAll(rows);
      const buildSeconds = (performance.now() - started) / 1000;
      const townPoint = new Map(towns.map((t) => [t.code, t]));
      const rad = Math.PI / 180;
      const km = (a: number, b: number, c: number, d: number) =>
        6371 *
        Math.acos(
          Math.min(
            1,
            Math.sin(a * rad) * Math.sin(c * rad) +
              Math.cos(a * rad) * Math.cos(c * rad) * Math.cos((b - d) * rad),
          ),
        );
      const msTimes: number[] = [];
      const overlaps: number[] = [];
      for (let k = 0; k < 200; k++) {
        const q = list[k]!;
        const town = townPoint.get(q.commune!)!;
        const t0 = performance.now();
        const hits = index.search(q.q!, {
          filter: (r) =>
            r.lat !== null &&
            km(town.lat, town.lon, r.lat, r.lon) <= Number(q.radiusKm) &&
            (q.certifying !== 'true' || r.certifying) &&
            (q.funder !== 'demandeurs' ||
              (r.funders as string[]).some((f) => ['2', '4', '7', '11'].includes(f))),
        });
        msTimes.push(performance.now() - t0);
        const top = hits.slice(0, 10).map((h) => String(h.id));
        const db = dbTop.get(k) ?? [];
        if (db.length || top.length)
          overlaps.push(
            top.filter((id) => db.includes(id)).length /
              Math.max(1, Math.min(10, Math.max(db.length, top.length))),
          );
      }
      comparison = {
        rows: rows.length,
        minisearchBuildSeconds: Math.round(buildSeconds * 10) / 10,
        minisearchP50: percentile(msTimes, 50),
        minisearchP95: percentile(msTimes, 95),
        databaseSequentialP50: percentile(dbTimes, 50),
        databaseSequentialP95: percentile(dbTimes, 95),
        p95RatioDatabaseOverMiniSearch:
          Math.round((percentile(dbTimes, 95) / Math.max(0.01, percentile(msTimes, 95))) * 100) / 100,
        meanTop10Overlap:
          Math.round((overlaps.reduce((a, b) => a + b, 0) / Math.max(1, overlaps.length)) * 100) / 100,
        note: 'MiniSearch en mémoire du processus (sans HTTP) ; base interrogée par HTTP, une requête à la fois, mêmes 200 requêtes.',
      };
    }
    console.log(comparison);
    await stopServer(server);
    server = await serve('2000');
    const cachedSearch = await loadTest({
      port: PORT,
      paths,
      connections: 50,
      headers: { cookie: await loginCookie(PORT), accept: 'application/json' },
    });
    console.log('avec le cache de résultats (1 min)', cachedSearch);
    mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(
      resolve(ROOT, `bench/results/trainings-${engine}.json`),
      `${JSON.stringify({ name: `trainings-${engine}`, date: new Date().toISOString(), machine: machine(), import: importResult, search: { ...search, pace: 'au plus vite (saturation)', resultCache: 'désactivé (SEARCH_CACHE_SIZE=0) : mesure de la base' }, searchPaced: { ...paced, pace: '50 requêtes/s, lâchées ensemble à chaque seconde', resultCache: 'désactivé' }, searchWithResultCache: { ...cachedSearch, pace: 'au plus vite (saturation)', resultCache: 'SEARCH_CACHE_SIZE=2000, une minute' }, comparison, queries: 'bench/trainings.ts queries(), graine 84' }, null, 2)}\n`,
    );
  } finally {
    await stopServer(server);
  }
}

interface CatalogueRow {
  id: string;
  title: string;
  objective: string;
  content: string;
  lat: number | null;
  lon: number | null;
  certifying: boolean;
  funders: string[];
}
const work = mkdtempSync(join(tmpdir(), 'passerelle-catalogue-'));
const feed = join(work, 'flux.xml');
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
try {
  const genDir = join(work, 'gen');
  run(
    [
      'src/cli/generate-lheo.ts',
      '--sessions',
      String(SESSIONS),
      '--out',
      feed,
      '--seed',
      '84',
      '--today',
      '2026-11-23',
    ],
    { PGLITE_DIR: genDir, DATABASE_URL: '' },
  );
  console.log(`Flux généré : ${SESSIONS} sessions, ${Math.round(statSync(feed).size / 1e6)} Mo`);
  if (engines.includes('pglite'))
    await benchEngine('pglite', { PGLITE_DIR: join(work, 'pglite'), DATABASE_URL: '' }, feed);
  if (engines.includes('postgres'))
    await onThrowawayPostgres('passerelle_bench_catalogue', (env) => benchEngine('postgres', env, feed));
} finally {
  rmSync(work, { recursive: true, force: true });
}
