import type { PathwaysNeeds } from './needs.js';
import type { PathwaysService } from './service.js';

export type { PathwaysNeeds } from './needs.js';

/** The services this module's routes and pages use: its own and those it builds on. */
export interface PathwaysDeps extends PathwaysNeeds {
  pathways: PathwaysService;
}
