import type { ReferentialsService } from './service.js';

/** The services this module's routes use: its own (the module depends on no other). */
export interface ReferentialsDeps {
  referentials: ReferentialsService;
}
