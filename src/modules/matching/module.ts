import { defineModule } from '../module.js';
import { employerPages } from './candidates-pages.js';
import { candidatesApiRoutes } from './candidates-routes.js';
import { seedDemoMatching } from './demo.js';
import { gapPages } from './gap-pages.js';
import { gapApiRoutes } from './gap-routes.js';
import { matchingHome, matchingNav } from './home.js';
import type { MatchingNeeds } from './needs.js';
import { matchQualityPages } from './quality-page.js';
import { matchQualityApiRoutes } from './quality-routes.js';
import { qualityService } from './quality-service.js';
import { matchingApiRoutes } from './routes.js';
import { type MatchingService, matchingService } from './service.js';
import { spacePages } from './space-suggestions-pages.js';
import { suggestionsPages } from './suggestions-pages.js';

/** Matching people and jobs both ways, with reasons; from a skill gap to a training (issue 11). */
export const matchingModule = defineModule<'matching', MatchingService, MatchingNeeds>({
  name: 'matching',
  dependsOn: ['referentials', 'identity', 'trainings', 'persons', 'offers'],
  services: ({ db, config, mailer }, needs) =>
    matchingService(db, needs, { mailer, publicUrl: config.publicUrl }),
  api: async (app, services, { db, config }) => {
    await matchingApiRoutes(app, services);
    await gapApiRoutes(app, services);
    await candidatesApiRoutes(app, services);
    await matchQualityApiRoutes(app, qualityService(db, config.regionCode));
  },
  pages: async (app, services, { db, config }) => {
    await suggestionsPages(app, services);
    await gapPages(app, services);
    await employerPages(app, services);
    await spacePages(app, services);
    await matchQualityPages(app, qualityService(db, config.regionCode));
  },
  home: matchingHome,
  nav: matchingNav,
  demo: seedDemoMatching,
  bench: [
    {
      script: 'bench/matching.ts',
      measures: 'top 20 offres, candidats, re-calcul, contrôle par force brute',
    },
  ],
});
