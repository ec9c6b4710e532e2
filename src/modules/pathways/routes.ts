import type { FastifyInstance } from 'fastify';
import type { PathwaysDeps } from './deps.js';
import { iaeApiRoutes } from './iae-routes.js';
import { ratesApiRoutes } from './rates-routes.js';

/** The pathways API (issue 12 §7): orientations, timeline, daily lists, and the IAE and rates routes. */
export async function pathwaysApiRoutes(app: FastifyInstance, deps: PathwaysDeps) {
  await iaeApiRoutes(app, deps);
  await ratesApiRoutes(app, deps);
}
