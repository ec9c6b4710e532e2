import type { Db } from '../../db/database.js';
import type { Mailer } from '../../shared/mailer.js';
import type { MatchingNeeds } from './deps.js';
import { gapUseCases } from './gap-service.js';

export interface MatchingOptions {
  mailer?: Mailer;
  publicUrl?: string;
  /** Today's ISO date (tests fix it). */
  today?: () => string;
}

/** Matching people and jobs both ways, with reasons, and the trainings that close the gap (issue 11). */
export function matchingService(db: Db, needs: MatchingNeeds, options: MatchingOptions = {}) {
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  return { ...gapUseCases(db, needs, today) };
}

export type MatchingService = ReturnType<typeof matchingService>;
