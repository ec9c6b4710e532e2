import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { referentialsService } from '../modules/referentials/service.js';
import { importLheo } from '../modules/trainings/importer.js';
import { progress } from '../shared/progress.js';

// npm run import:lheo -- FILE|URL [--source carif-oref] [--partial]
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    source: { type: 'string', default: 'carif-oref' },
    partial: { type: 'boolean', default: false },
  },
});
const target = positionals[0];
if (!target) {
  console.error('Usage : npm run import:lheo -- FICHIER|URL [--source carif-oref] [--partial]');
  process.exit(2);
}
const config = loadConfig();
let file = target;
let downloaded: string | null = null;
if (/^https?:\/\//.test(target)) {
  // Two passes need the bytes twice: the feed is streamed to a local file first, within the size limit.
  await mkdir(config.uploadDir, { recursive: true });
  downloaded = join(config.uploadDir, `telechargement-${Date.now()}.xml`);
  const response = await fetch(target);
  if (!response.ok || !response.body) throw new Error(`Téléchargement impossible : HTTP ${response.status}`);
  const announced = Number(response.headers.get('content-length') ?? 0);
  if (announced > config.lheoMaxBytes)
    throw new Error(`Fichier annoncé de ${announced} octets : limite ${config.lheoMaxBytes}.`);
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
    createWriteStream(downloaded),
  );
  file = downloaded;
}
// Lean start (no demo seeding code loaded): the import's memory is the measure of the benchmark.
const handle = await openDatabase(config.database);
await migrateToLatest(handle.db);
if (!(await referentialsService(handle.db).isLoaded())) await referentialsService(handle.db).load();
try {
  let bar: ReturnType<typeof progress> | null = null;
  let last = 0;
  const outcome = await importLheo(handle.db, {
    source: values.source,
    mode: values.partial ? 'partial' : 'full',
    fileName: basename(target),
    sizeBytes: (await stat(file)).size,
    open: () => createReadStream(file, { highWaterMark: 256 * 1024 }),
    maxBytes: config.lheoMaxBytes,
    onStart: ({ formations, actions, resumedFrom }) => {
      if (resumedFrom) console.log(`Reprise de l’import interrompu après ${resumedFrom} formations.`);
      console.log(`${formations} formations, ${actions} actions à traiter.`);
      bar = progress('Import LHÉO (actions)', actions);
    },
    onProgress: (done) => {
      bar?.tick(done - last);
      last = done;
    },
  });
  (bar as ReturnType<typeof progress> | null)?.end();
  if (outcome.status === 'failed') {
    console.error(`Fichier refusé, rien n’a été modifié : ${outcome.error}`);
    process.exitCode = 1;
  } else {
    const c = outcome.counts;
    console.log(
      `Import ${outcome.id} terminé : ${c.created} formations créées, ${c.updated} modifiées, ${c.unchanged} inchangées, ${c.withdrawn} retirées ; ${c.actions} actions, ${c.sessions} sessions ; ${outcome.rejected} rejets.`,
    );
    if (outcome.rejected) console.log(`Rapport des rejets : /formations/imports/${outcome.id}/rejets.csv`);
  }
} finally {
  await handle.close();
  if (downloaded) await rm(downloaded, { force: true });
}
