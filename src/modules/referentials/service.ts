import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/database.js';
import { progress } from '../../shared/progress.js';
import { queryTokens } from '../../shared/text.js';
import {
  APPELLATION_INDEX,
  COMMUNE_INDEX,
  type PrefixIndex,
  type ReferentialRows,
  referentialsRepository,
} from './repository.js';
import { administrative, employmentZones, romeAppellations, romeTrades } from './sources.js';

export const MAX_SUGGESTIONS = 20;

export function readReferentialFiles(): ReferentialRows {
  const admin = administrative();
  const zones = employmentZones(admin.communes.map((c) => c.code));
  return {
    source: 'data/referentials + @etalab/decoupage-administratif',
    ...admin,
    trades: romeTrades(),
    appellations: romeAppellations(),
    employmentZones: zones.zones,
    communeEmploymentZones: zones.communeZones,
  };
}

export function referentialsService(db: Db, options: { cacheSize?: number } = {}) {
  const repo = referentialsRepository(db);
  // Referentials change only when reloaded, and autocomplete traffic repeats the same prefixes
  // across counsellors: results are cached per normalised query until the next load.
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = cacheSize > 0 ? new LRUCache<string, object[]>({ max: cacheSize }) : null;
  async function cached<T extends object>(key: string, compute: () => Promise<T[]>): Promise<T[]> {
    const hit = cache?.get(key) as T[] | undefined;
    if (hit) return hit;
    const value = await compute();
    cache?.set(key, value);
    return value;
  }

  /**
   * Prefix search; when it finds nothing, some token starts no known word: retried with each such
   * token replaced by its closest word (typo tolerance).
   */
  async function suggest<T>(index: PrefixIndex<T>, tokens: string[], limit: number): Promise<T[]> {
    const hits = await repo.prefixSearch(index, tokens, limit);
    if (hits.length > 0) return hits;
    const corrected = await repo.correctTypos(index, tokens);
    return corrected ? repo.prefixSearch(index, corrected, limit) : hits;
  }

  function clampLimit(limit: number | undefined) {
    return Math.min(Math.max(limit ?? MAX_SUGGESTIONS, 1), MAX_SUGGESTIONS);
  }

  return {
    async isLoaded(): Promise<boolean> {
      const counts = await repo.loadedCounts();
      // A database loaded before migration 0012 lacks the employment zones: reloading (an upsert)
      // fills them at the next start instead of leaving the funders' zone level empty.
      return (
        (counts.rome_appellations ?? 0) > 0 &&
        (counts.communes ?? 0) > 0 &&
        (counts.employment_zones ?? 0) > 0
      );
    },

    /** Loads or refreshes every referential (idempotent upsert), with a progress line. */
    async load(options: { quiet?: boolean } = {}): Promise<ReferentialRows> {
      const data = readReferentialFiles();
      const total =
        data.regions.length +
        data.departments.length +
        data.epcis.length +
        data.communes.length +
        data.communeHistory.length +
        data.trades.length +
        data.appellations.length +
        data.employmentZones.length +
        data.communeEmploymentZones.length;
      const bar = options.quiet ? null : progress('Référentiels', total);
      await repo.upsertAll(
        data,
        (n) => bar?.tick(n),
        () => {
          bar?.end();
          if (!options.quiet) console.log('Construction des index d’autocomplétion (préfixes des mots)…');
        },
      );
      cache?.clear();
      return data;
    },

    async suggestAppellations(q: string, limit?: number) {
      const tokens = queryTokens(q);
      if (tokens.join('').length < 2) return [];
      const n = clampLimit(limit);
      return cached(`a:${n}:${tokens.join(' ')}`, () => suggest(APPELLATION_INDEX, tokens, n));
    },

    async suggestCommunes(q: string, limit?: number) {
      const compact = q.trim().replace(/\s+/g, '').toUpperCase();
      const n = clampLimit(limit);
      if (/^(\d{2,5}|2[AB]\d{0,3})$/.test(compact)) {
        return cached(`c:${n}:#${compact}`, () => repo.searchCommunesByCode(compact, n));
      }
      const tokens = queryTokens(q);
      if (tokens.join('').length < 2) return [];
      return cached(`c:${n}:${tokens.join(' ')}`, () => suggest(COMMUNE_INDEX, tokens, n));
    },

    communeByCode: (code: string) => repo.communeByCode(code),
    appellationByCode: (code: string) => repo.appellationByCode(code),
    communesWithin: (lat: number, lon: number, radiusKm: number, limit = 500) =>
      repo.communesWithin(lat, lon, radiusKm, limit),
  };
}

export type ReferentialsService = ReturnType<typeof referentialsService>;
