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
  const rome4 = data.rome4;
  console.log(
    `ROME 4.0 (v${rome4.version}) : ${rome4.metiers.length} fiches métiers, ${rome4.skills.length} compétences et savoirs (${rome4.metierSkills.length} liens métier–compétence), ${rome4.mobility.length} mobilités, ${rome4.workContexts.length} contextes de travail.`,
  );
} finally {
  await handle.close();
}
