import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { TrainingsDeps } from './deps.js';
import { fundersPages } from './funders-page.js';
import { importPages } from './import-pages.js';
import { managePages } from './manage-pages.js';
import { searchPage } from './search-page.js';
import { trainingPages } from './training-page.js';

export async function trainingsPages(app: FastifyInstance, services: TrainingsDeps, config: Config) {
  await searchPage(app, services);
  await importPages(app, services, config);
  await managePages(app, services);
  await trainingPages(app, services, config);
  await fundersPages(app, services, config);
}
