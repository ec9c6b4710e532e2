import type { FastifyInstance } from 'fastify';
import { exchangeApiRoutes } from './api-routes.js';
import type { DirectoryDeps } from './deps.js';
import { searchApiRoutes } from './search-routes.js';

/** The directory's JSON API under /api/v1/directory: the schema's structures and services, search, imports. */
export async function directoryApiRoutes(app: FastifyInstance, deps: DirectoryDeps) {
  await exchangeApiRoutes(app, deps);
  await searchApiRoutes(app, deps);
}
