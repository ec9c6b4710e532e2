import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../module.js';
import { accountPages } from './account-page.js';
import { auditPage } from './audit-page.js';
import { authPages } from './auth-pages.js';
import type { IdentityDeps } from './deps.js';
import { homePage } from './home-page.js';
import { memberPages } from './member-pages.js';
import { organisationPages } from './organisation-pages.js';
import { tokenPages } from './token-pages.js';

export async function identityPages(
  app: FastifyInstance,
  services: IdentityDeps,
  { config, homeOffers }: ModuleContext,
) {
  await authPages(app, services, config);
  await accountPages(app, services);
  await homePage(app, services, homeOffers);
  for (const register of [organisationPages, memberPages, auditPage]) await register(app, services);
  await tokenPages(app, services, config);
}
