import type { Db } from '../../db/database.js';
import type { Mailer } from '../../shared/mailer.js';
import type { MatchingNeeds } from './deps.js';

export interface MatchingOptions {
  mailer?: Mailer;
  publicUrl?: string;
  /** Today's ISO date (tests fix it). */
  today?: () => string;
}

/** Matching people and jobs both ways, with reasons, and the trainings that close the gap (issue 11). */
export function matchingService(db: Db, needs: MatchingNeeds, options: MatchingOptions = {}) {
  void db;
  void needs;
  void options;
  return {};
}

export type MatchingService = ReturnType<typeof matchingService>;
