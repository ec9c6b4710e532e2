/**
 * Directory search benchmark (issue 13 « Done when »: « figures for search p95 on 100,000
 * services »), in process against the directory's service (no HTTP: the pathways bench's way), on
 * PGlite and, when a server answers (BENCH_DATABASE_URL, TEST_DATABASE_URL or 127.0.0.1:5432), on
 * PostgreSQL:
 * - data: BENCH_SERVICES (100,000) services and their structures drawn by the directory's generator
 *   (generator.ts, seeded) over the demo region's communes of 2,000 inhabitants or more;
 * - queries, a fixed mix: need words of the 16 families, a fifth with typos (« logemnt »,
 *   « permi »), « logement » within 20 km of the region's big towns, the other need words around a
 *   random town of the list one time in two, a filter one time in four (public, fees, reception,
 *   type), half as the public (users' services only), half as a professional;
 * - the peer, in the same run: the radius-only query (a commune, 20 km, no words);
 * - each one at a time over BENCH_SAMPLE queries, then an OPEN LOOP at BENCH_RATE (PostgreSQL 10/s,
 *   PGlite 5/s) for BENCH_SECONDS; p50/p95/p99, throughput, ratios to the peer;
 * - EXPLAIN (ANALYZE, BUFFERS) of the statements of three typical searches.
 *
 * The data are loaded in bulk (chunks of 500 rows) with the projection the records repository writes
 * (search_vector of name A, thématiques' labels B, description C; the place; the vocabulary): writing
 * 100,000 services one by one through writeService would take minutes. The bench checks afterwards
 * that writeService gives a sample of them the same projection.
 *
 *   npx tsx bench/directory.ts        BENCH_ENGINES=pglite|postgres, BENCH_SERVICES, BENCH_SECONDS, BENCH_RATE
 * Results in bench/results/directory-<engine>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CompiledQuery, sql } from 'kysely';
import { type Db, kyselyForPostgres } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createPglite, kyselyForPglite } from '../src/db/pglite.js';
import { DEMO_REGION_CODE } from '../src/demo.js';
import { directoryDemoRepository } from '../src/modules/directory/demo-repository.js';
import { labelsOf } from '../src/modules/directory/enums.js';
import { bigTowns, generateDirectory } from '../src/modules/directory/generator.js';
import type { DirectoryNeeds } from '../src/modules/directory/needs.js';
import { recordsRepository } from '../src/modules/directory/records-repository.js';
import { REMOTE_ZONE_INDEX } from '../src/modules/directory/search-repository.js';
import type { RawQuery } from '../src/modules/directory/search-service.js';
import { directoryService } from '../src/modules/directory/service.js';
import type { Actor } from '../src/modules/identity/model.js';
import { referentialsService } from '../src/modules/referentials/service.js';
import { capturing, machine, openLoopCalls, percentiles, portOpen } from './common.js';

type Engine = 'pglite' | 'postgres';
const SERVICES = Number(process.env.BENCH_SERVICES ?? 100_000);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/**
 * Arrival rates: one at a time the mix runs at ~15 searches/s on the 2 shared cores it was measured
 * on; 50/s saturated it (p50 0.9 s). The loop runs below that capacity, where latencies mean something.
 */
const RATES: Record<Engine, number> = {
  postgres: Number(process.env.BENCH_RATE ?? 10),
  pglite: Number(process.env.BENCH_RATE_PGLITE ?? 5),
};
const TODAY = process.env.BENCH_TODAY ?? new Date().toISOString().slice(0, 10);

const professional: Actor = {
  via: 'session',
  userId: null,
  label: 'banc d’essai',
  isSuperAdmin: false,
  organisationId: '00000000-0000-4000-8000-000000000001',
  role: 'conseiller',
  memberships: [],
  ip: null,
};

/** Need words of the 16 families, as people type them. */
const NEED_WORDS = [
  'logement',
  'loyer impayé',
  'hébergement d’urgence',
  'permis de conduire',
  'voiture',
  'garde d’enfants',
  'crèche',
  'dettes',
  'surendettement',
  'ordinateur',
  'internet',
  'cours de français',
  'lire écrire',
  'cv',
  'lettre de motivation',
  'entretien',
  'boulot',
  'formation',
  'psy',
  'médecin',
  'mdph',
  'papiers',
  'caf',
  'avocat',
  'violences',
  'colis alimentaire',
  'vêtements',
  'créer entreprise',
  'auto-entrepreneur',
  'sport',
  'confiance en soi',
  'bénévolat',
  'étranger',
  'métier',
  'orientation',
];
/** The same needs with a typo, as typed on a phone. */
const TYPOS = ['logemnt', 'permi', 'hebergment', 'surendetement', 'ordinatuer', 'alphabetisaton', 'formaton'];
const FILTERS: RawQuery[] = [
  { public: 'jeunes' },
  { frais: 'gratuit' },
  { accueil: 'a-distance' },
  { type: 'accompagnement' },
];

/** A seeded random draw (mulberry32): the same queries on every run and engine. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function open(engine: Engine, url: string | null): Promise<{ db: Db; close: () => Promise<void> }> {
  if (engine === 'pglite') {
    const db = kyselyForPglite(await createPglite(null));
    return { db, close: () => db.destroy() };
  }
  const admin = kyselyForPostgres(url!, 1);
  await sql`drop database if exists bench_directory with (force)`.execute(admin);
  await sql`create database bench_directory`.execute(admin);
  const u = new URL(url!);
  u.pathname = '/bench_directory';
  const db = kyselyForPostgres(u.toString(), 10);
  return {
    db,
    close: async () => {
      await db.destroy();
      await sql`drop database if exists bench_directory with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}

/** Loads the generated directory in bulk, with the projection records-repository.ts writes. */
async function load(db: Db) {
  const demo = directoryDemoRepository(db);
  const communes = await demo.communes(DEMO_REGION_CODE, 2000);
  const directory = generateDirectory({
    seed: 13,
    today: TODAY,
    communes,
    organisations: [],
    services: SERVICES,
  });
  const uuids = new Map<string, string>();
  const chunk = <T>(list: T[], n: number) =>
    Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, i * n + n));
  for (const part of chunk(directory.structures, 500)) {
    const rows = await db
      .insertInto('directory_structure')
      .values(
        part.map(({ record: s }) => ({
          source: s.source,
          source_id: s.id,
          nom: s.nom,
          siret: s.siret,
          adresse: s.adresse,
          code_postal: s.code_postal,
          code_insee: s.code_insee,
          commune: s.commune,
          latitude: s.latitude,
          longitude: s.longitude,
          telephone: s.telephone,
          courriel: s.courriel,
          site_web: s.site_web,
          reseaux_porteurs: s.reseaux_porteurs ?? [],
          description: s.description,
          date_maj: s.date_maj,
        })),
      )
      .returning(['id', 'source_id'])
      .execute();
    for (const r of rows) uuids.set(r.source_id, r.id);
  }
  for (const part of chunk(directory.services, 500))
    await db
      .insertInto('directory_service')
      .values(
        part.map((v) => ({
          source: v.source,
          source_id: v.id,
          structure_id: uuids.get(v.structure_id)!,
          nom: v.nom,
          description: v.description,
          type: v.type,
          thematiques: v.thematiques ?? [],
          publics: v.publics ?? [],
          frais: v.frais,
          conditions_acces: v.conditions_acces,
          modes_accueil: v.modes_accueil ?? [],
          modes_mobilisation: v.modes_mobilisation ?? [],
          mobilisable_par: v.mobilisable_par ?? [],
          zone_eligibilite: v.zone_eligibilite,
          adresse: v.adresse,
          code_postal: v.code_postal,
          code_insee: v.code_insee,
          commune: v.commune,
          latitude: v.latitude,
          longitude: v.longitude,
          date_maj: v.date_maj,
          search_vector: sql<string>`setweight(to_tsvector('french', f_unaccent(${v.nom})), 'A')
            || setweight(to_tsvector('french', f_unaccent(${labelsOf('thematiques', v.thematiques).join(' ; ')})), 'B')
            || setweight(to_tsvector('french', f_unaccent(${v.description})), 'C')`,
        })),
      )
      .execute();
  // The place, as records-repository.ts refreshPlaces writes it.
  await sql`
    update directory_service v set
      place_latitude = coalesce(v.latitude,
        case when v.code_insee is distinct from s.code_insee then (select latitude from commune where code = v.code_insee) end,
        s.latitude, (select latitude from commune where code = s.code_insee)),
      place_longitude = coalesce(v.longitude,
        case when v.code_insee is distinct from s.code_insee then (select longitude from commune where code = v.code_insee) end,
        s.longitude, (select longitude from commune where code = s.code_insee)),
      place_department = (select department_code from commune where code = coalesce(v.code_insee, s.code_insee))
    from directory_structure s where s.id = v.structure_id`.execute(db);
  await sql`insert into directory_word (word)
    select distinct lexeme from directory_service, unnest(search_vector) where length(lexeme) >= 3
    on conflict do nothing`.execute(db);
  if (process.env.BENCH_REMOTE_INDEX !== '0') await sql.raw(REMOTE_ZONE_INDEX).execute(db);
  await sql`analyze directory_service`.execute(db);
  await sql`analyze directory_word`.execute(db);
  // The bulk projection is the repository's: a sample rewritten through writeService stays as it was.
  const records = recordsRepository(db);
  let differing = 0;
  for (const v of directory.services.slice(0, 50)) {
    const before = await sql<{ sv: string; lat: number | null }>`
      select search_vector::text as sv, place_latitude as lat from directory_service where source = ${v.source} and source_id = ${v.id}`.execute(
      db,
    );
    await db
      .updateTable('directory_service')
      .set({ nom: `${v.nom} ` })
      .where('source', '=', v.source)
      .where('source_id', '=', v.id)
      .execute();
    await records.writeService(db, v, uuids.get(v.structure_id)!);
    const after = await sql<{ sv: string; lat: number | null }>`
      select search_vector::text as sv, place_latitude as lat from directory_service where source = ${v.source} and source_id = ${v.id}`.execute(
      db,
    );
    if (before.rows[0]?.sv !== after.rows[0]?.sv || before.rows[0]?.lat !== after.rows[0]?.lat) differing++;
  }
  if (differing) throw new Error(`bulk projection differs from writeService on ${differing} of 50 services`);
  return { communes, structures: directory.structures.length, services: directory.services.length };
}

function queriesFor(towns: { code: string }[], communes: { code: string }[], count: number) {
  const draw = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(draw() * list.length)]!;
  const queries: { actor: Actor | null; q: RawQuery; kind: string }[] = [];
  for (let i = 0; i < count; i++) {
    const actor = draw() < 0.5 ? null : professional;
    let q: RawQuery;
    let kind: string;
    const roll = draw();
    if (roll < 0.25) {
      q = { q: 'logement', commune: pick(towns).code, radiusKm: '20' };
      kind = 'logement 20 km';
    } else if (roll < 0.45) {
      q = { q: pick(TYPOS), ...(draw() < 0.5 ? { commune: pick(communes).code } : {}) };
      kind = 'besoin avec faute';
    } else {
      q = { q: pick(NEED_WORDS), ...(draw() < 0.5 ? { commune: pick(communes).code } : {}) };
      kind = 'besoin';
    }
    if (draw() < 0.25) q = { ...q, ...pick(FILTERS) };
    queries.push({ actor, q, kind });
  }
  return queries;
}

async function oneAtATime(calls: (() => Promise<unknown>)[]) {
  for (const call of calls.slice(0, 20)) await call();
  const ms: number[] = [];
  const t0 = performance.now();
  for (const call of calls) {
    const t = performance.now();
    await call();
    ms.push(performance.now() - t);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    calls: calls.length,
    latencyMs: percentiles(ms),
    throughputPerSecond: Math.round((calls.length / seconds) * 10) / 10,
  };
}

async function explain(db: Db, statements: CompiledQuery[]) {
  const plans = [];
  for (const s of statements) {
    if (!/directory_service/.test(s.sql)) continue;
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

async function benchEngine(engine: Engine, url: string | null) {
  console.log(`\n=== Annuaire ${engine}, ${SERVICES.toLocaleString('fr-FR')} services ===`);
  const { db, close } = await open(engine, url);
  try {
    let t = performance.now();
    await migrateToLatest(db);
    await referentialsService(db).load({ quiet: true });
    const referentialsS = Math.round((performance.now() - t) / 100) / 10;
    t = performance.now();
    const loaded = await load(db);
    const loadS = Math.round((performance.now() - t) / 100) / 10;
    console.log(`  chargé : ${loaded.services} services, ${loaded.structures} structures en ${loadS} s`);
    const statements: CompiledQuery[] = [];
    const needs = { referentials: referentialsService(db) } as unknown as DirectoryNeeds;
    const directory = directoryService(db, needs, { today: () => TODAY });
    // bigTowns reads the communes largest first (Lyon, Saint-Étienne, Grenoble…).
    const towns = bigTowns([...loaded.communes].sort((a, b) => b.population - a.population));
    const mixed = queriesFor(towns, loaded.communes, SAMPLE);
    const peer = Array.from({ length: SAMPLE }, (_, i) => ({
      actor: i % 2 ? professional : null,
      q: { commune: loaded.communes[(i * 7919) % loaded.communes.length]!.code, radiusKm: '20' } as RawQuery,
    }));
    const sampleResults = await Promise.all(
      [
        mixed[0]!,
        ...towns.slice(0, 3).map((c) => ({ actor: null, q: { q: 'logement', commune: c.code } })),
      ].map(async (m) => ({ q: m.q, total: (await directory.search(m.actor, m.q)).total })),
    );
    const mixedOne = await oneAtATime(mixed.map((m) => () => directory.search(m.actor, m.q)));
    const peerOne = await oneAtATime(peer.map((m) => () => directory.search(m.actor, m.q)));
    const byKind: Record<string, ReturnType<typeof percentiles>> = {};
    for (const kind of new Set(mixed.map((m) => m.kind))) {
      const ms: number[] = [];
      for (const m of mixed.filter((x) => x.kind === kind)) {
        const t0 = performance.now();
        await directory.search(m.actor, m.q);
        ms.push(performance.now() - t0);
      }
      byKind[kind] = percentiles(ms);
    }
    const rate = RATES[engine];
    const mixedLoop = await openLoopCalls(rate, SECONDS, (i) => {
      const m = mixed[i % mixed.length]!;
      return directory.search(m.actor, m.q);
    });
    const peerLoop = await openLoopCalls(rate, SECONDS, (i) => {
      const m = peer[i % peer.length]!;
      return directory.search(m.actor, m.q);
    });
    // The statements of three typical searches, under EXPLAIN.
    const captured = directoryService(capturing(db, statements), needs, { today: () => TODAY });
    await captured.search(null, { q: 'logement', commune: towns[0]!.code, radiusKm: '20' });
    await captured.search(professional, { q: 'permis de conduire' });
    await captured.search(null, { commune: towns[0]!.code, radiusKm: '20' });
    const plans = await explain(db, statements);
    const ratio = (a: number, b: number) => Math.round((a / Math.max(0.01, b)) * 100) / 100;
    const result = {
      engine,
      date: new Date().toISOString(),
      machine: machine(),
      remoteZoneIndex: process.env.BENCH_REMOTE_INDEX !== '0',
      data: { services: loaded.services, structures: loaded.structures, communes: loaded.communes.length },
      loadSeconds: { referentials: referentialsS, directory: loadS },
      sample: sampleResults,
      oneAtATime: { mixed: mixedOne, peerRadiusOnly: peerOne, mixedByKind: byKind },
      openLoop: { ratePerSecond: rate, seconds: SECONDS, mixed: mixedLoop, peerRadiusOnly: peerLoop },
      ratiosToPeer: {
        oneAtATimeP95: ratio(mixedOne.latencyMs.p95, peerOne.latencyMs.p95),
        openLoopP95: ratio(mixedLoop.latencyMs.p95, peerLoop.latencyMs.p95),
      },
      plans,
    };
    mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(
      resolve(import.meta.dirname, `results/directory-${engine}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    console.log(
      `  un à un : mélange p50 ${mixedOne.latencyMs.p50} / p95 ${mixedOne.latencyMs.p95} / p99 ${mixedOne.latencyMs.p99} ms (${mixedOne.throughputPerSecond}/s) ; rayon seul p95 ${peerOne.latencyMs.p95} ms`,
    );
    console.log(
      `  boucle ouverte ${rate}/s : mélange p50 ${mixedLoop.latencyMs.p50} / p95 ${mixedLoop.latencyMs.p95} / p99 ${mixedLoop.latencyMs.p99} ms ; rayon seul p95 ${peerLoop.latencyMs.p95} ms`,
    );
    for (const p of plans)
      console.log(`  EXPLAIN ${p.executionMs} ms, seq scans : ${p.seqScans.join(', ') || 'aucun'}`);
  } finally {
    await close();
  }
}

const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',') as Engine[];
const pgUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  ((await portOpen(5432)) ? 'postgres://postgres@127.0.0.1:5432/test' : null);
for (const engine of engines) {
  if (engine === 'postgres' && !pgUrl) {
    console.log('PostgreSQL : aucun serveur, ignoré.');
    continue;
  }
  await benchEngine(engine, pgUrl);
}
