import { identityModule } from './identity/module.js';
import { matchingModule } from './matching/module.js';
import type { ServicesOf } from './module.js';
import { offersModule } from './offers/module.js';
import { pathwaysModule } from './pathways/module.js';
import { personsModule } from './persons/module.js';
import { referentialsModule } from './referentials/module.js';
import { trainingsModule } from './trainings/module.js';

/**
 * The modules of Passerelle, in dependency order: each uses only the services of those before it
 * (checked at start by `orderFaults` and by a test). Adding a module is one line here.
 */
export const modules = [
  referentialsModule,
  identityModule,
  trainingsModule,
  personsModule,
  offersModule,
  matchingModule,
  pathwaysModule,
] as const;

/** Every module's service under its name: what the app builds and hands to routes and pages. */
export type Services = ServicesOf<typeof modules>;
