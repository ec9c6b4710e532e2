/**
 * One offer import, timed, as bench/offers-import.ts runs it in a process of its own (its peak RSS
 * is this process's): `tsx bench/offers-import-run.ts MODULE FILE` imports FILE as the full feed
 * of source « bench » with MODULE's importOffers (the importer, or a former version extracted by
 * the benchmark for the same-run ratio), on the database of DATABASE_URL or PGLITE_DIR, and prints
 * its result as JSON on the last line.
 */
import { createReadStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import type { importOffers as ImportOffers } from '../src/modules/offers/importer.js';

const [modulePath, file] = process.argv.slice(2);
const { importOffers } = (await import(pathToFileURL(resolve(modulePath!)).href)) as {
  importOffers: typeof ImportOffers;
};
const handle = await openDatabase(loadConfig().database);
try {
  const started = performance.now();
  const r = await importOffers(handle.db, createReadStream(file!, { highWaterMark: 256 * 1024 }), {
    source: 'bench',
    fileName: basename(file!),
    full: true,
    confirmWithdrawal: true,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ ...r, seconds: Math.round(seconds * 100) / 100 }));
} finally {
  await handle.close();
}
