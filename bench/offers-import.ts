/**
 * France Travail offers import benchmark (issue 10: « ≥ 5,000 offers/s streamed, peak RSS ≤ 300 MB
 * (PostgreSQL), on a generated 1,000,000-offer feed; PGlite figure on 50,000 »). A generated
 * « Offres d'emploi v2 » NDJSON feed (BENCH_OFFERS records, 1,000,000 by default, for PostgreSQL;
 * BENCH_OFFERS_PGLITE, 50,000, for PGlite), imported as a full feed into a throwaway database
 * (PostgreSQL: bench/common.ts onThrowawayPostgres; PGlite: a fresh data directory) whose
 * referentials are loaded first (not measured), twice: the first run creates every offer, the
 * second finds them unchanged. Each import runs in a process of its own (bench/offers-import-run.ts)
 * under GNU time: offers/s of the import itself, and the process's peak RSS.
 *
 * The machine may be shared: with BENCH_BEFORE=<git revision> the importer of that revision runs
 * first on the same feed's first BENCH_BEFORE_OFFERS records (20,000) into its own database, then
 * today's on the same records: the ratio of the same run. Results in
 * bench/results/offers-import-<engine>.json.
 *
 *   BENCH_OFFERS=1000000 BENCH_OFFERS_PGLITE=50000 BENCH_BEFORE=536d83b npx tsx bench/offers-import.ts
 *   quick: BENCH_OFFERS=20000 BENCH_OFFERS_PGLITE=5000 npx tsx bench/offers-import.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Faker, fr } from '@faker-js/faker';
import { readReferentialFiles } from '../src/modules/referentials/service.js';
import { machine, onThrowawayPostgres } from './common.js';

const ROOT = resolve(import.meta.dirname, '..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const SIZES = {
  postgres: Number(process.env.BENCH_OFFERS ?? 1_000_000),
  pglite: Number(process.env.BENCH_OFFERS_PGLITE ?? 50_000),
};
const BEFORE = process.env.BENCH_BEFORE ?? '';
const BEFORE_OFFERS = Number(process.env.BENCH_BEFORE_OFFERS ?? 20_000);
const TARGET = { offersPerSecond: 5000, rssMb: 300 };
const CONTRACTS = ['CDI', 'CDD', 'MIS', 'SAI'];

/**
 * FT v2 records drawn from the real appellations and communes (ROME v3 OGR skill codes, some
 * unknown to ROME 4.0). Texts come from a pool drawn once (faker per record would make the
 * generation, not the import, the long part at 1,000,000); every record has its own id and draws.
 */
async function writeFeed(path: string, count: number) {
  const refs = readReferentialFiles();
  const appellations = refs.appellations;
  const communes = refs.communes.filter((c) => c.kind === 'commune').slice(0, 2000);
  const f = new Faker({ locale: [fr] });
  f.seed(2026);
  const descriptions = Array.from({ length: 500 }, () => f.lorem.paragraph(3));
  const companies = Array.from({ length: 2000 }, () => f.company.name());
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    const a = appellations[(i * 7919) % appellations.length]!;
    const c = communes[(i * 104_729) % communes.length]!;
    const contract = CONTRACTS[i % CONTRACTS.length]!;
    const min = 1800 + ((i * 37) % 1400);
    const record = {
      id: `${String(100_000 + i)}X`,
      intitule: `${a.label} H/F`,
      description: `${descriptions[i % descriptions.length]} Réf. ${i}.`,
      dateCreation: '2026-01-05T10:00:00.000Z',
      dateActualisation: '2026-01-06T10:00:00.000Z',
      lieuTravail: { libelle: `${c.department_code} - ${c.name}`, commune: c.code },
      romeCode: a.rome_code,
      appellationlibelle: a.label,
      typeContrat: contract,
      typeContratLibelle:
        contract === 'CDI'
          ? 'Contrat à durée indéterminée'
          : `Contrat à durée déterminée - ${1 + (i % 18)} Mois`,
      experienceExige: ['D', 'S', 'E'][i % 3],
      competences: [
        { code: String(100_000 + ((i * 31) % 30_000)), libelle: 'x', exigence: 'E' },
        { code: String(100_000 + ((i * 17) % 30_000)), libelle: 'y', exigence: 'S' },
      ],
      salaire: { libelle: `Mensuel de ${min}.00 Euros à ${min + 300}.00 Euros sur 12 mois` },
      dureeTravailLibelle: '35H Horaires normaux',
      dureeTravailLibelleConverti: 'Temps plein',
      nombrePostes: 1,
      accessibleTH: i % 5 === 0,
      entreprise: { nom: companies[i % companies.length] },
    };
    if (!out.write(`${JSON.stringify(record)}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

/** The first `count` lines of a feed, as a feed of their own. */
async function head(from: string, to: string, count: number) {
  const out = createWriteStream(to);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(from) })) {
    if (n++ >= count) break;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

function tsx(args: string[], env: Record<string, string>) {
  const r = spawnSync('/usr/bin/time', ['-f', 'RSS_KB=%M', TSX, ...args], {
    cwd: ROOT,
    env: { ...process.env, DB_STATEMENT_TIMEOUT_MS: '0', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} : ${r.stderr.slice(-3000)}`);
  return { stdout: r.stdout, rssMb: Math.round(Number(r.stderr.match(/RSS_KB=(\d+)/)?.[1] ?? 0) / 1024) };
}

function importOnce(module: string, file: string, env: Record<string, string>) {
  const r = tsx(['bench/offers-import-run.ts', module, file], env);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    records: number;
    created: number;
    updated: number;
    unchanged: number;
    rejected: number;
    warnings: number;
    seconds: number;
  };
  return {
    ...result,
    offersPerSecond: Math.round(result.records / result.seconds),
    peakRssMb: r.rssMb,
  };
}

/** The importer of `revision` (its two files), beside today's under other names, for the ratio. */
function extractBefore(revision: string) {
  const dir = resolve(ROOT, 'src/modules/offers');
  const show = (path: string) =>
    execFileSync('git', ['show', `${revision}:${path}`], { cwd: ROOT, encoding: 'utf8' });
  const importer = show('src/modules/offers/importer.ts').replace(
    "'./import-repository.js'",
    "'./bench-before-import-repository.js'",
  );
  writeFileSync(join(dir, 'bench-before-importer.ts'), importer);
  writeFileSync(
    join(dir, 'bench-before-import-repository.ts'),
    show('src/modules/offers/import-repository.ts'),
  );
  return {
    module: 'src/modules/offers/bench-before-importer.ts',
    remove: () => {
      rmSync(join(dir, 'bench-before-importer.ts'), { force: true });
      rmSync(join(dir, 'bench-before-import-repository.ts'), { force: true });
    },
  };
}

async function benchEngine(
  engine: 'pglite' | 'postgres',
  feed: string,
  size: number,
  database: (name: string, run: (env: Record<string, string>) => Promise<void>) => Promise<void>,
) {
  console.log(`\n=== Import d’offres ${engine}, ${size} offres ===`);
  const result: Record<string, unknown> = {
    name: `offers-import-${engine}`,
    date: new Date().toISOString(),
    machine: machine(),
    offers: size,
    feedMb: Math.round(statSync(feed).size / 1e5) / 10,
    target:
      engine === 'postgres'
        ? {
            ...TARGET,
            issue: 'issue 10 : ≥ 5 000 offres/s en flux, pic RSS ≤ 300 Mo (PostgreSQL), 1 000 000 offres',
          }
        : { issue: 'issue 10 : chiffre PGlite sur 50 000 offres (indicatif)' },
  };
  await database(`passerelle_bench_offers_${engine}`, async (env) => {
    tsx(['src/cli/load-referentials.ts'], env);
    const first = importOnce('src/modules/offers/importer.ts', feed, env);
    console.log('création', first);
    const second = importOnce('src/modules/offers/importer.ts', feed, env);
    console.log('inchangées', second);
    Object.assign(result, {
      firstRunCreating: first,
      secondRunAllUnchanged: second,
      targetMet:
        engine === 'postgres'
          ? size >= 1_000_000 &&
            Math.min(first.offersPerSecond, second.offersPerSecond) >= TARGET.offersPerSecond &&
            Math.max(first.peakRssMb, second.peakRssMb) <= TARGET.rssMb
          : null,
    });
  });
  if (BEFORE) {
    const small = `${feed}.head`;
    await head(feed, small, Math.min(size, BEFORE_OFFERS));
    const before = extractBefore(BEFORE);
    try {
      const peers: Record<string, unknown> = {};
      for (const [label, module] of [
        ['before', before.module],
        ['after', 'src/modules/offers/importer.ts'],
      ] as const)
        await database(`passerelle_bench_offers_${engine}_${label}`, async (env) => {
          tsx(['src/cli/load-referentials.ts'], env);
          peers[label] = importOnce(module, small, env);
          console.log(label, peers[label]);
        });
      const rate = (k: string) => (peers[k] as { offersPerSecond: number }).offersPerSecond;
      result.sameRunRatio = {
        revisionBefore: BEFORE,
        offers: Math.min(size, BEFORE_OFFERS),
        ...peers,
        speedup: Math.round((rate('after') / Math.max(1, rate('before'))) * 10) / 10,
        note: 'Même flux (ses premiers enregistrements), même machine, l’un après l’autre, bases neuves : le rapport vaut même sur une machine partagée.',
      };
    } finally {
      before.remove();
    }
  }
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    resolve(ROOT, `bench/results/offers-import-${engine}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}

const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
const dir = mkdtempSync(join(tmpdir(), 'offers-bench-'));
try {
  for (const engine of engines as ('pglite' | 'postgres')[]) {
    const feed = join(dir, `offres-${engine}.ndjson`);
    await writeFeed(feed, SIZES[engine]);
    if (engine === 'pglite')
      await benchEngine(engine, feed, SIZES[engine], async (name, run) => {
        const dataDir = join(dir, name);
        try {
          await run({ PGLITE_DIR: dataDir, DATABASE_URL: '' });
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      });
    else {
      let found = true;
      await benchEngine(engine, feed, SIZES[engine], async (name, run) => {
        found = await onThrowawayPostgres(name, run);
      });
      if (!found) console.log('PostgreSQL : aucun serveur ne répond (BENCH_DATABASE_URL ou 127.0.0.1:5432).');
    }
    rmSync(feed, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
