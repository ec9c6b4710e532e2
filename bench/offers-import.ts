/**
 * France Travail offers import benchmark (npm run bench:offers-import): a generated « Offres
 * d'emploi v2 » feed of BENCH_OFFERS records (20,000 by default; NDJSON), imported by the CLI
 * (npm run import:offers) into a fresh PGlite data directory, twice: the first run creates, the
 * second finds everything unchanged (idempotence). Reports offers/s and the CLI's peak RSS (GNU
 * time). The machine may be shared: say so with the figures. Results in bench/results/offers-import.json.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Faker, fr } from '@faker-js/faker';
import { readReferentialFiles } from '../src/modules/referentials/service.js';
import { machine } from './common.js';

const ROOT = resolve(import.meta.dirname, '..');
const OFFERS = Number(process.env.BENCH_OFFERS ?? 20_000);
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const CONTRACTS = ['CDI', 'CDD', 'MIS', 'SAI'];

/** FT v2 records drawn from the real appellations and communes (ROME v3 OGR skill codes, some unknown to ROME 4.0). */
async function writeFeed(path: string) {
  const refs = readReferentialFiles();
  const appellations = refs.appellations;
  const communes = refs.communes.filter((c) => c.kind === 'commune').slice(0, 2000);
  const f = new Faker({ locale: [fr] });
  f.seed(2026);
  const out = createWriteStream(path);
  for (let i = 0; i < OFFERS; i++) {
    const a = f.helpers.arrayElement(appellations);
    const c = f.helpers.arrayElement(communes);
    const contract = f.helpers.arrayElement(CONTRACTS);
    const min = f.number.int({ min: 1800, max: 3200 });
    const record = {
      id: `${String(100_000 + i)}X`,
      intitule: `${a.label} H/F`,
      description: f.lorem.paragraph(3),
      dateCreation: '2026-01-05T10:00:00.000Z',
      dateActualisation: '2026-01-06T10:00:00.000Z',
      lieuTravail: { libelle: `${c.department_code} - ${c.name}`, commune: c.code },
      romeCode: a.rome_code,
      appellationlibelle: a.label,
      typeContrat: contract,
      typeContratLibelle:
        contract === 'CDI'
          ? 'Contrat à durée indéterminée'
          : `Contrat à durée déterminée - ${f.number.int({ min: 1, max: 18 })} Mois`,
      experienceExige: f.helpers.arrayElement(['D', 'S', 'E']),
      competences: [
        { code: String(f.number.int({ min: 100_000, max: 130_000 })), libelle: 'x', exigence: 'E' },
        { code: String(f.number.int({ min: 100_000, max: 130_000 })), libelle: 'y', exigence: 'S' },
      ],
      salaire: { libelle: `Mensuel de ${min}.00 Euros à ${min + 300}.00 Euros sur 12 mois` },
      dureeTravailLibelle: '35H Horaires normaux',
      dureeTravailLibelleConverti: 'Temps plein',
      nombrePostes: 1,
      accessibleTH: f.datatype.boolean(0.2),
      entreprise: { nom: f.company.name() },
    };
    if (!out.write(`${JSON.stringify(record)}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

function importOnce(file: string, dataDir: string) {
  const started = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'RSS_KB=%M', TSX, 'src/cli/import-offers.ts', file, '--source', 'bench', '--full'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PGLITE_DIR: dataDir,
        DATABASE_URL: '',
        NODE_OPTIONS: '--max-old-space-size=256',
      },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(r.stderr.slice(-2000));
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds: Math.round(seconds * 10) / 10,
    offersPerSecond: Math.round(OFFERS / seconds),
    /** The import alone, as the CLI measures it (no process start, migration or referentials). */
    importOffersPerSecond: Number(r.stdout.match(/\((\d+) enregistrements\/s\)/)?.[1] ?? 0),
    rssMb: Math.round(Number(r.stderr.match(/RSS_KB=(\d+)/)?.[1] ?? 0) / 1024),
    report: r.stdout.trim(),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'offers-bench-'));
try {
  const feed = join(dir, 'offres.ndjson');
  await writeFeed(feed);
  const dataDir = join(dir, 'pglite');
  // The first run also migrates and loads the referentials: its time includes them (said in the result).
  const first = importOnce(feed, dataDir);
  const second = importOnce(feed, dataDir);
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    offers: OFFERS,
    feedMb: Math.round(statSync(feed).size / 1e5) / 10,
    firstRunIncludingMigrationAndReferentials: first,
    secondRunAllUnchanged: second,
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(resolve(ROOT, 'bench/results/offers-import.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
