import { defineModule } from '../module.js';
import type { MatchingNeeds } from './deps.js';
import { gapPages } from './gap-pages.js';
import { gapApiRoutes } from './gap-routes.js';
import { type MatchingService, matchingService } from './service.js';

/** Matching people and jobs both ways, with reasons; from a skill gap to a training (issue 11). */
export const matchingModule = defineModule<'matching', MatchingService, MatchingNeeds>({
  name: 'matching',
  dependsOn: ['referentials', 'identity', 'trainings', 'persons', 'offers'],
  services: ({ db, config, mailer }, needs) =>
    matchingService(db, needs, { mailer, publicUrl: config.publicUrl }),
  api: (app, services) => gapApiRoutes(app, services),
  pages: (app, services) => gapPages(app, services),
});
