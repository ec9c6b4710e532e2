import type { Db } from '../../db/database.js';
import type { CatalogueRepository } from './repository.js';

/** A query string or form as a client sent it, before filtersFrom (search-service.ts) checks it. */
export type RawQuery = Record<string, unknown>;

/** A field of a raw query, trimmed; null when empty or absent. */
export const str = (q: RawQuery, k: string) => {
  const v = q[k];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;
};

/** What trainingsService is built with (config.ts); each part reads the options it needs. */
export interface TrainingsOptions {
  maxImportBytes: number;
  /** Where uploads wait for their import, and the room they may take together (uploads.ts). */
  uploadDir: string;
  uploadQuotaBytes: number;
  /** LHEO_FULL_FEED_MIN_SHARE (config.ts). */
  fullFeedMinShare?: number;
  searchCacheSize?: number;
  today?: () => string;
  /** Clock of the result cache, in ms (tests move it). */
  now?: () => number;
}

/** What the parts of the trainings service share (service.ts composes them). */
export interface ServiceContext {
  db: Db;
  catalogue: CatalogueRepository;
  /** Every change of the catalogue made here calls it: the search's caches empty (search-service.ts). */
  changed: () => void;
}
