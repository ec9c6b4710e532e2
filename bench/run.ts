/**
 * npm run bench — starts the real server (child process) on a seeded database, drives it with
 * autocannon and writes bench/results/<name>.json. PGlite always; PostgreSQL when
 * BENCH_DATABASE_URL is set or a server answers on 127.0.0.1:5432.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTest, loginCookie, machine, onThrowawayPostgres, startServer, stopServer } from './common.js';
import { appellationQueries } from './queries.js';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(ROOT, 'bench/results');
const PORT = 3900;
const load = (options: Omit<Parameters<typeof loadTest>[0], 'port'>) => loadTest({ ...options, port: PORT });

function write(name: string, body: object) {
  mkdirSync(RESULTS, { recursive: true });
  const file = resolve(RESULTS, `${name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ name, date: new Date().toISOString(), machine: machine(), ...body }, null, 2)}\n`,
  );
  console.log(`→ ${file}`);
}

async function benchEngine(engine: 'pglite' | 'postgres', databaseEnv: Record<string, string>) {
  console.log(`\n=== ${engine} ===`);
  const data = { appellations: 11_061, romeTrades: 532, communes: 35_094, demoOrganisations: 41 };
  const queries = appellationQueries(5000);
  const distinct = new Set(queries.map((q) => q.toLowerCase())).size;
  const paths = queries.map((q) => `/api/v1/referentials/appellations?q=${encodeURIComponent(q)}`);

  // 1. Autocomplete as deployed (result cache on), typing traffic: first pass with an empty
  //    cache, then the steady state once every query of the set has been seen once.
  let server = await startServer(PORT, { ...databaseEnv, SEED_DEMO: 'true' });
  const coldCacheAt500rps = await load({ paths, connections: 10, rate: 500, amount: paths.length });
  const warmCacheAt500rps = await load({ paths, connections: 10, rate: 500 });
  const warmCacheSaturated = await load({ paths, connections: 10 });
  write(`autocomplete-appellations-${engine}`, {
    engine,
    scenario:
      'GET /api/v1/referentials/appellations?q=… — préfixes et fautes de frappe tirés de 5 000 saisies simulées (graine 42), cache de résultats actif : premier passage (cache vide) puis régime établi',
    data: { ...data, queries: queries.length, distinctQueries: distinct },
    target: { p95Ms: engine === 'postgres' ? 10 : 30, throughput: 500 },
    coldCacheAt500rps,
    warmCacheAt500rps,
    warmCacheSaturated,
  });

  // 2. Logged-in page render (directory page, session lookup + 2 queries + TSX render).
  const cookie = await loginCookie(PORT);
  const pagePaths = ['/organisations', '/organisations?q=mission', '/organisations?type=france_travail', '/'];
  await load({ paths: pagePaths, connections: 4, headers: { cookie } });
  const pages = await load({ paths: pagePaths, connections: 10, headers: { cookie } });
  write(`page-render-${engine}`, {
    engine,
    scenario: 'Pages HTML connectées (annuaire filtré, accueil) pour un conseiller',
    data,
    saturated: pages,
  });
  await stopServer(server);

  // 3. Autocomplete straight from the database (cache off): the cost of a cache miss.
  server = await startServer(PORT, { ...databaseEnv, SEED_DEMO: 'false', AUTOCOMPLETE_CACHE_SIZE: '0' });
  await load({ paths: paths.slice(0, 200), connections: 4 }); // JIT and connection warm-up only
  const cold = await load({ paths, connections: 10 });
  const coldAt = await load({
    paths,
    connections: 10,
    rate: Math.min(500, Math.floor(cold.throughput * 0.8)),
  });
  write(`autocomplete-appellations-nocache-${engine}`, {
    engine,
    scenario: 'Même trafic, cache désactivé (AUTOCOMPLETE_CACHE_SIZE=0) : chaque requête interroge la base',
    data: { ...data, queries: queries.length, distinctQueries: distinct },
    saturated: cold,
    atSustainableRate: coldAt,
  });
  await stopServer(server);
}

const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
if (engines.includes('pglite')) {
  const pgliteDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-'));
  try {
    await benchEngine('pglite', { PGLITE_DIR: pgliteDir, DATABASE_URL: '' });
  } finally {
    rmSync(pgliteDir, { recursive: true, force: true });
  }
}

if (
  !engines.includes('postgres') ||
  !(await onThrowawayPostgres('passerelle_bench', (env) => benchEngine('postgres', env)))
)
  console.log('PostgreSQL absent : banc PostgreSQL ignoré (définir BENCH_DATABASE_URL).');
