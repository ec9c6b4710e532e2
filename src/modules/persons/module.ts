import type { IdentityDeps } from '../identity/deps.js';
import { defineModule } from '../module.js';
import { seedDemoPersons } from './demo.js';
import { personsHome, personsNav } from './home.js';
import { personsPages } from './pages.js';
import { personsApiRoutes } from './routes.js';
import { type PersonsService, personsService } from './service.js';
import { personSpaceHooks } from './space-pages.js';

/** The job seeker's file (issue 10): identity, situation, wanted jobs, barriers, shares, history. */
export const personsModule = defineModule<'persons', PersonsService, IdentityDeps>({
  name: 'persons',
  dependsOn: ['referentials', 'identity'],
  services: ({ db, config, mailer }) =>
    personsService(db, {
      space: { mailer, publicUrl: config.publicUrl, sessionTtlHours: config.sessionTtlHours },
    }),
  // Who is signed in to their own space (issue 10 §2): request.person, from its own cookie.
  hooks: (app, services, { config }) => personSpaceHooks(app, services, config),
  api: (app, services) => personsApiRoutes(app, services),
  pages: (app, services, { config }) => personsPages(app, services, config),
  home: personsHome,
  nav: personsNav,
  demo: seedDemoPersons,
  bench: [
    { script: 'bench/persons.ts', measures: 'liste « Mes personnes » avec recherche, en charge ouverte' },
  ],
});
