import type { IdentityDeps } from '../identity/deps.js';
import type { PersonsService } from './service.js';

/** The services this module's routes and pages use: its own, identity's and referentials'. */
export interface PersonsDeps extends IdentityDeps {
  persons: PersonsService;
}
