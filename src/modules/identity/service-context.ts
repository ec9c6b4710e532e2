import type { Db } from '../../db/database.js';
import { forbidden } from '../../shared/errors.js';
import type { Mailer } from '../../shared/mailer.js';
import { type LoginLimit, loginThrottle } from './login-throttle.js';
import { type Actor, isOrgAdmin } from './model.js';
import { type AuditRecord, type Executor, identityRepository } from './repository.js';

export interface IdentityServiceOptions {
  db: Db;
  mailer: Mailer;
  secret: string;
  publicUrl: string;
  sessionTtlHours: number;
  /** Failed logins per account (issue 8, hole 12); unlimited when absent (CLI tools log nobody in). */
  loginAccountLimit?: LoginLimit;
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** A database timestamp as the API's ISO string. */
export const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function actorAudit(
  actor: Actor,
): Pick<AuditRecord, 'actorUserId' | 'actorLabel' | 'actorOrganisationId' | 'ip'> {
  return {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    actorOrganisationId: actor.organisationId,
    ip: actor.ip,
  };
}

/** What a state change writes in the audit log besides its actor (who may act for another organisation). */
export type ChangeAudit = Omit<AuditRecord, keyof ReturnType<typeof actorAudit>> &
  Partial<Pick<AuditRecord, 'actorOrganisationId'>>;

/** What a state change records: its audit line, and the outbox event that others react to. */
interface Recorded {
  audit: ChangeAudit;
  event?: Record<string, unknown>;
}

export function requireOrgAdmin(actor: Actor, organisationId: string) {
  if (!isOrgAdmin(actor, organisationId))
    throw forbidden('Réservé aux administrateurs de cette organisation.');
}

/**
 * Credentials and members are managed by a signed-in person, never by an API token: a token that
 * could create tokens let its children outlive its revocation, and one that could invite or
 * remove members would hand a partner system the organisation's keys (issue 8, hole 4).
 */
export function requirePerson(actor: Actor): asserts actor is Actor & { userId: string } {
  if (actor.via !== 'session' || !actor.userId)
    throw forbidden(
      'Un jeton d’API ne gère ni les jetons, ni les membres, ni les invitations : connectez-vous à Passerelle pour le faire.',
    );
}

/**
 * What the identity services share: the repository, the login throttle (a login counts failures,
 * a password set by mailed link clears them), the transaction that records each change.
 */
export function identityContext(deps: IdentityServiceOptions) {
  const repo = identityRepository(deps.db);
  const loginFailures = loginThrottle(
    deps.loginAccountLimit ?? { max: Number.POSITIVE_INFINITY, windowMs: 0 },
  );

  /**
   * Runs a state change, its audit line and its outbox event in one transaction; resolves to the
   * change's result, if it has one.
   */
  function change<T>(actor: Actor, fn: (tx: Executor) => Promise<Recorded & { result: T }>): Promise<T>;
  function change(actor: Actor, fn: (tx: Executor) => Promise<Recorded>): Promise<void>;
  function change(actor: Actor, fn: (tx: Executor) => Promise<Recorded & { result?: unknown }>) {
    return repo.transaction(async (tx) => {
      const { result, audit, event } = await fn(tx);
      await repo.audit(tx, { ...actorAudit(actor), ...audit });
      if (event) await repo.recordEvent(tx, audit.action, actor.userId, event);
      return result;
    });
  }

  function passwordLink(path: string, token: string) {
    return `${deps.publicUrl}${path}?jeton=${encodeURIComponent(token)}`;
  }

  return { deps, repo, loginFailures, change, passwordLink };
}

export type IdentityContext = ReturnType<typeof identityContext>;
