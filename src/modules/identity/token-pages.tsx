import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app.js';
import { Alert, DataTable, formatDateTime, InputField, SelectField } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { ActionButton, CsrfField, Layout } from '../../web/layout.js';
import { ROLES } from './model.js';
import { infoOf, isRole, roleOptions, uuidParam } from './page-helpers.js';

/** Routes that show the tokens (the creation shows the list with the new token): audited reads. */
const readsTokens = { access: 'user', audit: 'api_tokens.read' } as const;

export async function tokenPages(app: FastifyInstance, { identity }: Services) {
  async function tokensPage(
    request: FastifyRequest,
    reply: FastifyReply,
    orgId: string,
    state: { created?: string; error?: string } = {},
    status = 200,
  ) {
    const actor = request.actor!;
    const organisation = await identity.getOrganisation(actor, orgId);
    const tokens = await identity.listApiTokens(actor, orgId);
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title={`Jetons d’API — ${organisation.name}`} ctx={ctx}>
        <h1>
          Jetons d’API de <span safe>{organisation.name}</span>
        </h1>
        {infoOf(request) ? <Alert kind="success" title={infoOf(request)!} /> : ''}
        {state.created ? (
          <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
            <h2 class="fr-alert__title">Jeton créé</h2>
            <p>Copiez-le maintenant : il ne sera plus jamais affiché.</p>
            <p>
              <code id="jeton-cree" safe>
                {state.created}
              </code>
            </p>
          </div>
        ) : (
          ''
        )}
        {state.error ? <Alert kind="error" title="Création impossible" text={state.error} /> : ''}
        <p>
          Un jeton permet au système d’information de votre organisation d’appeler l’API de Passerelle
          (en-tête <code>Authorization: Bearer …</code>), avec les droits du rôle choisi. Documentation :{' '}
          <a href="/api/docs">/api/docs</a>.
        </p>
        <DataTable caption="Jetons" headers={['Nom', 'Début', 'Rôle', 'Créé le', 'Dernier usage', 'État']}>
          {tokens.map((t) => (
            <tr>
              <td safe>{t.name}</td>
              <td>
                <code safe>{`${t.prefix}…`}</code>
              </td>
              <td>{ROLES[t.role]}</td>
              <td safe>{formatDateTime(t.createdAt)}</td>
              <td safe>{formatDateTime(t.lastUsedAt)}</td>
              <td>
                {t.revokedAt ? (
                  `révoqué le ${formatDateTime(t.revokedAt)}`
                ) : (
                  <ActionButton
                    action={`/organisations/${orgId}/jetons/${t.id}/revocation`}
                    csrf={ctx.csrf}
                    label="Révoquer"
                    object={`le jeton ${t.name}`}
                    secondary
                  />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
        <h2>Créer un jeton</h2>
        <form method="post" action={`/organisations/${orgId}/jetons`}>
          <CsrfField token={ctx.csrf} />
          <InputField name="name" label="Nom du jeton" hint="Ex. : logiciel de suivi des parcours" required />
          <SelectField
            name="role"
            label="Droits du jeton"
            options={roleOptions}
            value="conseiller"
            required
          />
          <button type="submit" class="fr-btn">
            Créer le jeton
          </button>
        </form>
      </Layout>,
      status,
    );
  }

  app.get('/organisations/:orgId/jetons', { config: readsTokens }, (request, reply) =>
    tokensPage(request, reply, uuidParam(request)),
  );
  app.post('/organisations/:orgId/jetons', { config: readsTokens }, async (request, reply) => {
    const orgId = uuidParam(request);
    const name = formValue(request.body, 'name');
    const role = formValue(request.body, 'role');
    if (name.length < 2 || !isRole(role)) {
      return tokensPage(
        request,
        reply,
        orgId,
        { error: 'Donnez un nom (2 caractères au moins) et un rôle au jeton.' },
        400,
      );
    }
    const { token } = await identity.createApiToken(request.actor!, orgId, { name, role });
    return tokensPage(request, reply, orgId, { created: token }, 201);
  });
  app.post(
    '/organisations/:orgId/jetons/:tokenId/revocation',
    { config: { access: 'user' } },
    async (request, reply) => {
      const orgId = uuidParam(request);
      await identity.revokeApiToken(request.actor!, orgId, uuidParam(request, 'tokenId'));
      return reply.redirect(`/organisations/${orgId}/jetons?info=revoque`, 303);
    },
  );
}
