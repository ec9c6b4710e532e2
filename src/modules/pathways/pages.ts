import type { FastifyInstance } from 'fastify';
import type { PathwaysDeps } from './deps.js';
import { iaePages } from './iae-pages.js';
import { ratesPages } from './rates-pages.js';

/** The pathways' pages: orientations, the timeline, the daily lists, IAE and the CTA. */
export async function pathwaysPages(app: FastifyInstance, deps: PathwaysDeps) {
  await iaePages(app, deps);
  await ratesPages(app, deps);
}
