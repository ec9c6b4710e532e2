import type { Db } from '../../db/database.js';
import { conflict, forbidden, invalid, notFound, unauthenticated } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import type { Mailer } from '../../shared/mailer.js';
import { isValidSiret, normaliseSiret } from '../../shared/siret.js';
import {
  hashPassword,
  passwordWeakness,
  randomToken,
  readPasswordLink,
  sha256,
  signPasswordLink,
  verifyPassword,
  verifyPasswordLink,
} from './credentials.js';
import { type LoginLimit, LoginThrottled, loginThrottle } from './login-throttle.js';
import {
  type Actor,
  INVITATION_TRANSITIONS,
  INVITATION_TTL_SECONDS,
  type InvitationStatus,
  isMemberOf,
  isOrgAdmin,
  ORGANISATION_KINDS,
  ROLES,
  type Role,
  SIRET_REQUIRED,
} from './model.js';
import { type AuditRecord, type Executor, identityRepository, PAGE_SIZE } from './repository.js';
import type {
  ApiTokenCreate,
  AuditQuery,
  MemberInvite,
  OrganisationInput,
  OrganisationPatch,
  OrganisationQuery,
} from './schemas.js';

export interface IdentityDeps {
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

const RESET_TTL_SECONDS = 3600;
const API_TOKEN_PREFIX = 'psl_';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const invitationView = <T extends { invitedAt: Date | string; expiresAt: Date | string }>(i: T) => ({
  ...i,
  invitedAt: iso(i.invitedAt)!,
  expiresAt: iso(i.expiresAt)!,
});

function actorAudit(
  actor: Actor,
): Pick<AuditRecord, 'actorUserId' | 'actorLabel' | 'actorOrganisationId' | 'ip'> {
  return {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    actorOrganisationId: actor.organisationId,
    ip: actor.ip,
  };
}

/**
 * One audit line for what the actor did, written with `tx` so that it commits or rolls back with
 * the change it records. Other modules write their audit lines through this (the audit log is the
 * identity module's table); the app writes the audited reads with it (see shared/audit.ts).
 */
export async function recordAudit(
  tx: Executor,
  actor: Actor | null,
  entry: Omit<AuditRecord, keyof ReturnType<typeof actorAudit>>,
) {
  const who = actor
    ? actorAudit(actor)
    : { actorUserId: null, actorLabel: 'anonyme', actorOrganisationId: null, ip: null };
  await identityRepository(tx).audit(tx, { ...who, ...entry });
}

export function identityService(deps: IdentityDeps) {
  const repo = identityRepository(deps.db);
  const loginFailures = loginThrottle(
    deps.loginAccountLimit ?? { max: Number.POSITIVE_INFINITY, windowMs: 0 },
  );

  /** Runs a state change, its audit line and its outbox event in one transaction. */
  function change<T>(
    actor: Actor,
    fn: (tx: Executor) => Promise<{
      result: T;
      audit: Omit<AuditRecord, keyof ReturnType<typeof actorAudit>> &
        Partial<Pick<AuditRecord, 'actorOrganisationId'>>;
      event?: Record<string, unknown>;
    }>,
  ): Promise<T> {
    return repo.transaction(async (tx) => {
      const { result, audit, event } = await fn(tx);
      await repo.audit(tx, { ...actorAudit(actor), ...audit });
      if (event) await repo.recordEvent(tx, audit.action, actor.userId, event);
      return result;
    });
  }

  /**
   * The invitation mail: an account without a password gets its activation link (valid as long as
   * the invitation), a known account only the way to answer. Sent again, word for word, by a resend.
   */
  async function sendInvitationMail(m: {
    to: string;
    firstName: string;
    userId: string;
    passwordHash: string | null;
    inviter: string;
    organisationName: string;
    role: Role;
  }) {
    const answer = `Votre réponse vous est demandée sur la page d’accueil de Passerelle (invitation valable 7 jours) : ${deps.publicUrl}/`;
    const link = m.passwordHash
      ? `Connectez-vous avec votre compte habituel. ${answer}`
      : `Pour activer votre compte, choisissez votre mot de passe (lien valable 7 jours) :\n${passwordLink('/mot-de-passe/nouveau', signPasswordLink(deps.secret, m.userId, m.passwordHash, INVITATION_TTL_SECONDS))}\n\nConnectez-vous ensuite : vous accepterez ou refuserez l’invitation sur la page d’accueil.`;
    await deps.mailer.send({
      to: m.to,
      subject: `Passerelle — invitation à rejoindre ${m.organisationName}`,
      text: `Bonjour ${m.firstName},\n\n${m.inviter} vous invite à rejoindre « ${m.organisationName} » sur Passerelle avec le rôle ${ROLES[m.role].toLowerCase()}.\n\n${link}\n\nSi vous ne connaissez pas cette organisation, refusez l’invitation ou ignorez ce message : rien ne change sans votre accord.\n`,
    });
  }

  function requireOrgAdmin(actor: Actor, organisationId: string) {
    if (!isOrgAdmin(actor, organisationId))
      throw forbidden('Réservé aux administrateurs de cette organisation.');
  }

  /**
   * Credentials and members are managed by a signed-in person, never by an API token: a token that
   * could create tokens let its children outlive its revocation, and one that could invite or
   * remove members would hand a partner system the organisation's keys (issue 8, hole 4).
   */
  function requirePerson(actor: Actor): asserts actor is Actor & { userId: string } {
    if (actor.via !== 'session' || !actor.userId)
      throw forbidden(
        'Un jeton d’API ne gère ni les jetons, ni les membres, ni les invitations : connectez-vous à Passerelle pour le faire.',
      );
  }

  /**
   * Moves a pending invitation to its final state. The invitee answers it (audited under the
   * inviting organisation, whose administrators must see the answer; a refusal without the
   * person's IP address, since they declined any tie with it); the organisation revokes it.
   */
  async function closeInvitation(
    actor: Actor & { userId: string },
    invitationId: string,
    to: Exclude<InvitationStatus, 'pending' | 'expired'>,
    scope: { userId: string } | { organisationId: string },
  ) {
    return change(
      to === 'revoked' ? actor : { ...actor, organisationId: null, ip: to === 'declined' ? null : actor.ip },
      async (tx) => {
        const invitation = await repo.findInvitation(invitationId, tx);
        const inScope =
          invitation &&
          ('userId' in scope
            ? invitation.userId === scope.userId
            : invitation.organisationId === scope.organisationId);
        if (!invitation || !inScope) throw notFound('Invitation introuvable.');
        // The transition table says which moves exist; the conditional update makes the move once.
        const allowed = INVITATION_TRANSITIONS[invitation.status].includes(to);
        if (!allowed || !(await repo.closeInvitation(tx, invitation.id, to, actor.userId)))
          throw conflict(
            'invitation',
            'Cette invitation n’est plus en attente : elle a expiré, ou a déjà été acceptée, refusée ou révoquée.',
          );
        if (to === 'accepted') {
          await repo.insertMembership(tx, invitation.userId, invitation.organisationId, invitation.role);
          // Accepting is choosing: a session that acted for no organisation now acts for this one.
          if (actor.sessionId && !actor.organisationId)
            await repo.setSessionOrganisation(actor.sessionId, invitation.organisationId, tx);
        }
        const details = { organisationId: invitation.organisationId, role: invitation.role };
        return {
          result: invitation,
          audit: {
            action: `membership.invitation_${to}`,
            subjectType: 'membership_invitation',
            subjectId: invitation.id,
            details: { ...details, email: invitation.email },
            ...(to === 'revoked' ? {} : { actorOrganisationId: invitation.organisationId }),
          },
          event: { invitationId: invitation.id, userId: invitation.userId, ...details },
        };
      },
    );
  }

  async function checkOrganisationFields(
    input: OrganisationPatch,
    kind: string,
    tx: Executor,
    selfId?: string,
  ) {
    let siret = input.siret === undefined ? undefined : input.siret ? normaliseSiret(input.siret) : null;
    if (siret !== undefined && siret !== null) {
      if (!isValidSiret(siret))
        throw invalid('siret', 'Le SIRET doit comporter 14 chiffres et une clé de contrôle valide.');
      const owner = await repo.organisationIdBySiret(siret, tx);
      if (owner && owner !== selfId) throw conflict('siret', 'Une organisation porte déjà ce SIRET.');
    }
    if (siret === '') siret = null;
    if (input.communeCode && !(await repo.communeExists(input.communeCode, tx))) {
      throw invalid('communeCode', `Le code commune INSEE « ${input.communeCode} » n’existe pas.`);
    }
    return { siret, kindNeedsSiret: SIRET_REQUIRED.has(kind as never) };
  }

  function passwordLink(path: string, token: string) {
    return `${deps.publicUrl}${path}?jeton=${encodeURIComponent(token)}`;
  }

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
    repo,

    // Authentication ------------------------------------------------------------------------------
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

    async actorFromApiToken(token: string, ip: string | null): Promise<Actor | null> {
      if (!token.startsWith(API_TOKEN_PREFIX)) return null;
      const row = await repo.findActiveApiToken(sha256(token));
      if (!row) return null;
      await repo.touchApiToken(row.id);
      return {
        via: 'token',
        userId: null,
        label: `jeton API « ${row.name} »`,
        isSuperAdmin: false,
        organisationId: row.organisationId,
        role: row.role,
        memberships: [
          {
            organisationId: row.organisationId,
            organisationName: row.organisationName,
            organisationKind: row.organisationKind,
            role: row.role,
          },
        ],
        tokenId: row.id,
        ip,
      };
    },

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
          result: undefined,
          audit: {
            action: 'auth.organisation_chosen',
            subjectType: 'organisation',
            subjectId: organisationId,
          },
        };
      });
    },

    async requestPasswordReset(email: string, meta: RequestMeta) {
      const user = await repo.findUserByEmail(email);
      // Same answer whether or not the account exists (no account enumeration).
      if (!user?.is_active) return;
      const token = signPasswordLink(deps.secret, user.id, user.password_hash, RESET_TTL_SECONDS);
      await deps.mailer.send({
        to: user.email,
        subject: 'Passerelle — réinitialisation de votre mot de passe',
        text: `Bonjour ${user.first_name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, une seule fois) :\n${passwordLink('/mot-de-passe/nouveau', token)}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message.`,
      });
      await repo.audit(deps.db, {
        actorUserId: user.id,
        actorLabel: user.email,
        actorOrganisationId: null,
        action: 'auth.password_reset_requested',
        ip: meta.ip,
      });
    },

    async checkPasswordLink(token: string) {
      const parsed = readPasswordLink(token);
      const user = parsed && isUuid(parsed.userId) ? await repo.findUser(parsed.userId) : undefined;
      if (!user || !verifyPasswordLink(deps.secret, token, user.password_hash)) {
        throw invalid(
          'jeton',
          'Ce lien n’est plus valable : il a expiré ou a déjà servi. Demandez-en un nouveau.',
        );
      }
      return user;
    },

    async setPasswordWithLink(token: string, password: string, meta: RequestMeta) {
      const weakness = passwordWeakness(password);
      if (weakness) throw invalid('password', weakness);
      const user = await this.checkPasswordLink(token);
      const hash = await hashPassword(password);
      await repo.transaction(async (tx) => {
        await repo.updateUser(tx, user.id, { passwordHash: hash });
        await repo.deleteUserSessions(tx, user.id);
        await repo.audit(tx, {
          actorUserId: user.id,
          actorLabel: user.email,
          actorOrganisationId: null,
          action: 'auth.password_set',
          ip: meta.ip,
        });
      });
      loginFailures.clear(user.id); // the e-mailed link proved the user (issue 8, hole 12)
    },

    async changePassword(actor: Actor, current: string, next: string) {
      if (!actor.userId) throw forbidden();
      const user = await repo.findUser(actor.userId);
      if (!user || !(await verifyPassword(user.password_hash, current))) {
        throw invalid('currentPassword', 'Le mot de passe actuel est incorrect.');
      }
      const weakness = passwordWeakness(next);
      if (weakness) throw invalid('newPassword', weakness);
      const hash = await hashPassword(next);
      await change(actor, async (tx) => {
        await repo.updateUser(tx, user.id, { passwordHash: hash });
        await repo.deleteUserSessions(tx, user.id, actor.sessionId);
        return {
          result: undefined,
          audit: { action: 'auth.password_changed', subjectType: 'user', subjectId: user.id },
        };
      });
    },

    async profile(actor: Actor) {
      if (!actor.userId) throw forbidden();
      const user = await repo.findUser(actor.userId);
      if (!user) throw notFound();
      return { email: user.email, firstName: user.first_name, lastName: user.last_name };
    },

    async updateProfile(actor: Actor, values: { firstName: string; lastName: string }) {
      if (!actor.userId) throw forbidden();
      const firstName = values.firstName.trim();
      const lastName = values.lastName.trim();
      if (!firstName) throw invalid('firstName', 'Le prénom est obligatoire.');
      if (!lastName) throw invalid('lastName', 'Le nom est obligatoire.');
      const userId = actor.userId;
      await change(actor, async (tx) => {
        await repo.updateUser(tx, userId, { firstName, lastName });
        return {
          result: undefined,
          audit: { action: 'user.profile_updated', subjectType: 'user', subjectId: userId },
        };
      });
    },

    /** For `npm run create-admin`: the first super-admin of a bare database. */
    async createSuperAdmin(values: { email: string; firstName: string; lastName: string; password: string }) {
      const weakness = passwordWeakness(values.password);
      if (weakness) throw invalid('password', weakness);
      if (await repo.findUserByEmail(values.email))
        throw conflict('email', 'Un compte existe déjà avec cette adresse.');
      const passwordHash = await hashPassword(values.password);
      return repo.transaction(async (tx) => {
        const id = await repo.insertUser(tx, { ...values, passwordHash, superAdmin: true });
        await repo.audit(tx, {
          actorUserId: null,
          actorLabel: 'ligne de commande',
          actorOrganisationId: null,
          action: 'user.super_admin_created',
          subjectType: 'user',
          subjectId: id,
        });
        return id;
      });
    },

    // Organisations -------------------------------------------------------------------------------
    async listOrganisations(_actor: Actor, query: OrganisationQuery) {
      // The partner directory (name, kind, commune) is shared by every signed-in user.
      const page = query.page ?? 1;
      const { items, total } = await repo.listOrganisations({ q: query.q, kind: query.kind, page });
      return {
        items: items.map((o) => ({ ...o, kindLabel: ORGANISATION_KINDS[o.kind] })),
        total,
        page,
        pageSize: PAGE_SIZE,
      };
    },

    async getOrganisation(_actor: Actor, id: string) {
      const o = await repo.findOrganisation(id);
      if (!o) throw notFound('Organisation introuvable.');
      return { ...o, kindLabel: ORGANISATION_KINDS[o.kind] };
    },

    async createOrganisation(actor: Actor, input: OrganisationInput) {
      if (!actor.isSuperAdmin) throw forbidden('Seul un super-administrateur crée des organisations.');
      const id = await change(actor, async (tx) => {
        const { siret, kindNeedsSiret } = await checkOrganisationFields(input, input.kind, tx);
        if (kindNeedsSiret && !siret)
          throw invalid('siret', 'Le SIRET est obligatoire pour ce type d’organisation.');
        const newId = await repo.insertOrganisation(tx, {
          name: input.name.trim(),
          kind: input.kind,
          siret: siret ?? null,
          communeCode: input.communeCode || null,
          email: input.email || null,
          phone: input.phone || null,
        });
        return {
          result: newId,
          audit: {
            action: 'organisation.created',
            subjectType: 'organisation',
            subjectId: newId,
            details: { name: input.name },
          },
          event: { organisationId: newId },
        };
      });
      return this.getOrganisation(actor, id);
    },

    async updateOrganisation(actor: Actor, id: string, patch: OrganisationPatch) {
      const existing = await repo.findOrganisation(id);
      if (!existing) throw notFound('Organisation introuvable.');
      requireOrgAdmin(actor, id);
      if (patch.kind && patch.kind !== existing.kind && !actor.isSuperAdmin) {
        throw forbidden('Seul un super-administrateur change le type d’une organisation.');
      }
      await change(actor, async (tx) => {
        const kind = patch.kind ?? existing.kind;
        const { siret, kindNeedsSiret } = await checkOrganisationFields(patch, kind, tx, id);
        const finalSiret = siret === undefined ? existing.siret : siret;
        if (kindNeedsSiret && !finalSiret)
          throw invalid('siret', 'Le SIRET est obligatoire pour ce type d’organisation.');
        await repo.updateOrganisation(tx, id, {
          ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
          ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
          ...(siret !== undefined ? { siret } : {}),
          ...(patch.communeCode !== undefined ? { communeCode: patch.communeCode || null } : {}),
          ...(patch.email !== undefined ? { email: patch.email || null } : {}),
          ...(patch.phone !== undefined ? { phone: patch.phone || null } : {}),
        });
        return {
          result: undefined,
          audit: {
            action: 'organisation.updated',
            subjectType: 'organisation',
            subjectId: id,
            details: { fields: Object.keys(patch) },
          },
          event: { organisationId: id },
        };
      });
      return this.getOrganisation(actor, id);
    },

    // Members -------------------------------------------------------------------------------------
    async listMembers(actor: Actor, organisationId: string) {
      if (!(await repo.findOrganisation(organisationId))) throw notFound('Organisation introuvable.');
      if (!isMemberOf(actor, organisationId))
        throw forbidden('Vous ne voyez que les membres de votre organisation.');
      const rows = await repo.members(organisationId);
      return rows.map((m) => ({ ...m, lastLoginAt: iso(m.lastLoginAt) }));
    },

    /**
     * Invites a person: nobody becomes a member without accepting. An unknown address gets an account
     * without a password (its owner chooses one through the mailed link, then accepts on the home
     * page, like anyone invited); a known account only gets a pending invitation. The platform's
     * super-admins are never members of an organisation.
     */
    async inviteMember(actor: Actor, organisationId: string, input: MemberInvite) {
      requirePerson(actor);
      const invitedBy = actor.userId;
      const organisation = await repo.findOrganisation(organisationId);
      if (!organisation) throw notFound('Organisation introuvable.');
      requireOrgAdmin(actor, organisationId);
      const email = input.email.trim().toLowerCase();
      const { userId, invitationId, passwordHash, firstName } = await change(actor, async (tx) => {
        // A super-admin's address is invited like any other (they can only decline): a refusal
        // naming the role would tell any organisation admin which addresses hold the platform's
        // highest rights (found probing issue 8's routes as a hostile partner).
        const existing = await repo.findUserByEmail(email, tx);
        if (existing && (await repo.membership(existing.id, organisationId, tx))) {
          throw conflict('email', 'Cette personne est déjà membre de l’organisation.');
        }
        const pending = existing && (await repo.pendingInvitation(existing.id, organisationId, tx));
        if (pending) {
          if (new Date(pending.expiresAt) > new Date())
            throw conflict('email', 'Une invitation attend déjà la réponse de cette personne.');
          await repo.closeInvitation(tx, pending.id, 'expired', null);
        }
        const id =
          existing?.id ??
          (await repo.insertUser(tx, {
            email,
            firstName: input.firstName.trim(),
            lastName: input.lastName.trim(),
            passwordHash: null,
          }));
        const newInvitation = await repo.insertInvitation(tx, {
          organisationId,
          userId: id,
          email,
          role: input.role,
          invitedBy,
          expiresAt: new Date(Date.now() + INVITATION_TTL_SECONDS * 1000),
        });
        return {
          result: {
            userId: id,
            invitationId: newInvitation,
            passwordHash: existing ? existing.password_hash : null,
            firstName: existing?.first_name ?? input.firstName.trim(),
          },
          audit: {
            action: 'membership.invited',
            subjectType: 'membership_invitation',
            subjectId: newInvitation,
            details: { organisationId, role: input.role, email, userId: id },
          },
          event: { invitationId: newInvitation, userId: id, organisationId, role: input.role },
        };
      }).catch((error: unknown) => {
        // Two administrators inviting the same person at once: the unique index on pending
        // invitations (or on e-mail addresses) lets one win; the other gets the same answer as later.
        if ((error as { code?: string }).code === '23505')
          throw conflict('email', 'Une invitation attend déjà la réponse de cette personne.');
        throw error;
      });
      await sendInvitationMail({
        to: email,
        firstName,
        userId,
        passwordHash,
        inviter: actor.label,
        organisationName: organisation.name,
        role: input.role,
      });
      // Only the invitation: the invited account's id is nobody's business before it accepts.
      return { invitationId };
    },

    /** An organisation's pending invitations, for its administrators. */
    async listInvitations(actor: Actor, organisationId: string) {
      if (!(await repo.findOrganisation(organisationId))) throw notFound('Organisation introuvable.');
      requireOrgAdmin(actor, organisationId);
      return (await repo.openInvitations({ organisationId })).map(invitationView);
    },

    async revokeInvitation(actor: Actor, organisationId: string, invitationId: string) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      await closeInvitation(actor, invitationId, 'revoked', { organisationId });
    },

    /**
     * Sends a pending invitation again, valid 7 more days from now (the person lost the mail, or
     * it expired unread): same invitation, no second one. Only while it is still pending.
     */
    async resendInvitation(actor: Actor, organisationId: string, invitationId: string) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      const organisation = await repo.findOrganisation(organisationId);
      if (!organisation) throw notFound('Organisation introuvable.');
      const invitation = await change(actor, async (tx) => {
        const found = await repo.findInvitation(invitationId, tx);
        if (!found || found.organisationId !== organisationId) throw notFound('Invitation introuvable.');
        const expiresAt = new Date(Date.now() + INVITATION_TTL_SECONDS * 1000);
        if (!(await repo.renewInvitation(tx, found.id, expiresAt)))
          throw conflict(
            'invitation',
            'Cette invitation n’est plus en attente : elle a déjà été acceptée, refusée ou annulée.',
          );
        return {
          result: found,
          audit: {
            action: 'membership.invitation_resent',
            subjectType: 'membership_invitation',
            subjectId: found.id,
            details: { organisationId, role: found.role, email: found.email, userId: found.userId },
          },
        };
      });
      const user = await repo.findUser(invitation.userId);
      if (!user) throw notFound('Invitation introuvable.');
      await sendInvitationMail({
        to: invitation.email,
        firstName: user.first_name,
        userId: user.id,
        passwordHash: user.password_hash,
        inviter: actor.label,
        organisationName: organisation.name,
        role: invitation.role,
      });
    },

    /** The invitations waiting for the signed-in person's answer. */
    async myInvitations(actor: Actor) {
      requirePerson(actor);
      return (await repo.openInvitations({ userId: actor.userId })).map(invitationView);
    },

    async acceptInvitation(actor: Actor, invitationId: string) {
      requirePerson(actor);
      // A super-admin has platform-wide rights; as a member their actions would also land in an
      // organisation's log and under its administrators' control. They use a personal account there.
      if (actor.isSuperAdmin)
        throw forbidden(
          'Un super-administrateur n’est membre d’aucune organisation : utilisez un compte personnel.',
        );
      await closeInvitation(actor, invitationId, 'accepted', { userId: actor.userId });
    },

    async declineInvitation(actor: Actor, invitationId: string) {
      requirePerson(actor);
      await closeInvitation(actor, invitationId, 'declined', { userId: actor.userId });
    },

    async changeMemberRole(actor: Actor, organisationId: string, userId: string, role: Role) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      await change(actor, async (tx) => {
        const current = await repo.membership(userId, organisationId, tx);
        if (!current) throw notFound('Ce membre n’appartient pas à l’organisation.');
        if (
          current.role === 'administrateur' &&
          role !== 'administrateur' &&
          (await repo.countAdmins(organisationId, tx)) <= 1
        ) {
          throw conflict('role', 'L’organisation doit garder au moins un administrateur.');
        }
        await repo.updateMembership(tx, userId, organisationId, role);
        return {
          result: undefined,
          audit: {
            action: 'membership.role_changed',
            subjectType: 'user',
            subjectId: userId,
            details: { organisationId, from: current.role, to: role },
          },
          event: { userId, organisationId, role },
        };
      });
    },

    async removeMember(actor: Actor, organisationId: string, userId: string) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      await change(actor, async (tx) => {
        const current = await repo.membership(userId, organisationId, tx);
        if (!current) throw notFound('Ce membre n’appartient pas à l’organisation.');
        if (current.role === 'administrateur' && (await repo.countAdmins(organisationId, tx)) <= 1) {
          throw conflict('userId', 'L’organisation doit garder au moins un administrateur.');
        }
        await repo.deleteMembership(tx, userId, organisationId);
        return {
          result: undefined,
          audit: {
            action: 'membership.removed',
            subjectType: 'user',
            subjectId: userId,
            details: { organisationId, role: current.role },
          },
          event: { userId, organisationId },
        };
      });
    },

    // API tokens ----------------------------------------------------------------------------------
    async listApiTokens(actor: Actor, organisationId: string) {
      requireOrgAdmin(actor, organisationId);
      const rows = await repo.apiTokens(organisationId);
      return rows.map((t) => ({
        ...t,
        createdAt: iso(t.createdAt)!,
        lastUsedAt: iso(t.lastUsedAt),
        revokedAt: iso(t.revokedAt),
      }));
    },

    /** Returns the clear token once; only its hash is kept. */
    async createApiToken(actor: Actor, organisationId: string, input: ApiTokenCreate) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      if (!(await repo.findOrganisation(organisationId))) throw notFound('Organisation introuvable.');
      const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
      const id = await change(actor, async (tx) => {
        const newId = await repo.insertApiToken(tx, {
          organisationId,
          name: input.name.trim(),
          role: input.role,
          hash: sha256(token),
          prefix: token.slice(0, 10),
          createdBy: actor.userId,
        });
        return {
          result: newId,
          audit: {
            action: 'api_token.created',
            subjectType: 'api_token',
            subjectId: newId,
            details: { organisationId, name: input.name, role: input.role },
          },
        };
      });
      return { id, token };
    },

    async revokeApiToken(actor: Actor, organisationId: string, tokenId: string) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      await change(actor, async (tx) => {
        if (!(await repo.revokeApiToken(tx, organisationId, tokenId)))
          throw notFound('Jeton introuvable ou déjà révoqué.');
        return {
          result: undefined,
          audit: {
            action: 'api_token.revoked',
            subjectType: 'api_token',
            subjectId: tokenId,
            details: { organisationId },
          },
        };
      });
    },

    /** Every organisation's name, for the super-admin's filters. */
    async organisationChoices(actor: Actor) {
      if (!actor.isSuperAdmin) throw forbidden();
      return repo.organisationNames();
    },

    // Audit log -----------------------------------------------------------------------------------
    async listAudit(actor: Actor, query: AuditQuery) {
      let organisationId = query.organisationId;
      if (!actor.isSuperAdmin) {
        if (!actor.organisationId && actor.memberships.length > 0)
          throw forbidden(
            'Choisissez d’abord, sur la page d’accueil, l’organisation pour laquelle vous agissez.',
          );
        if (actor.role !== 'administrateur' || !actor.organisationId) {
          throw forbidden('Le journal est réservé aux administrateurs.');
        }
        if (organisationId && organisationId !== actor.organisationId)
          throw forbidden('Vous ne voyez que le journal de votre organisation.');
        organisationId = actor.organisationId;
      }
      const page = query.page ?? 1;
      const { items, total } = await repo.auditEntries({ ...query, organisationId, page });
      return {
        items: items.map((e) => ({ ...e, occurredAt: iso(e.occurredAt)! })),
        total,
        page,
        pageSize: PAGE_SIZE,
      };
    },

    /** Every module calls this when a person's file is read (RGPD accountability). */
    async recordRead(
      actor: Actor,
      subjectType: string,
      subjectId: string,
      details: Record<string, unknown> = {},
    ) {
      await repo.audit(deps.db, {
        ...actorAudit(actor),
        action: 'person.read',
        subjectType,
        subjectId,
        details,
      });
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;
