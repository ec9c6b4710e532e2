import { accountService } from './account-service.js';
import { auditService } from './audit-service.js';
import { invitationService } from './invitation-service.js';
import { organisationService } from './organisation-service.js';
import { type IdentityServiceOptions, identityContext } from './service-context.js';
import { sessionService } from './session-service.js';
import { tokenService } from './token-service.js';

// Other modules write their audit lines with recordAudit, imported from here (a module imports
// another only through its service.ts).
export { recordAudit } from './audit-service.js';
export type { IdentityServiceOptions, RequestMeta } from './service-context.js';

/**
 * The identity module's use cases, one object for the routes and pages. Each concern is its own
 * file (split when this one passed 800 lines, issue 14); they share the repository, the login
 * throttle and the audited transaction of `identityContext`.
 */
export function identityService(deps: IdentityServiceOptions) {
  const context = identityContext(deps);
  return {
    repo: context.repo,
    ...sessionService(context),
    ...accountService(context),
    ...organisationService(context),
    ...invitationService(context),
    ...tokenService(context),
    ...auditService(context),
  };
}

export type IdentityService = ReturnType<typeof identityService>;
