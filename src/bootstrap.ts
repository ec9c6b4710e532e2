import type { Config } from './config.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemoRegion } from './demo.js';
import { referentialsService } from './modules/referentials/service.js';
import { importRepository } from './modules/trainings/import-repository.js';

/** Opens the database, applies migrations and loads the referentials if the database is new. */
export async function prepareDatabase(
  config: Config,
  options: { seedDemo?: boolean; log?: (s: string) => void } = {},
) {
  const log = options.log ?? ((s: string) => console.log(s));
  const handle: DatabaseHandle = await openDatabase(config.database);
  try {
    const applied = await migrateToLatest(handle.db);
    if (applied.length) log(`Migrations appliquées : ${applied.join(', ')}`);
    const referentials = referentialsService(handle.db);
    if (!(await referentials.isLoaded())) {
      log('Chargement des référentiels (ROME, appellations, communes)…');
      await referentials.load();
    }
    // PGlite has one owner process, this one: an import still "running" died with the previous one.
    if (handle.engine === 'pglite') await importRepository(handle.db).closeInterrupted();
    if (options.seedDemo) await seedDemoRegion(handle.db, log);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
