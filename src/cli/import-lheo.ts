import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { referentialsService } from '../modules/referentials/service.js';
import { importRepository } from '../modules/trainings/import-repository.js';
import { importLheo } from '../modules/trainings/importer.js';
import { PLATFORM } from '../modules/trainings/rights.js';
import { progress } from '../shared/progress.js';
import { importThroughServer } from './import-through-server.js';

// npm run import:lheo -- FILE|URL [--source carif-oref] [--partial] [--confirm-withdrawal] [--server URL --token psl_…]
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    source: { type: 'string', default: 'carif-oref' },
    partial: { type: 'boolean', default: false },
    // Through the running server's API instead of its data directory (import-through-server.ts).
    server: { type: 'string' },
    token: { type: 'string' },
    // A full feed that would withdraw more than it brings stops before withdrawing (importer.ts):
    // this flag says the withdrawal is meant.
    'confirm-withdrawal': { type: 'boolean', default: false },
  },
});
const target = positionals[0];
if (!target) {
  console.error(
    'Usage : npm run import:lheo -- FICHIER|URL [--source carif-oref] [--partial] [--confirm-withdrawal] [--server URL --token psl_…]',
  );
  process.exit(2);
}
if (values.server !== undefined) {
  process.exit(
    await importThroughServer({
      server: values.server,
      // The environment keeps the token out of the shell history and of `ps`.
      token: values.token ?? process.env.PASSERELLE_API_TOKEN ?? '',
      target,
      source: values.source,
      mode: values.partial ? 'partial' : 'full',
    }),
  );
}
const config = loadConfig();
let sizeBytes: number;
let open: () => AsyncIterable<Uint8Array>;
if (/^https?:\/\//.test(target)) {
  // One pass: the feed is imported as it downloads, and the importer stops it at the size limit
  // even when the server announced a smaller size (or none).
  const response = await fetch(target);
  if (!response.ok || !response.body) throw new Error(`Téléchargement impossible : HTTP ${response.status}`);
  sizeBytes = Number(response.headers.get('content-length') ?? 0);
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
  open = () => body;
} else {
  sizeBytes = (await stat(target)).size;
  open = () => createReadStream(target, { highWaterMark: 256 * 1024 });
}
// Lean start (no demo seeding code loaded): the import's memory is the measure of the benchmark.
const handle = await openDatabase(config.database).catch(exitOnDataDirLocked);
await migrateToLatest(handle.db);
if (!(await referentialsService(handle.db).isLoaded())) await referentialsService(handle.db).load();
// On PGlite this process is the database's only owner: a run left "running" died with its process
// (killed, out of memory); on PostgreSQL the importer closes those of its own source only.
if (handle.engine === 'pglite') await importRepository(handle.db).closeInterrupted();
try {
  const bar = progress('Import LHÉO', sizeBytes, process.stdout, { name: ' Mo', divisor: 1e6 });
  let last = 0;
  let actions = 0;
  const started = performance.now();
  const outcome = await importLheo(handle.db, {
    source: values.source,
    mode: values.partial ? 'partial' : 'full',
    fileName: basename(target),
    sizeBytes,
    open,
    maxBytes: config.lheoMaxBytes,
    // Whoever runs the CLI holds the server and its database: a new source it creates is a
    // declared Carif-Oref feed (rights.ts).
    by: PLATFORM,
    // A file import waits its turn longer than a page would.
    lockWaitMs: 30 * 60_000,
    confirmWithdrawal: values['confirm-withdrawal'],
    fullFeedMinShare: config.lheoFullFeedMinShare,
    onProgress: (done) => {
      bar.tick(done.bytes - last);
      last = done.bytes;
      actions = done.actions;
    },
  });
  bar.end();
  const seconds = (performance.now() - started) / 1000;
  if (outcome.status === 'failed') {
    console.error(`Fichier refusé, rien n’a été modifié : ${outcome.error}`);
    process.exitCode = 1;
  } else {
    const c = outcome.counts;
    console.log(
      `Import ${outcome.id} terminé : ${c.created} formations créées, ${c.updated} modifiées, ${c.unchanged} inchangées, ${c.withdrawn} retirées ; ${c.actions} actions, ${c.sessions} sessions ; ${outcome.rejected} rejets, ${outcome.warnings} avertissements.`,
    );
    console.log(
      `${actions} actions lues en ${seconds.toFixed(1)} s (${Math.round(actions / seconds)} actions/s).`,
    );
    if (outcome.rejected || outcome.warnings)
      console.log(`Rapport des rejets et avertissements : /formations/imports/${outcome.id}/rejets.csv`);
    if (c.otherSource)
      console.log(
        `${c.otherSource} formations exportées d’une autre source écartées (ni fusionnées ni copiées).`,
      );
    const held = outcome.heldWithdrawal;
    if (held) {
      console.error(
        `Flux complet arrêté avant tout retrait : il retirerait ${held.wouldWithdraw} formations et n’en apporte que ${held.accepted} (moins de ${Math.round(held.minShare * 100)} %). Rien n’a été retiré. Si ce retrait est voulu : relancez avec --confirm-withdrawal, ou confirmez-le sur /formations/imports/${outcome.id}.`,
      );
      // Distinct from a refused file (1): a script sees that the feed needs a decision.
      process.exitCode = 3;
    }
  }
} finally {
  await handle.close();
}
