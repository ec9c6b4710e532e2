import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app.js';
import type { Config } from '../../config.js';
import { authPages } from './auth-pages.js';
import { organisationPages } from './org-pages.js';

export async function identityPages(app: FastifyInstance, services: Services, config: Config) {
  await authPages(app, services, config);
  await organisationPages(app, services);
}
