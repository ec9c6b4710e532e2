import type { OffersDeps } from '../offers/deps.js';
import type { PersonsDeps } from '../persons/deps.js';
import type { TrainingsDeps } from '../trainings/deps.js';
import type { MatchingService } from './service.js';

/** The services the matching uses: persons (who may see whom), offers, trainings (the gap), referentials. */
export type MatchingNeeds = PersonsDeps & OffersDeps & TrainingsDeps;

/** The services this module's routes and pages use: its own and those it builds on. */
export interface MatchingDeps extends MatchingNeeds {
  matching: MatchingService;
}
