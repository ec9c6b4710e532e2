/**
 * Pathways benchmark (issue 12 « Benchmarks »), in process against the services (no HTTP: the
 * matching bench's way), on PostgreSQL at regional scale (300,000 persons, ~5,000,000 timeline
 * steps, bench/pathways-data.ts) and on PGlite (20,000 persons, ~300,000 steps):
 * - timeline: the service's `timeline(actor, personId)` (checkReader, the first page of 50 steps,
 *   the members) for persons of the demo counsellor's Mission locale: one at a time over
 *   BENCH_SAMPLE persons, then an OPEN LOOP at BENCH_TIMELINE_RATE (100/s; PGlite 50/s) for BENCH_SECONDS (30 s);
 *   target p95 ≤ 20 ms;
 * - daily lists: `dailyLists(actor, {})` (four lists over « mes personnes ») for the demo counsellor
 *   following 500 persons, one at a time, then an open loop at BENCH_DAILY_RATE (20/s; PGlite 5/s) rotating over
 *   BENCH_COUNSELLORS counsellors of 500 persons each; target p95 ≤ 50 ms;
 * - rates: dynamic-exit rates of every SIAE × basin × year of the region in one call (the rates
 *   repository's `exitRates`, every level; BENCH_RATES_STANDIN=1 the bench's own grouped SQL); target ≤ 500 ms;
 * - EXPLAIN (ANALYZE, BUFFERS) of each statement these calls send (captured on their way).
 * The open loop is bench/common.ts openLoopCalls (latency from the due time: no coordinated omission).
 *
 * Data are generated once and kept: PostgreSQL database `bench_pathways` (BENCH_DATABASE_URL's server,
 * or 127.0.0.1:5432), PGlite in .tmp/bench-pathways-pglite (BENCH_PGLITE_DIR); a second run measures
 * straight away, `--reload` writes the data again. Results in bench/results/pathways-<engine>.json.
 *
 *   npm run bench:pathways                                  (PGlite then PostgreSQL)
 *   BENCH_ENGINES=postgres npm run bench:pathways -- --reload
 *   BENCH_PERSONS, BENCH_PERSONS_PGLITE, BENCH_SECONDS, BENCH_TIMELINE_RATE, BENCH_DAILY_RATE: sizes and load
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CompiledQuery, sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { type Db, kyselyForPostgres, openDatabase } from '../src/db/database.js';
import type { Actor } from '../src/modules/identity/model.js';
import { buildServices, type Services } from '../src/modules/index.js';
import { exitRates } from '../src/modules/pathways/rates-repository.js';
import { rateLevels } from '../src/modules/pathways/rates-rules.js';
import { memoryMailer } from '../src/shared/mailer.js';
import { capturing, machine, openLoopCalls, percentiles, portOpen } from './common.js';
import {
  DEMO_COUNSELLOR,
  demoCounsellor,
  EVENT_KIND_WEIGHTS,
  generatePathwaysData,
} from './pathways-data.js';

type Engine = 'pglite' | 'postgres';
const ROOT = resolve(import.meta.dirname, '..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const RELOAD = process.argv.includes('--reload');
const SIZES: Record<Engine, number> = {
  postgres: Number(process.env.BENCH_PERSONS ?? 300_000),
  pglite: Number(process.env.BENCH_PERSONS_PGLITE ?? 20_000),
};
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
/**
 * Arrival rates: PGlite is one connection inside the app's process, for a small deployment (the
 * persons bench drives it at a fifth of PostgreSQL's rate): measured at 20/s, its daily lists
 * saturate (p50 920 ms, load average 7.7), so it runs at 5/s.
 */
const RATES_PER_ENGINE: Record<Engine, { timeline: number; daily: number }> = {
  postgres: {
    timeline: Number(process.env.BENCH_TIMELINE_RATE ?? 100),
    daily: Number(process.env.BENCH_DAILY_RATE ?? 20),
  },
  pglite: {
    timeline: Number(process.env.BENCH_TIMELINE_RATE_PGLITE ?? 50),
    daily: Number(process.env.BENCH_DAILY_RATE_PGLITE ?? 5),
  },
};
const COUNSELLORS = Number(process.env.BENCH_COUNSELLORS ?? 40);
const RATES_RUNS = Number(process.env.BENCH_RATES_RUNS ?? 20);
const TODAY = process.env.BENCH_TODAY ?? new Date().toISOString().slice(0, 10);
const TARGETS = { timelineP95Ms: 20, dailyListsP95Ms: 50, ratesMs: 500 } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(args: string[], env: Record<string, string>) {
  const r = spawnSync(TSX, args, {
    cwd: ROOT,
    env: { ...process.env, DB_STATEMENT_TIMEOUT_MS: '0', ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} : ${r.stderr.slice(-2000)}`);
}

/**
 * Dynamic-exit rates for every SIAE × basin × year (issue 12 §6), one grouped statement: the bench's
 * STAND-IN written before the rates helper's repository function landed, to what its brief asks: per SIAE, kind,
 * employment zone, department and year of exit,
 * people in pathway (distinct persons with a contract overlapping the year), exits examined
 * (counted, not withdrawn), each category, the rate with and without ACI by grouping sets.
 */
async function standInExitRates(db: Db) {
  const { rows } = await sql<Record<string, unknown>>`
    with exits as (
      select siae_organisation_id, siae_kind, zone_code, department_code, extract(year from exit_on)::int as year,
        count(*) filter (where counted and category <> 'withdrawn') as examined,
        count(*) filter (where counted and category = 'durable') as durable,
        count(*) filter (where counted and category = 'transition') as transition,
        count(*) filter (where counted and category = 'positive') as positive,
        count(*) filter (where counted and category = 'other') as other
      from iae_exit group by 1, 2, 3, 4, 5),
    present as (
      select c.siae_organisation_id, y.year, count(distinct c.person_id) as people
      from iae_contract c
      join generate_series((select min(extract(year from exit_on))::int from iae_exit),
        (select max(extract(year from exit_on))::int from iae_exit)) y(year)
        on c.start_on <= make_date(y.year, 12, 31) and coalesce(c.end_on, 'infinity'::date) >= make_date(y.year, 1, 1)
      group by 1, 2)
    select e.siae_organisation_id, e.siae_kind, e.zone_code, e.department_code, e.year,
      sum(p.people)::int as people, sum(examined)::int as examined, sum(durable)::int as durable,
      sum(transition)::int as transition, sum(positive)::int as positive, sum(other)::int as other,
      round(sum(durable + transition + positive) * 100.0 / nullif(sum(examined), 0), 1) as rate,
      round(sum(durable + transition + positive) filter (where e.siae_kind <> 'ACI') * 100.0
        / nullif(sum(examined) filter (where e.siae_kind <> 'ACI'), 0), 1) as rate_without_aci
    from exits e left join present p on p.siae_organisation_id = e.siae_organisation_id and p.year = e.year
    group by grouping sets ((e.siae_organisation_id, e.siae_kind, e.zone_code, e.department_code, e.year),
      (e.zone_code, e.year), (e.department_code, e.year), (e.siae_kind, e.year), (e.year))`.execute(db);
  return rows;
}
/**
 * What the bench calls for the rates: the rates helper's repository function (branch
 * pathways-rates, rates-repository.ts), every level (SIAE, kind, zone, department, region) × every
 * year, as the rates page over the whole region asks. The stand-in above is kept beside it for
 * comparison (BENCH_RATES_STANDIN=1).
 */
const ratesAll = (db: Db) =>
  process.env.BENCH_RATES_STANDIN === '1'
    ? standInExitRates(db)
    : exitRates(db, { levels: rateLevels, today: TODAY });
const RATES_HOW =
  process.env.BENCH_RATES_STANDIN === '1'
    ? 'SQL de remplacement (bench/pathways.ts standInExitRates)'
    : 'rates-repository.ts exitRates(db, { levels: rateLevels, today }) : chaque SIAE, type, zone d’emploi, département et la région, chaque année';

/** Every module's service as the app builds it (modules/index.ts buildServices), on `db`. */
const servicesOn = (db: Db, env: Record<string, string>): Services =>
  buildServices({
    config: loadConfig({ ...process.env, ...env }),
    db,
    mailer: memoryMailer(),
    homeOffers: () => [],
  });

async function explain(db: Db, statements: CompiledQuery[]) {
  const plans = [];
  for (const s of statements) {
    const { rows } = await db.executeQuery<Record<string, string>>({
      ...s,
      sql: `explain (analyze, buffers) ${s.sql}`,
    } as CompiledQuery);
    const text = rows.map((r) => Object.values(r)[0]).join('\n');
    plans.push({
      statement: s.sql.replace(/\s+/g, ' ').trim().slice(0, 120),
      executionMs: Number(text.match(/Execution Time: ([\d.]+)/)?.[1] ?? 0),
      seqScans: [...text.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]),
      plan: text,
    });
  }
  return plans;
}

async function oneAtATime<T>(items: T[], call: (item: T) => Promise<unknown>, warm = 20) {
  for (const item of items.slice(0, warm)) await call(item);
  const ms: number[] = [];
  for (const item of items) {
    const t0 = performance.now();
    await call(item);
    ms.push(performance.now() - t0);
  }
  return { calls: items.length, latencyMs: percentiles(ms) };
}

const counsellorActor = (userId: string, organisationId: string, organisationName: string): Actor => ({
  via: 'session',
  userId,
  label: 'banc d’essai',
  isSuperAdmin: false,
  organisationId,
  role: 'conseiller',
  memberships: [{ organisationId, organisationName, organisationKind: 'mission_locale', role: 'conseiller' }],
  ip: null,
});

async function benchEngine(engine: Engine, env: Record<string, string>) {
  const size = SIZES[engine];
  const { timeline: TIMELINE_RATE, daily: DAILY_RATE } = RATES_PER_ENGINE[engine];
  console.log(`\n=== Parcours ${engine}, ${size.toLocaleString('fr-FR')} personnes ===`);
  // The load runs without a statement limit (minutes-long inserts); the measures under the app's default.
  const open = (unlimited = false) =>
    openDatabase(
      engine === 'pglite'
        ? { engine, dataDir: env.PGLITE_DIR! }
        : {
            engine,
            url: env.DATABASE_URL!,
            ...(unlimited ? { timeouts: { connectMs: 5_000, statementMs: 0, idleInTransactionMs: 0 } } : {}),
          },
    );
  // Set-up, not measured: referentials (unless there), the demo's organisations and files, the data.
  {
    const h = await open();
    const loaded = await sql<{ n: number }>`select count(*)::int as n from referential_load`
      .execute(h.db)
      .then((r) => r.rows[0]!.n)
      .catch(() => 0);
    await h.close();
    if (!loaded) {
      console.log('  référentiels…');
      run(['src/cli/load-referentials.ts'], env);
    }
    run(['src/cli/seed-demo.ts'], env);
  }
  let data: Awaited<ReturnType<typeof generatePathwaysData>>;
  {
    const h = await open(true);
    try {
      data = await generatePathwaysData(h.db, {
        persons: size,
        today: TODAY,
        regionCode: loadConfig({ ...process.env, ...env }).regionCode,
        reload: RELOAD,
      });
    } finally {
      await h.close();
    }
  }
  console.log('données', data);
  const handle = await open();
  const db = handle.db;
  try {
    const services = servicesOn(db, env);
    const counsellor = await demoCounsellor(db);
    const actor = counsellorActor(counsellor.userId, counsellor.organisationId, counsellor.organisationName);
    const personIds = (
      await sql<{
        id: string;
      }>`select person_id as id from person_access where organisation_id = ${counsellor.organisationId}::uuid
        order by md5(person_id::text) limit ${SAMPLE + 1000}`.execute(db)
    ).rows.map((r) => r.id);
    const counsellors = [
      counsellor.userId,
      ...(
        await sql<{
          id: string;
        }>`select user_id as id from pathway_member where organisation_id = ${counsellor.organisationId}::uuid
          and user_id <> ${counsellor.userId}::uuid group by user_id having count(*) >= 450 order by user_id limit ${COUNSELLORS - 1}`.execute(
          db,
        )
      ).rows.map((r) => r.id),
    ];
    const pathways = services.pathways;

    // (0) The machine's noise floor: `select 1` in the same open loop. On a shared machine (the load
    //     average is in `machine`) its tail is the scheduler's, not the queries': read the others beside it.
    const noiseFloor = await openLoopCalls(TIMELINE_RATE, 10, () => sql`select 1`.execute(db));
    console.log(`plancher (select 1), boucle ouverte ${TIMELINE_RATE}/s`, noiseFloor.latencyMs);
    await sleep(1_000);

    // (1) Timeline, one at a time, then the open loop.
    let steps = 0;
    const timelineOne = await oneAtATime(personIds.slice(0, SAMPLE), async (id) => {
      const t = await pathways.timeline(actor, id);
      steps += t.events.length;
    });
    const meanSteps = Math.round((steps / (SAMPLE + 20)) * 10) / 10;
    console.log('chronologie, une à la fois', timelineOne.latencyMs, `${meanSteps} étapes par page`);
    let next = SAMPLE;
    const timelineLoop = await openLoopCalls(TIMELINE_RATE, SECONDS, () =>
      pathways.timeline(actor, personIds[next++ % personIds.length]!),
    );
    console.log(`chronologie, boucle ouverte ${TIMELINE_RATE}/s`, timelineLoop.latencyMs);
    await sleep(2_000);

    // (2) Daily lists: the demo counsellor one at a time, then the open loop over counsellors.
    const sizes = await pathways.dailyLists(actor, {});
    const listSizes = {
      silent: sizes.silent.length,
      approvalsEnding: sizes.approvalsEnding.length,
      contractsEnding: sizes.contractsEnding.length,
      waiting: sizes.waiting.length,
    };
    const dailyOne = await oneAtATime(
      Array.from({ length: 100 }, () => actor),
      (a) => pathways.dailyLists(a, {}),
      10,
    );
    console.log('listes du jour, une à la fois', dailyOne.latencyMs, listSizes);
    const actors = counsellors.map((id) =>
      counsellorActor(id, counsellor.organisationId, counsellor.organisationName),
    );
    let k = 0;
    const dailyLoop = await openLoopCalls(DAILY_RATE, SECONDS, () =>
      pathways.dailyLists(actors[k++ % actors.length]!, {}),
    );
    console.log(
      `listes du jour, boucle ouverte ${DAILY_RATE}/s (${actors.length} conseillers)`,
      dailyLoop.latencyMs,
    );
    await sleep(1_000);

    // (3) Rates over the whole region.
    const rateRows = (await ratesAll(db)).length;
    const ratesOne = await oneAtATime(
      Array.from({ length: RATES_RUNS }, (_, i) => i),
      () => ratesAll(db),
      2,
    );
    console.log('taux de sorties dynamiques, toute la région', ratesOne.latencyMs, `${rateRows} lignes`);

    // (4) EXPLAIN (ANALYZE, BUFFERS) of what each call sends.
    const captured: CompiledQuery[] = [];
    const spy = servicesOn(capturing(db, captured), env).pathways;
    await spy.timeline(actor, personIds[0]!);
    const timelinePlans = await explain(db, captured.splice(0));
    await spy.dailyLists(actor, {});
    const dailyPlans = await explain(db, captured.splice(0));
    await ratesAll(capturing(db, captured));
    const ratesPlans = await explain(db, captured.splice(0));
    for (const [name, plans] of [
      ['chronologie', timelinePlans],
      ['listes du jour', dailyPlans],
      ['taux', ratesPlans],
    ] as const)
      for (const p of plans)
        console.log(
          `  EXPLAIN ${name} : ${p.executionMs} ms${p.seqScans.length ? ` (seq scan ${p.seqScans.join(', ')})` : ''} — ${p.statement.slice(0, 70)}`,
        );

    const verdict = {
      timeline:
        timelineLoop.latencyMs.p95 <= TARGETS.timelineP95Ms &&
        !timelineLoop.errors &&
        !timelineLoop.stoppedEarly,
      dailyLists:
        dailyLoop.latencyMs.p95 <= TARGETS.dailyListsP95Ms && !dailyLoop.errors && !dailyLoop.stoppedEarly,
      rates: ratesOne.latencyMs.p95 <= TARGETS.ratesMs,
    };
    const result = {
      name: `pathways-${engine}`,
      date: new Date().toISOString(),
      machine: machine(),
      engine,
      data: {
        ...data,
        today: TODAY,
        counsellor: DEMO_COUNSELLOR,
        organisation: counsellor.organisationName,
        eventKindWeights: EVENT_KIND_WEIGHTS,
        note: 'bench/pathways-data.ts : dossiers de la démonstration recombinés, 10 à 40 étapes par personne (10 + ⌊31·u^3,5⌋) écrites dans l’ordre où elles ont eu lieu, diagnostics, PASS, contrats, sorties et orientations par rang haché ; 500 personnes suivies par conseiller.',
      },
      targets: TARGETS,
      noiseFloor: {
        how: 'select 1 en boucle ouverte pendant 10 s : ce que la machine partagée ajoute à toute mesure',
        ...noiseFloor,
      },
      timeline: {
        how: 'service pathways.timeline(acteur, personne) en processus : checkReader, première page de 50 étapes, accompagnants (sans HTTP ni ligne d’audit)',
        meanStepsPerPage: meanSteps,
        oneAtATime: timelineOne,
        openLoop: { ...timelineLoop, seconds: SECONDS },
        targetMet: verdict.timeline,
      },
      dailyLists: {
        how: `service pathways.dailyLists(acteur, {}) : quatre listes sur les 500 personnes suivies ; boucle ouverte sur ${actors.length} conseillers`,
        listSizes,
        oneAtATime: dailyOne,
        openLoop: { ...dailyLoop, seconds: SECONDS, counsellors: actors.length },
        targetMet: verdict.dailyLists,
      },
      rates: { how: RATES_HOW, rows: rateRows, oneAtATime: ratesOne, targetMet: verdict.rates },
      explain: { timeline: timelinePlans, dailyLists: dailyPlans, rates: ratesPlans },
    };
    mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
    const file = resolve(ROOT, `bench/results/pathways-${engine}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    const row = (label: string, l: { p50: number; p95: number; p99: number }, target: number, ok: boolean) =>
      `  ${label.padEnd(34)} ${String(l.p50).padStart(8)} ${String(l.p95).padStart(8)} ${String(l.p99).padStart(8)}   ≤ ${target} ms ${ok ? 'tenu' : 'DÉPASSÉ'}`;
    console.log(`\n  ${engine} : ${data.persons} personnes, ${data.events} étapes`);
    console.log(
      `  ${'mesure (ms)'.padEnd(34)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)}`,
    );
    console.log(
      `  ${`plancher select 1 ${TIMELINE_RATE}/s`.padEnd(34)} ${String(noiseFloor.latencyMs.p50).padStart(8)} ${String(noiseFloor.latencyMs.p95).padStart(8)} ${String(noiseFloor.latencyMs.p99).padStart(8)}   (charge ${machine().loadAverage1m})`,
    );
    console.log(
      row(`chronologie ${TIMELINE_RATE}/s`, timelineLoop.latencyMs, TARGETS.timelineP95Ms, verdict.timeline),
    );
    console.log(
      row(`listes du jour ${DAILY_RATE}/s`, dailyLoop.latencyMs, TARGETS.dailyListsP95Ms, verdict.dailyLists),
    );
    console.log(row('taux, toute la région', ratesOne.latencyMs, TARGETS.ratesMs, verdict.rates));
    console.log(`→ ${file}`);
  } finally {
    await handle.close();
  }
}

/** The bench's own database, created once and kept (the data take minutes to generate). */
async function keptPostgres(name: string) {
  const pgUrl =
    process.env.BENCH_DATABASE_URL ??
    ((await portOpen(5432)) ? 'postgres://postgres@127.0.0.1:5432/postgres' : '');
  if (!pgUrl) return null;
  const admin = kyselyForPostgres(pgUrl, 1);
  const exists = await sql`select 1 from pg_database where datname = ${name}`.execute(admin);
  if (!exists.rows.length) await sql`create database ${sql.id(name)}`.execute(admin);
  await admin.destroy();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const ENV = { SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00' };
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
if (engines.includes('pglite'))
  await benchEngine('pglite', {
    ...ENV,
    PGLITE_DIR: process.env.BENCH_PGLITE_DIR ?? resolve(ROOT, '.tmp/bench-pathways-pglite'),
    DATABASE_URL: '',
  });
if (engines.includes('postgres')) {
  const url = await keptPostgres('bench_pathways');
  if (url) await benchEngine('postgres', { ...ENV, DATABASE_URL: url });
  else console.log('PostgreSQL : aucun serveur ne répond (BENCH_DATABASE_URL ou 127.0.0.1:5432).');
}
