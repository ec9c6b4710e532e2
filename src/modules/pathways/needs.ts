import type { OffersDeps } from '../offers/deps.js';
import type { PersonsDeps } from '../persons/deps.js';
import type { TrainingsDeps } from '../trainings/deps.js';

/** The services the pathways use: persons (who may see whom, shares), trainings and offers (targets), identity, referentials. */
export type PathwaysNeeds = PersonsDeps & OffersDeps & TrainingsDeps;
