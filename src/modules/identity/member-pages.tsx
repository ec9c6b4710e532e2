import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { looksLikeEmail } from '../../shared/formats.js';
import { Badges, ButtonsGroup, DataTable } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { FieldGrid, InputField, SelectField } from '../../web/form.js';
import { ActionButton } from '../../web/form-actions.js';
import { formatCount, formatDateTime } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { type Confirmation, ConfirmationModal } from '../../web/modal.js';
import type { IdentityDeps } from './deps.js';
import { isOrgAdmin, ROLES, type Role } from './model.js';
import {
  confirmationPage,
  FormErrors,
  fieldErrors,
  fullName,
  infoOf,
  isRole,
  pageNotFound,
  requireOrgAdmin,
  roleOptions,
  SuccessAlert,
  uuidParam,
} from './page-helpers.js';

/**
 * Routes that show the members (every form here shows them again when refused): their reads are
 * audited (shared/audit.ts).
 */
const readsMembers = { access: 'user', audit: 'members.read' } as const;

/** What the confirmations of the destructive actions on this page say (modal and no-JS page alike). */
const removal = (name: string, organisation: string): Confirmation => ({
  question: `Retirer ${name} de ${organisation} ?`,
  consequence: `${name} n’aura plus accès à Passerelle pour ${organisation}. Son compte et son historique sont conservés ; vous pourrez l’inviter de nouveau.`,
  confirmLabel: 'Retirer de l’organisation',
});
const cancellation = (email: string): Confirmation => ({
  question: `Annuler l’invitation de ${email} ?`,
  consequence:
    'Le lien reçu par courriel ne permettra plus de rejoindre l’organisation. Vous pourrez inviter cette personne de nouveau.',
  confirmLabel: 'Annuler l’invitation',
});

export async function memberPages(app: FastifyInstance, { identity }: IdentityDeps) {
  app.get('/membres', { config: { access: 'user' } }, (request, reply) => {
    const actor = request.actor!;
    // A member who has not chosen an organisation yet chooses it on the home page.
    if (!actor.organisationId) return reply.redirect(actor.memberships.length ? '/' : '/organisations');
    return reply.redirect(`/organisations/${actor.organisationId}/membres`);
  });

  async function membersPage(
    request: FastifyRequest,
    reply: FastifyReply,
    orgId: string,
    state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
    status = 200,
  ) {
    const actor = request.actor!;
    const organisation = await identity.getOrganisation(actor, orgId);
    const members = await identity.listMembers(actor, orgId);
    const admin = isOrgAdmin(actor, orgId);
    const invitations = admin ? await identity.listInvitations(actor, orgId) : [];
    const ctx = pageContext(request, reply);
    const errors = state.errors ?? {};
    const v = state.values ?? {};
    return html(
      reply,
      <Layout title={`Membres — ${organisation.name}`} ctx={ctx}>
        <h1>
          Membres de <span safe>{organisation.name}</span>
        </h1>
        <SuccessAlert message={infoOf(request)} />
        <FormErrors errors={errors} title="Action impossible" focus />
        <DataTable
          caption={`${formatCount(members.length, 'membre')}${invitations.length ? `, ${formatCount(invitations.length, 'invitation')} en attente` : ''}`}
          headers={['Nom', 'Adresse électronique', 'Rôle', 'État', ...(admin ? ['Actions'] : [])]}
        >
          {members.map((m) => (
            <tr>
              <td safe>{fullName(m)}</td>
              <td safe>{m.email}</td>
              <td>
                {admin ? (
                  <form
                    method="post"
                    action={`/organisations/${orgId}/membres/${m.userId}/role`}
                    class="fr-grid-row"
                  >
                    <CsrfField token={ctx.csrf} />
                    <label class="fr-sr-only" for={`role-${m.userId}`}>
                      Rôle de <span safe>{fullName(m)}</span>
                    </label>
                    <select class="fr-select" id={`role-${m.userId}`} name="role">
                      {roleOptions.map(([value, label]) => (
                        <option value={value} selected={value === m.role} safe>
                          {label}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary fr-mt-1v">
                      Changer le rôle
                      <span class="fr-sr-only">
                        {' '}
                        de <span safe>{fullName(m)}</span>
                      </span>
                    </button>
                  </form>
                ) : (
                  ROLES[m.role]
                )}
              </td>
              <td>
                {m.lastLoginAt
                  ? `Dernière connexion le ${formatDateTime(m.lastLoginAt)}`
                  : m.active
                    ? 'Jamais connecté'
                    : 'Compte désactivé'}
              </td>
              {admin ? (
                <td>
                  <ConfirmationModal
                    id={m.userId}
                    action={`/organisations/${orgId}/membres/${m.userId}/retrait`}
                    csrf={ctx.csrf}
                    label="Retirer"
                    object={fullName(m)}
                    {...removal(fullName(m), organisation.name)}
                  />
                </td>
              ) : (
                ''
              )}
            </tr>
          ))}
          {/* Invited people are listed with the members, as pending, until they answer. */}
          {invitations.map((i) => (
            <tr>
              <td safe>{i.name}</td>
              <td safe>{i.email}</td>
              <td>{ROLES[i.role]}</td>
              <td>
                <Badges small class="fr-mb-1v" badges={[{ text: 'Invitation en attente', kind: 'new' }]} />
                <span
                  class="fr-text--xs"
                  safe
                >{`Envoyée le ${formatDateTime(i.invitedAt)}${i.invitedBy ? ` par ${i.invitedBy}` : ''}, valable jusqu’au ${formatDateTime(i.expiresAt)}`}</span>
              </td>
              <td>
                <ButtonsGroup class="fr-btns-group--inline-sm fr-btns-group--sm">
                  <ActionButton
                    action={`/organisations/${orgId}/invitations/${i.id}/renvoi`}
                    csrf={ctx.csrf}
                    label="Renvoyer"
                    object={`l’invitation de ${i.email}`}
                    secondary
                  />
                  <ConfirmationModal
                    id={i.id}
                    action={`/organisations/${orgId}/invitations/${i.id}/revocation`}
                    csrf={ctx.csrf}
                    label="Annuler"
                    object={`l’invitation de ${i.email}`}
                    {...cancellation(i.email)}
                  />
                </ButtonsGroup>
              </td>
            </tr>
          ))}
        </DataTable>
        {admin ? (
          <section class="fr-mt-4w">
            <h2>Inviter une personne</h2>
            <p>
              Une personne invitée devient membre quand elle accepte l’invitation depuis sa page d’accueil.
            </p>
            <form method="post" action={`/organisations/${orgId}/membres`}>
              <CsrfField token={ctx.csrf} />
              <FieldGrid col="fr-col-12 fr-col-md-6">
                <InputField
                  name="firstName"
                  label="Prénom"
                  value={v.firstName}
                  required
                  error={errors.firstName}
                />
                <InputField name="lastName" label="Nom" value={v.lastName} required error={errors.lastName} />
                <InputField
                  name="email"
                  label="Adresse électronique"
                  type="email"
                  value={v.email}
                  required
                  error={errors.email}
                />
                <SelectField
                  name="role"
                  label="Rôle"
                  options={roleOptions}
                  value={v.role ?? 'conseiller'}
                  required
                  error={errors.role}
                />
              </FieldGrid>
              <button type="submit" class="fr-btn">
                Envoyer l’invitation
              </button>
            </form>
          </section>
        ) : (
          ''
        )}
      </Layout>,
      status,
    );
  }

  /**
   * An action on a member or an invitation: done, the list again saying so (POST/redirect/GET);
   * refused by the service for a stated reason (the last administrator, an answered invitation),
   * the list again with that reason (409).
   */
  async function memberAction(
    request: FastifyRequest,
    reply: FastifyReply,
    orgId: string,
    info: string,
    action: () => Promise<unknown>,
  ) {
    try {
      await action();
    } catch (error) {
      return membersPage(request, reply, orgId, { errors: fieldErrors(error) }, 409);
    }
    return reply.redirect(`/organisations/${orgId}/membres?info=${info}`, 303);
  }

  app.get('/organisations/:orgId/membres', { config: readsMembers }, (request, reply) =>
    membersPage(request, reply, uuidParam(request)),
  );
  app.post('/organisations/:orgId/membres', { config: readsMembers }, async (request, reply) => {
    const orgId = uuidParam(request);
    const values = {
      email: formValue(request.body, 'email'),
      firstName: formValue(request.body, 'firstName'),
      lastName: formValue(request.body, 'lastName'),
      role: formValue(request.body, 'role'),
    };
    const errors: Record<string, string> = {};
    if (!looksLikeEmail(values.email))
      errors.email = 'Adresse électronique invalide (format : nom@domaine.fr).';
    if (!values.firstName) errors.firstName = 'Le prénom est obligatoire.';
    if (!values.lastName) errors.lastName = 'Le nom est obligatoire.';
    if (!isRole(values.role)) errors.role = 'Choisissez un rôle.';
    if (Object.keys(errors).length) return membersPage(request, reply, orgId, { values, errors }, 400);
    try {
      await identity.inviteMember(request.actor!, orgId, { ...values, role: values.role as Role });
    } catch (error) {
      return membersPage(request, reply, orgId, { values, errors: fieldErrors(error) }, 400);
    }
    return reply.redirect(`/organisations/${orgId}/membres?info=invite`, 303);
  });
  app.post(
    '/organisations/:orgId/membres/:userId/role',
    { config: { access: 'user', audit: 'members.read' } },
    async (request, reply) => {
      const orgId = uuidParam(request);
      const role = formValue(request.body, 'role');
      return memberAction(request, reply, orgId, 'role', async () => {
        if (!isRole(role)) throw Object.assign(new Error('Rôle inconnu.'), { statusCode: 400 });
        await identity.changeMemberRole(request.actor!, orgId, uuidParam(request, 'userId'), role);
      });
    },
  );
  // Without JavaScript, « Retirer » and « Annuler » lead to these pages to confirm (with it, a modal).
  app.get(
    '/organisations/:orgId/membres/:userId/retrait',
    { config: readsMembers },
    async (request, reply) => {
      const orgId = uuidParam(request);
      const userId = uuidParam(request, 'userId');
      const organisation = await identity.getOrganisation(request.actor!, orgId);
      requireOrgAdmin(request.actor!, orgId);
      const member = (await identity.listMembers(request.actor!, orgId)).find((m) => m.userId === userId);
      if (!member) throw pageNotFound('Ce membre n’appartient pas à l’organisation.');
      const name = fullName(member);
      return confirmationPage(request, reply, {
        title: `Retirer ${name}`,
        action: `/organisations/${orgId}/membres/${userId}/retrait`,
        cancelHref: `/organisations/${orgId}/membres`,
        ...removal(name, organisation.name),
      });
    },
  );
  app.get(
    '/organisations/:orgId/invitations/:invitationId/revocation',
    { config: readsMembers },
    async (request, reply) => {
      const orgId = uuidParam(request);
      const invitationId = uuidParam(request, 'invitationId');
      const invitation = (await identity.listInvitations(request.actor!, orgId)).find(
        (i) => i.id === invitationId,
      );
      if (!invitation) throw pageNotFound('Cette invitation n’est plus en attente.');
      return confirmationPage(request, reply, {
        title: `Annuler l’invitation de ${invitation.email}`,
        action: `/organisations/${orgId}/invitations/${invitationId}/revocation`,
        cancelHref: `/organisations/${orgId}/membres`,
        ...cancellation(invitation.email),
      });
    },
  );
  app.post(
    '/organisations/:orgId/invitations/:invitationId/renvoi',
    { config: readsMembers },
    async (request, reply) => {
      const orgId = uuidParam(request);
      return memberAction(request, reply, orgId, 'invitation-renvoyee', async () => {
        await identity.resendInvitation(request.actor!, orgId, uuidParam(request, 'invitationId'));
      });
    },
  );
  app.post(
    '/organisations/:orgId/invitations/:invitationId/revocation',
    { config: { access: 'user' } },
    async (request, reply) => {
      const orgId = uuidParam(request);
      return memberAction(request, reply, orgId, 'invitation-revoquee', async () => {
        await identity.revokeInvitation(request.actor!, orgId, uuidParam(request, 'invitationId'));
      });
    },
  );
  app.post(
    '/organisations/:orgId/membres/:userId/retrait',
    { config: { access: 'user', audit: 'members.read' } },
    async (request, reply) => {
      const orgId = uuidParam(request);
      return memberAction(request, reply, orgId, 'retire', async () => {
        await identity.removeMember(request.actor!, orgId, uuidParam(request, 'userId'));
      });
    },
  );
}
