import type { Db } from '../../db/database.js';
import { catalogueReadRepository } from './catalogue-read-repository.js';
import { lookupRepository } from './lookup-repository.js';
import { offerRepository } from './offer-repository.js';

export type { ActionView, SessionView, TrainingView } from './catalogue-read-repository.js';
export type { SessionPatch } from './offer-repository.js';

/**
 * The catalogue's SQL, by concern: its reads (catalogue-read-repository.ts), the offer's edits
 * (offer-repository.ts) and the lookups of a search or an import plan (lookup-repository.ts).
 */
export function catalogueRepository(db: Db) {
  return { ...catalogueReadRepository(db), ...offerRepository(db), ...lookupRepository(db) };
}

export type CatalogueRepository = ReturnType<typeof catalogueRepository>;
