import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { MigrationError, migrateToLatest } from '../db/migrate.js';

const config = loadConfig();
const handle = await openDatabase(config.database).catch(exitOnDataDirLocked);
try {
  const applied = await migrateToLatest(handle.db);
  console.log(
    applied.length
      ? `Migrations appliquées : ${applied.join(', ')}`
      : 'Base à jour : aucune migration en attente.',
  );
} catch (error) {
  console.error(error instanceof MigrationError ? error.message : error);
  console.error('Aucune modification n’a été conservée (transaction annulée).');
  process.exitCode = 1;
} finally {
  await handle.close();
}
