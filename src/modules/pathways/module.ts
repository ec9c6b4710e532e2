import { defineModule } from '../module.js';
import { seedDemoPathways } from './demo.js';
import { pathwaysHome, pathwaysNav } from './home.js';
import type { PathwaysNeeds } from './needs.js';
import { pathwaysPages } from './pages.js';
import { pathwaysApiRoutes } from './routes.js';
import { type PathwaysService, pathwaysService } from './service.js';

/** Pathways (issue 12): orientations between partners, the person's timeline, IAE eligibility, PASS IAE, exits and rates. */
export const pathwaysModule = defineModule<'pathways', PathwaysService, PathwaysNeeds>({
  name: 'pathways',
  dependsOn: ['referentials', 'identity', 'trainings', 'persons', 'offers', 'directory'],
  services: ({ db, config }, needs) =>
    pathwaysService(db, needs, { expiryDays: config.orientationExpiryDays }),
  api: (app, services) => pathwaysApiRoutes(app, services),
  pages: (app, services) => pathwaysPages(app, services),
  home: pathwaysHome,
  nav: pathwaysNav,
  demo: seedDemoPathways,
  bench: [
    {
      script: 'bench/pathways.ts',
      measures:
        'chronologie d’une personne, listes du jour d’un conseiller et taux de sorties dynamiques de la région, en boucle ouverte (PGlite et PostgreSQL)',
    },
  ],
});
