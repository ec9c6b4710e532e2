import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { importOffers } from '../modules/offers/importer.js';
import { referentialsService } from '../modules/referentials/service.js';

// npm run import:offers -- FILE --source NAME [--full] [--confirm-withdrawal]
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    source: { type: 'string' },
    full: { type: 'boolean', default: false },
    'confirm-withdrawal': { type: 'boolean', default: false },
  },
});
const target = positionals[0];
const source = values.source?.trim();
if (!target || !source || !/^[a-z0-9][a-z0-9_-]{0,49}$/.test(source)) {
  console.error(
    'Usage : npm run import:offers -- FICHIER --source NOM [--full] [--confirm-withdrawal]\n' +
      'FICHIER : offres au format France Travail « Offres d’emploi v2 », tableau JSON ou NDJSON. NOM : minuscules, chiffres, - et _.',
  );
  process.exit(2);
}
const config = loadConfig();
const handle = await openDatabase(config.database).catch(exitOnDataDirLocked);
await migrateToLatest(handle.db);
if (!(await referentialsService(handle.db).isLoaded())) await referentialsService(handle.db).load();
try {
  const started = performance.now();
  const r = await importOffers(handle.db, createReadStream(target, { highWaterMark: 256 * 1024 }), {
    source,
    fileName: basename(target),
    full: values.full,
    confirmWithdrawal: values['confirm-withdrawal'],
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Import ${r.importId} : ${r.records} enregistrements lus, ${r.created} offres créées, ${r.updated} modifiées, ${r.unchanged} inchangées, ${r.withdrawn} retirées ; ${r.rejected} rejets, ${r.warnings} avertissements (${Math.round(r.records / seconds)} enregistrements/s).`,
  );
  if (r.error) {
    console.error(`Flux interrompu, rien n’a été retiré : ${r.error}`);
    process.exitCode = 1;
  }
  if (r.heldWithdrawal) {
    console.error(
      `Flux complet arrêté avant tout retrait : il retirerait ${r.heldWithdrawal} offres, plus qu’il n’en apporte. Si ce retrait est voulu : relancez avec --confirm-withdrawal.`,
    );
    process.exitCode = 3;
  }
} finally {
  await handle.close();
}
