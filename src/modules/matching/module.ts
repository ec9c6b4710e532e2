import { defineModule } from '../module.js';
import { seedDemoMatching } from './demo.js';
import type { MatchingNeeds } from './deps.js';
import { matchQualityPages } from './quality-page.js';
import { matchQualityApiRoutes } from './quality-routes.js';
import { qualityService } from './quality-service.js';
import { type MatchingService, matchingService } from './service.js';

/** Matching people and jobs both ways, with reasons; from a skill gap to a training (issue 11). */
export const matchingModule = defineModule<'matching', MatchingService, MatchingNeeds>({
  name: 'matching',
  dependsOn: ['referentials', 'identity', 'trainings', 'persons', 'offers'],
  services: ({ db, config, mailer }, needs) =>
    matchingService(db, needs, { mailer, publicUrl: config.publicUrl }),
  api: (app, _services, { db, config }) => matchQualityApiRoutes(app, qualityService(db, config.regionCode)),
  pages: (app, _services, { db, config }) => matchQualityPages(app, qualityService(db, config.regionCode)),
  demo: seedDemoMatching,
});
