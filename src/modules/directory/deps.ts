import type { DirectoryNeeds } from './needs.js';
import type { DirectoryService } from './service.js';

export type { DirectoryNeeds } from './needs.js';

/** The services this module's routes and pages use: its own and those it builds on. */
export interface DirectoryDeps extends DirectoryNeeds {
  directory: DirectoryService;
}
