import type { Db } from '../../db/database.js';
import { type Mailer, memoryMailer } from '../../shared/mailer.js';
import type { DirectoryCore } from './core.js';
import { exportUseCases } from './export-service.js';
import { importUseCases } from './import-service.js';
import type { DirectoryNeeds } from './needs.js';
import { publishUseCases } from './publish-service.js';
import { recordsRepository } from './records-repository.js';
import { reviewUseCases } from './review-service.js';
import { searchUseCases } from './search-service.js';
import { sheetUseCases } from './sheet-service.js';

export interface DirectoryOptions {
  /** Today's ISO date (tests fix it). */
  today?: () => string;
  mailer?: Mailer;
  publicUrl?: string;
  mapTiles?: string;
}

/** The directory of the region's partners (issue 13): structures and services in the data·inclusion schema. */
export function directoryService(db: Db, needs: DirectoryNeeds, options: DirectoryOptions = {}) {
  const core: DirectoryCore = {
    db,
    needs,
    records: recordsRepository(db),
    today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
    mailer: options.mailer ?? memoryMailer(),
    publicUrl: options.publicUrl ?? '',
    mapTiles: options.mapTiles ?? '',
  };
  return {
    ...searchUseCases(core),
    ...sheetUseCases(core),
    ...publishUseCases(core),
    ...reviewUseCases(core),
    ...importUseCases(core),
    ...exportUseCases(core),
    /** The map's tiles URL template (empty: no background). */
    mapTiles: core.mapTiles,
  };
}
export type DirectoryService = ReturnType<typeof directoryService>;
