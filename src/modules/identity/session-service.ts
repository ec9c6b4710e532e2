import { forbidden, unauthenticated } from '../../shared/errors.js';
import { randomToken, sha256, verifyPassword } from './credentials.js';
import { LoginThrottled } from './login-throttle.js';
import type { Actor } from './model.js';
import { actorAudit, type IdentityContext, type RequestMeta } from './service-context.js';

/** Logging in and out, the actor behind a session cookie, the organisation a session acts for. */
export function sessionService({ deps, repo, loginFailures, change }: IdentityContext) {
  async function actorForSession(sessionId: string, ip: string | null): Promise<Actor | null> {
    const session = await repo.findSession(sessionId);
    if (!session?.isActive) return null;
    const memberships = await repo.membershipsOf(session.userId);
    // Never another membership than the one the session chose: falling back to the first one let
    // an administrator who added a person switch that person's session to their organisation.
    const current = memberships.find((m) => m.organisationId === session.organisationId) ?? null;
    return {
      via: 'session',
      userId: session.userId,
      label: session.email,
      isSuperAdmin: session.isSuperAdmin,
      organisationId: current?.organisationId ?? null,
      role: current?.role ?? null,
      memberships,
      sessionId: session.id,
      ip,
    };
  }

  return {
    async login(email: string, password: string, meta: RequestMeta) {
      const user = await repo.findUserByEmail(email);
      // Per account: the user's id when the address matches one (the SQL lookup's case folding
      // decides, not ours), else the address itself, so that unknown accounts answer alike.
      const account = user?.id ?? `adresse:${email.trim().toLowerCase()}`;
      const failed = (reason: string) =>
        repo.audit(deps.db, {
          actorUserId: user?.id ?? null,
          actorLabel: email.slice(0, 254),
          actorOrganisationId: null,
          action: 'auth.login_failed',
          ip: meta.ip,
          details: { reason },
        });
      // Checked before the password: during the lock even the right one is refused, or a guess
      // would still be told whether it was right. The attempt counts as failed until it succeeds,
      // in the same tick as the check, so parallel guesses cannot all pass while hashes run.
      const retryAfter = loginFailures.retryAfterSeconds(account);
      if (retryAfter) {
        await failed('trop de tentatives');
        throw new LoginThrottled(retryAfter);
      }
      loginFailures.failed(account);
      const ok = await verifyPassword(user?.is_active ? user.password_hash : null, password);
      if (!user || !ok) {
        await failed(user ? 'mot de passe incorrect' : 'compte inconnu');
        throw unauthenticated('Adresse électronique ou mot de passe incorrect.');
      }
      loginFailures.clear(account);
      const token = randomToken();
      await repo.deleteExpiredSessions();
      const memberships = await repo.membershipsOf(user.id);
      // A person with several organisations chooses one before acting (home page); with exactly
      // one there is nothing to choose.
      const organisationId = memberships.length === 1 ? memberships[0]!.organisationId : null;
      await repo.insertSession({
        id: sha256(token),
        userId: user.id,
        organisationId,
        expiresAt: new Date(Date.now() + deps.sessionTtlHours * 3600_000),
        ...meta,
      });
      await repo.touchLogin(user.id);
      await repo.audit(deps.db, {
        actorUserId: user.id,
        actorLabel: user.email,
        actorOrganisationId: organisationId,
        action: 'auth.login',
        ip: meta.ip,
      });
      return { token, userId: user.id };
    },

    /** The session cookie holds a random token; only its SHA-256 is stored. */
    actorFromSessionToken: (token: string, ip: string | null) => actorForSession(sha256(token), ip),

    async logout(actor: Actor) {
      if (actor.sessionId) await repo.deleteSession(actor.sessionId);
      await repo.audit(deps.db, { ...actorAudit(actor), action: 'auth.logout' });
    },

    async switchOrganisation(actor: Actor, organisationId: string) {
      if (!actor.sessionId) throw forbidden();
      const sessionId = actor.sessionId;
      if (!actor.memberships.some((m) => m.organisationId === organisationId)) {
        throw forbidden('Vous n’êtes pas membre de cette organisation.');
      }
      // Recorded under the organisation chosen: from now on the person's actions are its own.
      await change({ ...actor, organisationId }, async (tx) => {
        await repo.setSessionOrganisation(sessionId, organisationId, tx);
        return {
          audit: {
            action: 'auth.organisation_chosen',
            subjectType: 'organisation',
            subjectId: organisationId,
          },
        };
      });
    },
  };
}
