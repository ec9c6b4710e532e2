import type { MatchingNeeds } from './needs.js';
import type { MatchingService } from './service.js';

export type { MatchingNeeds } from './needs.js';

/** The services this module's routes and pages use: its own and those it builds on. */
export interface MatchingDeps extends MatchingNeeds {
  matching: MatchingService;
}
