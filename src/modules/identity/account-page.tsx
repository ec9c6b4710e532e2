import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formValue, html, pageContext } from '../../web/context.js';
import { FieldGrid, InputField, RadioGroup } from '../../web/form.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { IdentityDeps } from './deps.js';
import { ROLES } from './model.js';
import { FormErrors, fieldErrors, PasswordField, SuccessAlert } from './page-helpers.js';

/**
 * « Mon compte »: the signed-in person's name, password and the organisation they act for.
 * Registered by `authPages` (auth-pages.tsx), beside the sign-in and password pages.
 */
export async function accountPages(app: FastifyInstance, { identity }: IdentityDeps) {
  async function accountPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { errors?: Record<string, string>; info?: string } = {},
    status = 200,
  ) {
    const actor = request.actor!;
    const ctx = pageContext(request, reply);
    const profile = actor.userId ? await identity.profile(actor) : null;
    const errors = state.errors ?? {};
    return html(
      reply,
      <Layout title="Mon compte" ctx={ctx}>
        <h1>Mon compte</h1>
        <SuccessAlert message={state.info} />
        <FormErrors errors={errors} />
        <FieldGrid col="fr-col-12 fr-col-md-6">
          <>
            <h2>Mes informations</h2>
            <form method="post" action="/mon-compte/profil">
              <CsrfField token={ctx.csrf} />
              <p>
                Adresse électronique : <strong safe>{profile?.email ?? ''}</strong>
              </p>
              <InputField
                name="firstName"
                label="Prénom"
                value={profile?.firstName}
                required
                autocomplete="given-name"
                error={errors.firstName}
              />
              <InputField
                name="lastName"
                label="Nom"
                value={profile?.lastName}
                required
                autocomplete="family-name"
                error={errors.lastName}
              />
              <button type="submit" class="fr-btn">
                Enregistrer
              </button>
            </form>
          </>
          <>
            <h2>Changer de mot de passe</h2>
            <form method="post" action="/mon-compte/mot-de-passe">
              <CsrfField token={ctx.csrf} />
              <input type="hidden" name="email" value={profile?.email ?? ''} autocomplete="username" />
              <PasswordField
                name="currentPassword"
                label="Mot de passe actuel"
                error={errors.currentPassword}
              />
              <PasswordField
                name="newPassword"
                label="Nouveau mot de passe"
                isNew
                error={errors.newPassword}
              />
              <button type="submit" class="fr-btn fr-btn--secondary">
                Changer le mot de passe
              </button>
            </form>
          </>
        </FieldGrid>
        {actor.memberships.length > 0 ? (
          <section class="fr-mt-6w">
            <h2>Mes organisations</h2>
            <form method="post" action="/mon-compte/organisation">
              <CsrfField token={ctx.csrf} />
              <RadioGroup
                id="orga"
                name="organisationId"
                legend="Organisation pour laquelle j’agis"
                choices={actor.memberships.map((m) => ({
                  value: m.organisationId,
                  label: `${m.organisationName} — ${ROLES[m.role]}`,
                }))}
                value={actor.organisationId}
              />
              <button type="submit" class="fr-btn fr-btn--secondary">
                Agir pour cette organisation
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

  app.get('/mon-compte', { config: { access: 'user' } }, (request, reply) => {
    const info = (request.query as Record<string, string>).info;
    const messages: Record<string, string> = {
      profil: 'Vos informations sont enregistrées.',
      'mot-de-passe': 'Votre mot de passe est changé ; vos autres sessions sont fermées.',
      organisation: 'Vous agissez désormais pour l’organisation choisie.',
    };
    return accountPage(request, reply, { info: info ? messages[info] : undefined });
  });
  app.post('/mon-compte/profil', { config: { access: 'user' } }, async (request, reply) => {
    try {
      await identity.updateProfile(request.actor!, {
        firstName: formValue(request.body, 'firstName'),
        lastName: formValue(request.body, 'lastName'),
      });
    } catch (error) {
      return accountPage(request, reply, { errors: fieldErrors(error) }, 400);
    }
    return reply.redirect('/mon-compte?info=profil', 303);
  });
  app.post('/mon-compte/mot-de-passe', { config: { access: 'user' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    try {
      await identity.changePassword(request.actor!, body.currentPassword ?? '', body.newPassword ?? '');
    } catch (error) {
      return accountPage(request, reply, { errors: fieldErrors(error) }, 400);
    }
    return reply.redirect('/mon-compte?info=mot-de-passe', 303);
  });
  app.post('/mon-compte/organisation', { config: { access: 'user' } }, async (request, reply) => {
    await identity.switchOrganisation(request.actor!, formValue(request.body, 'organisationId'));
    return reply.redirect('/mon-compte?info=organisation', 303);
  });
}
