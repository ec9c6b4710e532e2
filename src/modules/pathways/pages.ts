import type { FastifyInstance } from 'fastify';
import type { PathwaysDeps } from './deps.js';
import { iaePages } from './iae-pages.js';
import { orientationPages } from './orientation-pages.js';
import { ratesPages } from './rates-pages.js';
import { timelinePages } from './timeline-pages.js';

/** The pathways' pages: orientations, the timeline, the daily lists, IAE and the CTA. */
export async function pathwaysPages(app: FastifyInstance, deps: PathwaysDeps) {
  await orientationPages(app, deps);
  await timelinePages(app, deps);
  await iaePages(app, deps);
  await ratesPages(app, deps);
}
