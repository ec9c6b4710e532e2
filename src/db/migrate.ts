import { type Migration, type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './database.js';
import * as m0001 from './migrations/0001_extensions.js';
import * as m0002 from './migrations/0002_referentials.js';
import * as m0003 from './migrations/0003_identity.js';
import * as m0004 from './migrations/0004_search_prefixes.js';
import * as m0005 from './migrations/0005_trainings.js';
import * as m0006 from './migrations/0006_import_one_pass.js';
import * as m0007 from './migrations/0007_feed_sources.js';
import * as m0008 from './migrations/0008_membership_invitations.js';
import * as m0009 from './migrations/0009_commune_history_warnings.js';
import * as m0010 from './migrations/0010_lheo_fidelity.js';
import * as m0011 from './migrations/0011_search_projection.js';
import * as m0012 from './migrations/0012_employment_zones.js';
import * as m0013 from './migrations/0013_rome4.js';
import * as m0014 from './migrations/0014_persons.js';
import * as m0015 from './migrations/0015_job_offers.js';
import * as m0016 from './migrations/0016_person_space.js';
import * as m0017 from './migrations/0017_person_skills.js';
import * as m0018 from './migrations/0018_offer_import_sources.js';
import * as m0019 from './migrations/0019_list_and_import.js';
import * as m0020 from './migrations/0020_matching.js';
import * as m0021 from './migrations/0021_pathways.js';
import * as m0022 from './migrations/0022_directory.js';

/** Ordered list; a new migration is added here and never renamed once shipped. */
export const migrations: Record<string, Migration> = {
  '0001_extensions': m0001,
  '0002_referentials': m0002,
  '0003_identity': m0003,
  '0004_search_prefixes': m0004,
  '0005_trainings': m0005,
  '0006_import_one_pass': m0006,
  '0007_feed_sources': m0007,
  '0008_membership_invitations': m0008,
  '0009_commune_history_warnings': m0009,
  '0010_lheo_fidelity': m0010,
  '0011_search_projection': m0011,
  '0012_employment_zones': m0012,
  '0013_rome4': m0013,
  '0014_persons': m0014,
  '0015_job_offers': m0015,
  '0016_person_space': m0016,
  '0017_person_skills': m0017,
  '0018_offer_import_sources': m0018,
  '0019_list_and_import': m0019,
  '0020_matching': m0020,
  '0021_pathways': m0021,
  '0022_directory': m0022,
};

export class MigrationError extends Error {
  constructor(
    readonly migrationName: string,
    override readonly cause: unknown,
  ) {
    super(
      `La migration ${migrationName} a échoué : ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

function migrator(db: Db, list: Record<string, Migration>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => list } });
}

/**
 * Applies pending migrations. Kysely runs the whole batch in one transaction on PostgreSQL
 * (transactional DDL), so a failure leaves the schema exactly as it was.
 */
export async function migrateToLatest(
  db: Db,
  list: Record<string, Migration> = migrations,
): Promise<string[]> {
  const { error, results }: MigrationResultSet = await migrator(db, list).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'inconnue';
    throw new MigrationError(failed, error);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await migrator(db, migrations).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
