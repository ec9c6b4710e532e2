/**
 * Training catalogue benchmark (npm run bench:trainings), on a generated LHÉO feed of
 * BENCH_SESSIONS sessions (200,000 by default), PGlite and PostgreSQL (when a server answers):
 * the import with its peak RSS (search projection maintained); one search at a time, over HTTP and
 * inside the database (EXPLAIN ANALYZE planning + execution), through the projection and through
 * the search as it was before it; the highest OPEN-LOOP arrival rate whose p95 holds the target
 * (50 ms PostgreSQL, 150 ms PGlite); the same queries in process with MiniSearch (p95 ratio, top-10
 * overlap). Results in bench/results/trainings-*.json, with the machine and its load (it may be
 * shared: say so with the figures).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Faker, fr } from '@faker-js/faker';
import { type RawBuilder, sql } from 'kysely';
import MiniSearch from 'minisearch';
import { type Db, openDatabase } from '../src/db/database.js';
import { PUBLIC_JOBSEEKER_FUNDERS } from '../src/modules/trainings/dictionaries.js';
import {
  refreshSearchProjection,
  type SearchFilters,
  searchRepository,
  searchStatement,
} from '../src/modules/trainings/search-repository.js';
import { trainingsService } from '../src/modules/trainings/service.js';
import {
  highestRate,
  loginCookie,
  machine,
  onThrowawayPostgres,
  openLoop,
  percentiles,
  startServer,
  stopServer,
} from './common.js';
import { legacySearchStatement } from './legacy-search.js';

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

const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 200);
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 5);
/** p95 targets of the issue (9, Performance), and the rate the step search starts from. */
const TARGETS = {
  postgres: { p95Ms: 50, goalPerSecond: 400, startRate: 50 },
  pglite: { p95Ms: 150, goalPerSecond: 60, startRate: 10 },
} as const;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Planning and execution time of a statement, as EXPLAIN (ANALYZE) reports them (ms). */
async function explainTimes(db: Db, statement: RawBuilder<unknown>) {
  const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (analyze, format json) ${statement}`.execute(
    db,
  );
  const raw = rows[0]!['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
    'Planning Time': number;
    'Execution Time': number;
  }[];
  return { planning: plan[0]!['Planning Time'], execution: plan[0]!['Execution Time'] };
}

/**
 * Inside the process and inside the database, before the server holds it (PGlite allows one
 * process per data directory): the same filters through the projection and through the search as
 * it was before it (bench/legacy-search.ts), timed from the application and under EXPLAIN ANALYZE.
 */
async function inProcess(engine: 'pglite' | 'postgres', env: Record<string, string>, list: Query[]) {
  const handle = await openDatabase(
    engine === 'pglite' ? { engine, dataDir: env.PGLITE_DIR! } : { engine, url: env.DATABASE_URL! },
  );
  try {
    const db = handle.db;
    const service = trainingsService(db, {
      maxImportBytes: 1,
      uploadDir: join(tmpdir(), 'passerelle-bench-uploads'),
      uploadQuotaBytes: 1,
      searchCacheSize: 0,
    });
    const repository = searchRepository(db);
    const filters: SearchFilters[] = [];
    for (const q of list.slice(0, SAMPLE)) filters.push(await service.searchFilters(q));
    const { rows } = await sql<CatalogueRow>`
      select a.id, t.title, t.objective, t.content, a.latitude as lat, a.longitude as lon, t.certifying,
        a.funder_codes as funders, p.open_starts::text[] as "openStarts", p.starts::text[] as starts
      from catalogue_search p join training_action a on a.id = p.action_id join training t on t.id = p.training_id`.execute(
      db,
    );
    // Warm caches (both statements read the same pages of the same indexes) before timing.
    for (const f of filters.slice(0, 30)) {
      await repository.search(f);
      await legacySearchStatement(f).execute(db);
    }
    const timed = async (fn: (f: SearchFilters) => Promise<unknown>) => {
      const times: number[] = [];
      for (const f of filters) {
        const t0 = performance.now();
        await fn(f);
        times.push(performance.now() - t0);
      }
      return percentiles(times);
    };
    const projection = await timed((f) => repository.search(f));
    const legacy = await timed((f) => legacySearchStatement(f).execute(db));
    const explain = async (statement: (f: SearchFilters) => RawBuilder<unknown>) => {
      const planning: number[] = [];
      const execution: number[] = [];
      const total: number[] = [];
      for (const f of filters) {
        const t = await explainTimes(db, statement(f));
        planning.push(t.planning);
        execution.push(t.execution);
        total.push(t.planning + t.execution);
      }
      return {
        planning: percentiles(planning),
        execution: percentiles(execution),
        total: percentiles(total),
      };
    };
    const explainProjection = await explain(searchStatement);
    const explainLegacy = await explain(legacySearchStatement);
    // What the projection costs an import at most: rebuilding all of it, as one transaction
    // (an import rewrites the rows of what it changed, all of them for a first import).
    const t0 = performance.now();
    await db.transaction().execute((tx) => refreshSearchProjection(tx, 'all'));
    const rebuildSeconds = Math.round((performance.now() - t0) / 100) / 10;
    return {
      filters,
      rows,
      result: {
        queries: filters.length,
        projection: { searchRepository: projection, explain: explainProjection },
        before: { legacyStatement: legacy, explain: explainLegacy },
        p95Ratio: round2(legacy.p95 / Math.max(0.01, projection.p95)),
        projectionRebuildSeconds: rebuildSeconds,
        note: 'Dans le processus, une requête à la fois, sans cache de résultats ; « before » = la requête SQL d’avant la projection (bench/legacy-search.ts), même catalogue, même exécution. EXPLAIN (ANALYZE, FORMAT JSON) : temps de planification et d’exécution rapportés par le moteur.',
      },
    };
  } finally {
    await handle.close();
  }
}

type Query = Record<string, string>;

async function benchEngine(engine: 'pglite' | 'postgres', env: Record<string, string>, feed: string) {
  console.log(`\n=== catalogue ${engine} ===`);
  // The set-up steps are not measured: no statement limit for them on a busy shared machine.
  run(['src/cli/load-referentials.ts'], { ...env, DB_STATEMENT_TIMEOUT_MS: '0' });
  // As `npm run import:lheo` runs it (heap capped at 128 MB), the search projection maintained.
  const imported = run(['src/cli/import-lheo.ts', feed, '--source', 'bench'], {
    ...env,
    NODE_OPTIONS: IMPORT_NODE_OPTIONS,
    // A limit, not a cost: a statement of a 200,000-session import may pass 20 s on a busy machine.
    DB_STATEMENT_TIMEOUT_MS: '0',
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
    note: 'Temps mesuré de bout en bout : démarrage du processus, lecture, import en une transaction, retraits, projection de recherche, vocabulaire, VACUUM ANALYZE.',
  };
  console.log(importResult);
  // The demo accounts (the counsellor who searches), seeded before the measures, not during them.
  run(['src/cli/seed-demo.ts'], { ...env, DB_STATEMENT_TIMEOUT_MS: '0' });

  const handle = await openDatabase(
    engine === 'pglite' ? { engine, dataDir: env.PGLITE_DIR! } : { engine, url: env.DATABASE_URL! },
  );
  const towns = (
    await sql<{
      code: string;
      lat: number;
      lon: number;
    }>`select code, latitude as lat, longitude as lon from commune where region_code = '84' and population > 20000 order by code`.execute(
      handle.db,
    )
  ).rows;
  await handle.close();
  const list = queries(
    towns.map((t) => t.code),
    2000,
  );
  const inside = await inProcess(engine, env, list);
  console.log('dans le processus', JSON.stringify(inside.result, null, 1));

  const server = await startServer(PORT, { ...env, SEED_DEMO: 'false', SEARCH_CACHE_SIZE: '0' });
  try {
    const cookie = await loginCookie(PORT);
    const paths = list.map((q) => `/api/v1/trainings?${new URLSearchParams(q)}`);
    const headers = { cookie, accept: 'application/json' };

    // (1) One search at a time over HTTP, the same queries as inside the process.
    const httpTimes: number[] = [];
    const httpTop = new Map<number, string[]>();
    for (let k = 0; k < 30; k++)
      await (await fetch(`http://127.0.0.1:${PORT}${paths[k]}`, { headers })).text();
    for (let k = 0; k < SAMPLE; k++) {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${PORT}${paths[k]}`, { headers });
      const body = (await res.json()) as { items: { actionId: string }[] };
      httpTimes.push(performance.now() - t0);
      httpTop.set(
        k,
        body.items.slice(0, 10).map((x) => x.actionId),
      );
    }
    const sequential = { queries: SAMPLE, latencyMs: percentiles(httpTimes) };
    console.log('HTTP, une à la fois', sequential);

    // (2) Open loop: the highest arrival rate whose p95 holds the target.
    const target = TARGETS[engine];
    let offset = SAMPLE;
    const openLoopResult = await highestRate({
      startRate: target.startRate,
      p95Ms: target.p95Ms,
      step: async (rate) => {
        const r = await openLoop({ port: PORT, paths, rate, seconds: STEP_SECONDS, headers, offset });
        offset += r.sent;
        return r;
      },
    });
    console.log('boucle ouverte', {
      ...openLoopResult,
      steps: openLoopResult.steps.map((s) => `${s.targetRate}/s p95 ${s.latencyMs.p95}`),
    });

    // (3) The same queries in process with MiniSearch, built from the projection's rows.
    const comparison = miniSearchComparison(inside.rows, towns, list, httpTop, {
      httpP95: sequential.latencyMs.p95,
      inProcessP95: inside.result.projection.searchRepository.p95,
    });
    console.log(comparison);

    mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(
      resolve(ROOT, `bench/results/trainings-${engine}.json`),
      `${JSON.stringify(
        {
          name: `trainings-${engine}`,
          date: new Date().toISOString(),
          machine: machine(),
          import: importResult,
          oneAtATime: {
            http: { ...sequential, resultCache: 'désactivé (SEARCH_CACHE_SIZE=0)' },
            inProcess: inside.result,
          },
          openLoop: {
            ...openLoopResult,
            goalPerSecond: target.goalPerSecond,
            stepSeconds: STEP_SECONDS,
            resultCache: 'désactivé (SEARCH_CACHE_SIZE=0)',
            note: 'Arrivées à intervalles fixes ; latence comptée depuis l’instant prévu de la requête (pas depuis son envoi) : sans omission coordonnée.',
          },
          comparison,
          queries: 'bench/trainings.ts queries(), graine 84',
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await stopServer(server);
  }
}

/** MiniSearch in the process over the same rows, same queries: p95 ratio and top-10 overlap. */
function miniSearchComparison(
  rows: CatalogueRow[],
  towns: { code: string; lat: number; lon: number }[],
  list: Query[],
  databaseTop: Map<number, string[]>,
  database: { httpP95: number; inProcessP95: number },
) {
  const started = performance.now();
  const index = new MiniSearch({
    fields: ['title', 'objective', 'content'],
    storeFields: ['lat', 'lon', 'certifying', 'funders', 'openStarts', 'starts'],
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
  const today = new Date().toISOString().slice(0, 10);
  const future = (dates: string[]) => dates.some((d) => String(d).slice(0, 10) >= today);
  const times: number[] = [];
  const overlaps: number[] = [];
  for (let k = 0; k < Math.min(SAMPLE, list.length); k++) {
    const q = list[k]!;
    const town = townPoint.get(q.commune!)!;
    const t0 = performance.now();
    const hits = index.search(q.q!, {
      filter: (r) =>
        r.lat !== null &&
        km(town.lat, town.lon, r.lat, r.lon) <= Number(q.radiusKm) &&
        future(q.openPlaces === 'true' ? r.openStarts : r.starts) &&
        (q.certifying !== 'true' || r.certifying) &&
        (q.funder !== 'demandeurs' ||
          (r.funders as string[]).some((f) => PUBLIC_JOBSEEKER_FUNDERS.includes(f))),
    });
    times.push(performance.now() - t0);
    const top = hits.slice(0, 10).map((h) => String(h.id));
    const db = databaseTop.get(k) ?? [];
    if (db.length || top.length)
      overlaps.push(
        top.filter((id) => db.includes(id)).length /
          Math.max(1, Math.min(10, Math.max(db.length, top.length))),
      );
  }
  const mini = percentiles(times);
  return {
    rows: rows.length,
    minisearchBuildSeconds: Math.round(buildSeconds * 10) / 10,
    minisearch: mini,
    p95RatioHttpOverMiniSearch: round2(database.httpP95 / Math.max(0.01, mini.p95)),
    p95RatioInProcessOverMiniSearch: round2(database.inProcessP95 / Math.max(0.01, mini.p95)),
    meanTop10Overlap: round2(overlaps.reduce((a, b) => a + b, 0) / Math.max(1, overlaps.length)),
    note: 'MiniSearch en mémoire du processus (sans HTTP, index bâti sur les lignes de la projection) ; mêmes requêtes ; recouvrement des 10 premiers résultats avec ceux de la recherche HTTP.',
  };
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
  openStarts: string[];
  starts: string[];
}
const work = mkdtempSync(join(tmpdir(), 'passerelle-catalogue-'));
/** A feed generated by an earlier run (same seed and size) may be given back: generating one takes minutes. */
const feed = process.env.BENCH_FEED ?? join(work, 'flux.xml');
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
try {
  const genDir = join(work, 'gen');
  if (!process.env.BENCH_FEED)
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
