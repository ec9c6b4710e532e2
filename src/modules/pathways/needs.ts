import type { DirectoryDeps } from '../directory/deps.js';
import type { OffersDeps } from '../offers/deps.js';
import type { PersonsDeps } from '../persons/deps.js';
import type { TrainingsDeps } from '../trainings/deps.js';

/** The services the pathways use: persons (who may see whom, shares), trainings, offers and the directory's services (targets), identity, referentials. */
export type PathwaysNeeds = PersonsDeps & OffersDeps & TrainingsDeps & DirectoryDeps;
