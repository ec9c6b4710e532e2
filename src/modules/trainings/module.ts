import type { IdentityDeps } from '../identity/deps.js';
import { defineModule } from '../module.js';
import { seedDemoCatalogue } from './demo.js';
import { trainingsHome } from './home.js';
import { trainingsNav } from './nav.js';
import { trainingsPages } from './pages.js';
import { trainingsApiRoutes } from './routes.js';
import { type TrainingsService, trainingsService } from './service.js';

/** The regional training offer: LHÉO imports and exports, search, the organismes' own offer, funders. */
export const trainingsModule = defineModule<'trainings', TrainingsService, IdentityDeps>({
  name: 'trainings',
  dependsOn: ['referentials', 'identity'],
  services: ({ db, config }) =>
    trainingsService(db, {
      maxImportBytes: config.lheoMaxBytes,
      uploadDir: config.uploadDir,
      uploadQuotaBytes: config.uploadQuotaBytes,
      fullFeedMinShare: config.lheoFullFeedMinShare,
      searchCacheSize: config.searchCacheSize,
    }),
  api: (app, services, { config }) => trainingsApiRoutes(app, services, config),
  pages: (app, services, { config }) => trainingsPages(app, services, config),
  home: trainingsHome,
  nav: trainingsNav,
  demo: seedDemoCatalogue,
  bench: [
    {
      script: 'bench/trainings.ts',
      measures: 'recherche de formations en charge ouverte, comparée à la recherche historique',
    },
  ],
});
