import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { referentialsService } from '../modules/referentials/service.js';

// Idempotent: re-running refreshes every row by upsert, in one transaction.
const handle = await openDatabase(loadConfig().database).catch(exitOnDataDirLocked);
try {
  await migrateToLatest(handle.db);
  const data = await referentialsService(handle.db).load();
  console.log(
    `Référentiels à jour : ${data.trades.length} métiers ROME, ${data.appellations.length} appellations, ${data.communes.length} communes, ${data.employmentZones.length} zones d’emploi (${data.communeEmploymentZones.length} communes rattachées).`,
  );
} finally {
  await handle.close();
}
