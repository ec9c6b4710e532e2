import type { ReferentialsDeps } from '../referentials/deps.js';
import type { IdentityService } from './service.js';

/** The services this module's routes and pages use: its own, and the communes of referentials. */
export interface IdentityDeps extends ReferentialsDeps {
  identity: IdentityService;
}
