import type { OffersDeps } from '../offers/deps.js';
import type { PersonsDeps } from '../persons/deps.js';
import type { TrainingsDeps } from '../trainings/deps.js';

/** The services the matching uses: persons (who may see whom), offers, trainings (the gap), referentials. */
export type MatchingNeeds = PersonsDeps & OffersDeps & TrainingsDeps;
