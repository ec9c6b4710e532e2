import type { IdentityDeps } from '../identity/deps.js';
import { defineModule } from '../module.js';
import { seedDemoOffers } from './demo.js';
import { offersHome, offersNav } from './home.js';
import { offersPages } from './pages.js';
import { offersApiRoutes } from './routes.js';
import { type OffersService, offersService } from './service.js';

/** Employers' and SIAE's job offers (issue 10 §3): offers, states, the France Travail v2 import. */
export const offersModule = defineModule<'offers', OffersService, IdentityDeps>({
  name: 'offers',
  dependsOn: ['referentials', 'identity'],
  services: ({ db, config }) =>
    offersService(db, {
      imports: {
        maxBytes: config.offerImportMaxBytes,
        uploadDir: config.uploadDir,
        quotaBytes: config.uploadQuotaBytes,
      },
    }),
  api: (app, services) => offersApiRoutes(app, services),
  pages: (app, services) => offersPages(app, services),
  home: offersHome,
  nav: offersNav,
  demo: seedDemoOffers,
  bench: [
    {
      script: 'bench/offers-import.ts',
      measures:
        'import d’un flux France Travail « Offres d’emploi v2 » généré : offres/s et pic de mémoire, création puis réimport inchangé',
    },
  ],
});
