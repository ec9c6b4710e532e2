import { defineModule } from '../module.js';
import type { MatchingNeeds } from './deps.js';
import { type MatchingService, matchingService } from './service.js';

/** Matching people and jobs both ways, with reasons; from a skill gap to a training (issue 11). */
export const matchingModule = defineModule<'matching', MatchingService, MatchingNeeds>({
  name: 'matching',
  dependsOn: ['referentials', 'identity', 'trainings', 'persons', 'offers'],
  services: ({ db, config, mailer }, needs) =>
    matchingService(db, needs, { mailer, publicUrl: config.publicUrl }),
  bench: [
    {
      script: 'bench/matching.ts',
      measures: 'top 20 offres, candidats, re-calcul, contrôle par force brute',
    },
  ],
});
