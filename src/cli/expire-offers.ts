import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { offersService } from '../modules/offers/service.js';

// npm run expire:offers — once a day (cron): published offers past their expiry date become « expirée ».
const handle = await openDatabase(loadConfig().database).catch(exitOnDataDirLocked);
try {
  await migrateToLatest(handle.db);
  const n = await offersService(handle.db).expireDue();
  console.log(`${n} offre(s) expirée(s).`);
} finally {
  await handle.close();
}
