import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { Alert, CopyField, DataTable } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { InputField, SelectField } from '../../web/form.js';
import { formatDateTime } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { type Confirmation, ConfirmationModal } from '../../web/modal.js';
import type { IdentityDeps } from './deps.js';
import { ROLES } from './model.js';
import {
  confirmationPage,
  infoOf,
  isRole,
  pageNotFound,
  roleOptions,
  SuccessAlert,
  uuidParam,
} from './page-helpers.js';

/** What the confirmation of a revocation says (modal and no-JS page alike). */
const revocation = (name: string): Confirmation => ({
  question: `Révoquer le jeton « ${name} » ?`,
  consequence:
    'Les systèmes qui l’utilisent n’auront plus accès à l’API, immédiatement et définitivement. Un jeton révoqué ne peut pas être rétabli.',
  confirmLabel: 'Révoquer le jeton',
});

/** Routes that show the tokens (the creation shows the list with the new token): audited reads. */
const readsTokens = { access: 'user', audit: 'api_tokens.read' } as const;

/**
 * The clear token travels from the creation (POST) to the page that shows it once (GET, after the
 * redirect) in this short-lived signed cookie, limited to the organisation's token pages and read
 * once: reloading the page neither shows it again nor creates a second token (POST/redirect/GET).
 */
const NEW_TOKEN_COOKIE = 'passerelle_nouveau_jeton';
const NEW_TOKEN_SECONDS = 300;

export async function tokenPages(app: FastifyInstance, { identity }: IdentityDeps, config: Config) {
  const cookieOptions = (orgId: string) =>
    ({
      httpOnly: true,
      sameSite: 'strict',
      secure: config.secureCookies,
      path: `/organisations/${orgId}/jetons`,
      signed: true,
    }) as const;

  /** The token created just before this page, once; null when absent, already shown or another one. */
  function takeNewToken(request: FastifyRequest, reply: FastifyReply, orgId: string, tokenId: string) {
    const raw = request.cookies[NEW_TOKEN_COOKIE];
    if (!raw) return null;
    reply.clearCookie(NEW_TOKEN_COOKIE, cookieOptions(orgId));
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return null;
    const [id, token] = unsigned.value.split(' ');
    return id === tokenId && token ? token : null;
  }

  async function tokensPage(
    request: FastifyRequest,
    reply: FastifyReply,
    orgId: string,
    state: { error?: string } = {},
    status = 200,
  ) {
    const actor = request.actor!;
    const organisation = await identity.getOrganisation(actor, orgId);
    const tokens = await identity.listApiTokens(actor, orgId);
    const ctx = pageContext(request, reply);
    const createdId = (request.query as Record<string, string>).cree;
    const created = createdId ? tokens.find((t) => t.id === createdId) : undefined;
    const clear = created ? takeNewToken(request, reply, orgId, created.id) : null;
    return html(
      reply,
      <Layout title={`Jetons d’API — ${organisation.name}`} ctx={ctx}>
        <h1>
          Jetons d’API de <span safe>{organisation.name}</span>
        </h1>
        <SuccessAlert message={infoOf(request)} />
        {created && clear ? (
          <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
            <h2 class="fr-alert__title" safe>{`Jeton « ${created.name} » créé`}</h2>
            <p>Copiez-le maintenant : il ne sera plus jamais affiché.</p>
            <CopyField id="jeton-cree" label="Jeton d’API" value={clear} />
          </div>
        ) : created ? (
          <Alert
            kind="info"
            title={`Jeton « ${created.name} » créé`}
            text="Sa valeur n’est affichée qu’une fois, juste après sa création. Si vous ne l’avez pas copiée, révoquez ce jeton et créez-en un autre."
          />
        ) : (
          ''
        )}
        {state.error ? <Alert kind="error" title="Création impossible" text={state.error} focus /> : ''}
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
                  <ConfirmationModal
                    id={t.id}
                    action={`/organisations/${orgId}/jetons/${t.id}/revocation`}
                    csrf={ctx.csrf}
                    label="Révoquer"
                    object={`le jeton ${t.name}`}
                    {...revocation(t.name)}
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
    const { id, token } = await identity.createApiToken(request.actor!, orgId, { name, role });
    reply.setCookie(NEW_TOKEN_COOKIE, `${id} ${token}`, {
      ...cookieOptions(orgId),
      maxAge: NEW_TOKEN_SECONDS,
    });
    return reply.redirect(`/organisations/${orgId}/jetons?cree=${id}`, 303);
  });
  // Without JavaScript, « Révoquer » leads here to confirm (with it, a modal asks the same).
  app.get(
    '/organisations/:orgId/jetons/:tokenId/revocation',
    { config: readsTokens },
    async (request, reply) => {
      const orgId = uuidParam(request);
      const tokenId = uuidParam(request, 'tokenId');
      const token = (await identity.listApiTokens(request.actor!, orgId)).find(
        (t) => t.id === tokenId && !t.revokedAt,
      );
      if (!token) throw pageNotFound('Jeton introuvable ou déjà révoqué.');
      return confirmationPage(request, reply, {
        title: `Révoquer le jeton ${token.name}`,
        action: `/organisations/${orgId}/jetons/${tokenId}/revocation`,
        cancelHref: `/organisations/${orgId}/jetons`,
        ...revocation(token.name),
      });
    },
  );
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
