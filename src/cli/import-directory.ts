import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Actor } from '../modules/identity/model.js';
import { buildServices } from '../modules/index.js';
import { referentialsService } from '../modules/referentials/service.js';
import { AppError } from '../shared/errors.js';
import { createMailer } from '../shared/mailer.js';
import { progress } from '../shared/progress.js';

// npm run import:directory -- FILE [--source NAME]: a data·inclusion file (JSON or CSV) into the
// directory (issue 13 §3), as the platform. Exit 1 when the file is refused, 3 when records were rejected.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { source: { type: 'string' } },
});
const target = positionals[0];
if (!target) {
  console.error(
    'Usage : npm run import:directory -- FICHIER [--source NOM]\n' +
      'FICHIER : structures et services au schéma data·inclusion, JSON ou CSV. NOM : le producteur des enregistrements qui n’en nomment pas.',
  );
  process.exit(2);
}

/** The platform as the author of a command-line import: whoever runs it holds the server's data (rights.ts: the super-admin's). */
const PLATFORM_DIRECTORY_IMPORT: Actor = {
  via: 'token',
  userId: null,
  label: 'Import de la plateforme (ligne de commande)',
  isSuperAdmin: true,
  organisationId: null,
  role: null,
  memberships: [],
  ip: null,
};

const config = loadConfig();
const content = await readFile(target);
let exitCode = 0;
const handle = await openDatabase(config.database).catch(exitOnDataDirLocked);
try {
  await migrateToLatest(handle.db);
  // Unknown INSEE codes are told by the communes' referential: it must be there.
  if (!(await referentialsService(handle.db).isLoaded())) await referentialsService(handle.db).load();
  const { directory } = buildServices({
    config,
    db: handle.db,
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }),
    homeOffers: () => [],
  });
  let bar: ReturnType<typeof progress> | null = null;
  let shown = 0;
  const started = performance.now();
  const run = await directory.importFile(PLATFORM_DIRECTORY_IMPORT, {
    fileName: basename(target),
    content,
    source: values.source,
    onProgress: (done, total) => {
      bar ??= progress('Import annuaire', total);
      bar.tick(done - shown);
      shown = done;
    },
  });
  (bar as ReturnType<typeof progress> | null)?.end();
  const c = run.counts;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Import ${run.id} (${seconds.toFixed(1)} s) : structures ${c.structuresCreated} créées, ${c.structuresUpdated} modifiées ; services ${c.servicesCreated} créés, ${c.servicesUpdated} modifiés ; ${c.unchanged} inchangés ; ${c.rejected} rejetés.`,
  );
  for (const r of run.rejections.slice(0, 20))
    console.log(
      `  ${r.kind} n° ${r.index} (${r.id ?? 'sans id'}) : ${r.problems.map((p) => `${p.field} : ${p.message}`).join(' ; ')}`,
    );
  if (c.rejected) exitCode = 3;
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(`Fichier refusé, rien n’a été écrit : ${error.message}`);
  exitCode = 1;
} finally {
  await handle.close();
}
// Set after the close: PGlite's runtime resets process.exitCode to 0 when it shuts down.
process.exitCode = exitCode;
