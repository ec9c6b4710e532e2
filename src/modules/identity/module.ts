import { defineModule } from '../module.js';
import type { ReferentialsDeps } from '../referentials/deps.js';
import { seedDemoOrganisations } from './demo.js';
import { identityHooks } from './hooks.js';
import { identityNav } from './nav.js';
import { identityPages } from './pages.js';
import { identityApiRoutes } from './routes.js';
import { type IdentityService, identityService } from './service.js';

/**
 * Organisations, people, memberships and roles, sessions and API tokens, the audit log: who is
 * asking, on behalf of which organisation, and the trace of what they read and changed.
 */
export const identityModule = defineModule<'identity', IdentityService, ReferentialsDeps>({
  name: 'identity',
  dependsOn: ['referentials'],
  services: ({ db, mailer, config }) =>
    identityService({
      db,
      mailer,
      secret: config.secret,
      publicUrl: config.publicUrl,
      sessionTtlHours: config.sessionTtlHours,
      loginAccountLimit: config.loginAccountLimit,
    }),
  hooks: (app, services, { config, db }) => identityHooks(app, services, config, db),
  api: (app, services) => identityApiRoutes(app, services),
  nav: identityNav,
  pages: identityPages,
  demo: seedDemoOrganisations,
});
