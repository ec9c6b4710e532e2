import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app.js';
import { looksLikeEmail } from '../../shared/formats.js';
import { Alert, DataTable, formatDateTime, InputField, SelectField } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { ActionButton, CsrfField, Layout } from '../../web/layout.js';
import { fieldErrors } from './auth-pages.js';
import { isOrgAdmin, ROLES, type Role } from './model.js';
import { infoOf, isRole, roleOptions, uuidParam } from './page-helpers.js';

/**
 * Routes that show the members (every form here shows them again when refused): their reads are
 * audited (shared/audit.ts).
 */
const readsMembers = { access: 'user', audit: 'members.read' } as const;

export async function memberPages(app: FastifyInstance, { identity }: Services) {
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
        {infoOf(request) ? <Alert kind="success" title={infoOf(request)!} /> : ''}
        {Object.keys(errors).length ? (
          <Alert kind="error" title="Action impossible" text={Object.values(errors).join(' ')} />
        ) : (
          ''
        )}
        <DataTable
          caption={`${members.length} membre${members.length > 1 ? 's' : ''}`}
          headers={[
            'Nom',
            'Adresse électronique',
            'Rôle',
            'Dernière connexion',
            ...(admin ? ['Actions'] : []),
          ]}
        >
          {members.map((m) => (
            <tr>
              <td safe>{`${m.firstName} ${m.lastName}`}</td>
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
                      Rôle de <span safe>{`${m.firstName} ${m.lastName}`}</span>
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
                        de <span safe>{`${m.firstName} ${m.lastName}`}</span>
                      </span>
                    </button>
                  </form>
                ) : (
                  ROLES[m.role]
                )}
              </td>
              <td>{m.lastLoginAt ? formatDateTime(m.lastLoginAt) : m.active ? 'jamais' : 'désactivé'}</td>
              {admin ? (
                <td>
                  <ActionButton
                    action={`/organisations/${orgId}/membres/${m.userId}/retrait`}
                    csrf={ctx.csrf}
                    label="Retirer"
                    object={`${m.firstName} ${m.lastName}`}
                    secondary
                  />
                </td>
              ) : (
                ''
              )}
            </tr>
          ))}
        </DataTable>
        {admin ? (
          <section class="fr-mt-4w">
            <h2>Invitations en attente</h2>
            <p>
              Une personne invitée devient membre quand elle accepte l’invitation depuis sa page d’accueil.
            </p>
            <DataTable
              caption={`${invitations.length} invitation${invitations.length > 1 ? 's' : ''} en attente`}
              headers={['Adresse électronique', 'Rôle', 'Invitée par', 'Le', 'Expire le', 'Actions']}
            >
              {invitations.map((i) => (
                <tr>
                  <td safe>{i.email}</td>
                  <td>{ROLES[i.role]}</td>
                  <td safe>{i.invitedBy ?? '—'}</td>
                  <td safe>{formatDateTime(i.invitedAt)}</td>
                  <td safe>{formatDateTime(i.expiresAt)}</td>
                  <td>
                    <ActionButton
                      action={`/organisations/${orgId}/invitations/${i.id}/revocation`}
                      csrf={ctx.csrf}
                      label="Révoquer"
                      object={`l’invitation de ${i.email}`}
                      secondary
                    />
                  </td>
                </tr>
              ))}
            </DataTable>
          </section>
        ) : (
          ''
        )}
        {admin ? (
          <section class="fr-mt-4w">
            <h2>Inviter une personne</h2>
            <form method="post" action={`/organisations/${orgId}/membres`}>
              <CsrfField token={ctx.csrf} />
              <div class="fr-grid-row fr-grid-row--gutters">
                <div class="fr-col-12 fr-col-md-6">
                  <InputField
                    name="firstName"
                    label="Prénom"
                    value={v.firstName}
                    required
                    error={errors.firstName}
                  />
                </div>
                <div class="fr-col-12 fr-col-md-6">
                  <InputField
                    name="lastName"
                    label="Nom"
                    value={v.lastName}
                    required
                    error={errors.lastName}
                  />
                </div>
                <div class="fr-col-12 fr-col-md-6">
                  <InputField
                    name="email"
                    label="Adresse électronique"
                    type="email"
                    value={v.email}
                    required
                    error={errors.email}
                  />
                </div>
                <div class="fr-col-12 fr-col-md-6">
                  <SelectField
                    name="role"
                    label="Rôle"
                    options={roleOptions}
                    value={v.role ?? 'conseiller'}
                    required
                    error={errors.role}
                  />
                </div>
              </div>
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
      try {
        if (!isRole(role)) throw Object.assign(new Error('Rôle inconnu.'), { statusCode: 400 });
        await identity.changeMemberRole(request.actor!, orgId, uuidParam(request, 'userId'), role);
      } catch (error) {
        return membersPage(request, reply, orgId, { errors: fieldErrors(error) }, 409);
      }
      return reply.redirect(`/organisations/${orgId}/membres?info=role`, 303);
    },
  );
  app.post(
    '/organisations/:orgId/invitations/:invitationId/revocation',
    { config: { access: 'user' } },
    async (request, reply) => {
      const orgId = uuidParam(request);
      try {
        await identity.revokeInvitation(request.actor!, orgId, uuidParam(request, 'invitationId'));
      } catch (error) {
        return membersPage(request, reply, orgId, { errors: fieldErrors(error) }, 409);
      }
      return reply.redirect(`/organisations/${orgId}/membres?info=invitation-revoquee`, 303);
    },
  );
  app.post(
    '/organisations/:orgId/membres/:userId/retrait',
    { config: { access: 'user', audit: 'members.read' } },
    async (request, reply) => {
      const orgId = uuidParam(request);
      try {
        await identity.removeMember(request.actor!, orgId, uuidParam(request, 'userId'));
      } catch (error) {
        return membersPage(request, reply, orgId, { errors: fieldErrors(error) }, 409);
      }
      return reply.redirect(`/organisations/${orgId}/membres?info=retire`, 303);
    },
  );
}
