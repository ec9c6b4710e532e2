import type { Db } from '../../db/database.js';
import { accountRepository } from './account-repository.js';
import { auditRepository } from './audit-repository.js';
import type { Executor } from './executor.js';
import { invitationRepository } from './invitation-repository.js';
import { organisationRepository } from './organisation-repository.js';
import { sessionRepository } from './session-repository.js';
import { tokenRepository } from './token-repository.js';

export type { UserRow } from './account-repository.js';
export type { AuditRecord } from './audit-repository.js';
export { type Executor, PAGE_SIZE } from './executor.js';
export type { OrganisationRow } from './organisation-repository.js';

/**
 * All SQL of the identity module, one object: each concern's queries live in their own file
 * (split when this one passed 300 lines, issue 14), composed here for the services, the CLI and
 * the tests.
 */
export function identityRepository(db: Db) {
  return {
    db,
    transaction: <T>(fn: (tx: Executor) => Promise<T>) => db.transaction().execute(fn),
    ...organisationRepository(db),
    ...accountRepository(db),
    ...invitationRepository(db),
    ...sessionRepository(db),
    ...tokenRepository(db),
    ...auditRepository(db),
  };
}

export type IdentityRepository = ReturnType<typeof identityRepository>;
