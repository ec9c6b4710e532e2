import type { Db } from '../../db/database.js';
import { forbidden } from '../../shared/errors.js';
import type { Actor } from '../identity/model.js';
import {
  type Area,
  type CoverageGap,
  fundersRepository,
  type OverlapRow,
  type PurchaseFilters,
  type PurchaseRow,
} from './funders-repository.js';
import { canSeePurchases } from './rights.js';

/**
 * The places each funder bought, their overlaps and the areas without any (the funders' page):
 * the page reads them here, never the repository's SQL.
 */
export function fundersService(db: Db) {
  const repo = fundersRepository(db);
  return {
    /** Refuses who may not see purchases (rights.ts), before any filter is read. */
    checkAccess(actor: Actor | null): void {
      if (!canSeePurchases(actor))
        throw forbidden('Réservé aux analystes de la Région et de France Travail.');
    },

    purchases: (f: PurchaseFilters): Promise<PurchaseRow[]> => repo.purchases(f),
    overlaps: (f: PurchaseFilters): Promise<OverlapRow[]> => repo.overlaps(f),
    coverageGaps: (regionCode: string, f: PurchaseFilters): Promise<CoverageGap[]> =>
      repo.coverageGaps(regionCode, f),
    /** Quarters of entry of the whole catalogue, for the filter. */
    quarters: (): Promise<string[]> => repo.quarters(),
    departments: (regionCode: string): Promise<Area[]> => repo.departments(regionCode),
    zones: (regionCode: string): Promise<Area[]> => repo.zones(regionCode),
    zoneNames: (codes: string[]): Promise<Area[]> => repo.zoneNames(codes),
  };
}

export type FundersService = ReturnType<typeof fundersService>;
