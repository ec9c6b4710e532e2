import type { IdentityDeps } from '../identity/deps.js';
import type { OffersService } from './service.js';

/** The services this module's routes and pages use: its own, identity's and referentials'. */
export interface OffersDeps extends IdentityDeps {
  offers: OffersService;
}
