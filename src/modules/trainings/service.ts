import type { Db } from '../../db/database.js';
import { exportService } from './export-service.js';
import { fundersService } from './funders-service.js';
import { importService } from './import-service.js';
import { offerService } from './offer-service.js';
import { catalogueRepository } from './repository.js';
import { searchService } from './search-service.js';
import type { TrainingsOptions } from './service-helpers.js';

export { EXPORT_LIMIT } from './export-service.js';
export type { ImportPlan, WithdrawalDecision } from './import-service.js';
export type { RawQuery, TrainingsOptions } from './service-helpers.js';

/**
 * The trainings module's use cases, one object for routes and pages: the search
 * (search-service.ts), the organisations' own offer (offer-service.ts), the LHÉO imports
 * (import-service.ts), the exports (export-service.ts) and the funders' purchases
 * (funders-service.ts). Every change made by the offer or an import empties the search's caches.
 */
export function trainingsService(db: Db, options: TrainingsOptions) {
  const catalogue = catalogueRepository(db);
  const searching = searchService(db, catalogue, options);
  const context = { db, catalogue, changed: searching.changed };
  const offer = offerService(context);
  const imports = importService(context, options);
  const exports = exportService(db, catalogue, searching);
  return {
    searchFilters: searching.searchFilters,
    search: searching.search,
    get: offer.get,
    exportLheo: exports.exportLheo,
    exportCsv: exports.exportCsv,
    ownTrainings: offer.ownTrainings,
    checkSessionRights: offer.checkSessionRights,
    checkTrainingRights: offer.checkTrainingRights,
    updateSession: offer.updateSession,
    addSession: offer.addSession,
    updateText: offer.updateText,
    planImport: imports.planImport,
    importUpload: imports.importUpload,
    importSources: imports.importSources,
    listImports: imports.listImports,
    importReport: imports.importReport,
    decideWithdrawal: imports.decideWithdrawal,
    funders: fundersService(db),
  };
}

export type TrainingsService = ReturnType<typeof trainingsService>;
