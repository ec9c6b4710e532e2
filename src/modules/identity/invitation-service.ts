import { conflict, forbidden, notFound } from '../../shared/errors.js';
import { signPasswordLink } from './credentials.js';
import {
  type Actor,
  INVITATION_TRANSITIONS,
  INVITATION_TTL_SECONDS,
  type InvitationStatus,
  ROLES,
  type Role,
} from './model.js';
import type { MemberInvite } from './schemas.js';
import { type IdentityContext, iso, requireOrgAdmin, requirePerson } from './service-context.js';

const invitationView = <T extends { invitedAt: Date | string; expiresAt: Date | string }>(i: T) => ({
  ...i,
  invitedAt: iso(i.invitedAt)!,
  expiresAt: iso(i.expiresAt)!,
});

/** Invitations to join an organisation: sent and resent by its administrators, answered by the person. */
export function invitationService({ deps, repo, change, passwordLink }: IdentityContext) {
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

  return {
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
  };
}
