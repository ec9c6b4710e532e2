import Html from '@kitajs/html';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app.js';
import { Alert, formatDateTime, InputField, Pagination, SelectField } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { fieldErrors } from './auth-pages.js';
import {
  type Actor,
  isOrgAdmin,
  ORGANISATION_KINDS,
  type OrganisationKind,
  ROLES,
  type Role,
} from './model.js';
import type { Organisation, OrganisationInput } from './schemas.js';

const kindOptions = Object.entries(ORGANISATION_KINDS) as [string, string][];
const roleOptions = Object.entries(ROLES) as [string, string][];
const isRole = (v: string): v is Role => v in ROLES;
const isKind = (v: string): v is OrganisationKind => v in ORGANISATION_KINDS;

function organisationForm(body: unknown): OrganisationInput {
  const kind = formValue(body, 'kind');
  return {
    name: formValue(body, 'name'),
    kind: (isKind(kind) ? kind : '') as OrganisationKind,
    siret: formValue(body, 'siret') || null,
    communeCode: formValue(body, 'communeCode') || null,
    email: formValue(body, 'email') || null,
    phone: formValue(body, 'phone') || null,
  };
}

function validateOrganisationForm(input: OrganisationInput): Record<string, string> {
  const errors: Record<string, string> = {};
  if (input.name.length < 2) errors.name = 'Le nom doit comporter au moins 2 caractères.';
  if (!isKind(input.kind)) errors.kind = 'Choisissez le type d’organisation.';
  if (input.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
    errors.email = 'Adresse électronique invalide (format : nom@domaine.fr).';
  if (input.communeCode && !/^[0-9][0-9AB][0-9]{3}$/.test(input.communeCode))
    errors.communeCode = 'Le code INSEE comporte 5 caractères (ex. 42218).';
  return errors;
}

const MESSAGES: Record<string, string> = {
  cree: 'L’organisation est créée.',
  modifie: 'Les modifications sont enregistrées.',
  invite: 'L’invitation est envoyée par courriel.',
  role: 'Le rôle est modifié.',
  retire: 'Le membre est retiré de l’organisation.',
  revoque: 'Le jeton est révoqué.',
};
const infoOf = (request: FastifyRequest) => {
  const code = (request.query as Record<string, string>).info;
  return code ? MESSAGES[code] : undefined;
};

export async function organisationPages(app: FastifyInstance, { identity, referentials }: Services) {
  // Home ------------------------------------------------------------------------------------------
  app.get('/', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const ctx = pageContext(request, reply);
    const current = actor.memberships.find((m) => m.organisationId === actor.organisationId);
    const directory = await identity.listOrganisations(actor, {});
    const tiles: { href: string; title: string; desc: string }[] = [
      {
        href: '/organisations',
        title: 'Organisations partenaires',
        desc: `${directory.total} organisations de l’emploi, de l’orientation et de la formation.`,
      },
    ];
    if (actor.organisationId)
      tiles.push({
        href: '/membres',
        title: 'Membres de mon organisation',
        desc: 'Les collègues qui utilisent Passerelle et leurs rôles.',
      });
    if (actor.isSuperAdmin || actor.role === 'administrateur') {
      tiles.push({
        href: '/journal',
        title: 'Journal d’audit',
        desc: 'Connexions, changements de rôle et consultations de dossiers.',
      });
    }
    if (actor.organisationId && isOrgAdmin(actor, actor.organisationId)) {
      tiles.push({
        href: `/organisations/${actor.organisationId}/jetons`,
        title: 'Jetons d’API',
        desc: 'Connecter le système d’information de votre organisation.',
      });
    }
    if (actor.isSuperAdmin)
      tiles.push({
        href: '/organisations/nouvelle',
        title: 'Créer une organisation',
        desc: 'Ajouter un partenaire au service.',
      });
    const roleIntro: Record<Role, string> = {
      administrateur: 'Vous administrez votre organisation : ses informations, ses membres et ses accès.',
      conseiller: 'Vous accompagnez des personnes : orientation, formation, parcours.',
      gestionnaire: 'Vous gérez l’offre et les places de votre organisation.',
      analyste: 'Vous suivez les résultats des programmes sur le territoire.',
    };
    return html(
      reply,
      <Layout title="Accueil" ctx={ctx}>
        <h1>Bonjour</h1>
        <p class="fr-text--lead">
          {current ? (
            <>
              Vous agissez pour <strong safe>{current.organisationName}</strong> en tant que{' '}
              {Html.escapeHtml(`${ROLES[current.role].toLowerCase()}. ${roleIntro[current.role]}`)}
            </>
          ) : actor.isSuperAdmin ? (
            'Vous êtes super-administrateur de la plateforme : vous créez les organisations et leurs premiers administrateurs.'
          ) : (
            'Vous n’êtes rattaché à aucune organisation : demandez à son administrateur de vous inviter.'
          )}
        </p>
        <div class="fr-grid-row fr-grid-row--gutters">
          {tiles.map((t) => (
            <div class="fr-col-12 fr-col-md-4">
              <div class="fr-tile fr-enlarge-link">
                <div class="fr-tile__body">
                  <div class="fr-tile__content">
                    <h2 class="fr-tile__title">
                      <a href={t.href} safe>
                        {t.title}
                      </a>
                    </h2>
                    <p class="fr-tile__detail" safe>
                      {t.desc}
                    </p>
                  </div>
                </div>
              </div>
            </div>
          ))}
        </div>
      </Layout>,
    );
  });

  // Directory -------------------------------------------------------------------------------------
  function organisationRows(items: Organisation[]) {
    return (
      <div id="resultats-organisations">
        <div class="fr-table fr-table--no-caption">
          <div class="fr-table__wrapper">
            <div class="fr-table__container">
              <div class="fr-table__content">
                <table>
                  <caption>Organisations</caption>
                  <thead>
                    <tr>
                      <th scope="col">Nom</th>
                      <th scope="col">Type</th>
                      <th scope="col">Commune</th>
                      <th scope="col">SIRET</th>
                      <th scope="col">Membres</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((o) => (
                      <tr>
                        <td>
                          <a href={`/organisations/${o.id}`} safe>
                            {o.name}
                          </a>
                        </td>
                        <td safe>{o.kindLabel}</td>
                        <td>
                          {Html.escapeHtml(o.communeName ? `${o.communeName} (${o.departmentCode})` : '—')}
                        </td>
                        <td class="psl-nowrap" safe>
                          {o.siret ?? '—'}
                        </td>
                        <td safe>{String(o.memberCount)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
        </div>
      </div>
    );
  }

  app.get('/organisations', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const q = request.query as Record<string, string>;
    const kind = q.type && isKind(q.type) ? q.type : undefined;
    const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1);
    const result = await identity.listOrganisations(actor, {
      q: q.q?.slice(0, 100) || undefined,
      kind,
      page,
    });
    const base = new URLSearchParams();
    if (q.q) base.set('q', q.q);
    if (kind) base.set('type', kind);
    const results = (
      <>
        <p role="status" id="nombre-resultats" safe>
          {`${result.total} organisation${result.total > 1 ? 's' : ''}`}
        </p>
        {organisationRows(result.items)}
        <Pagination
          page={page}
          total={result.total}
          pageSize={result.pageSize}
          baseQuery={base}
          path="/organisations"
        />
      </>
    );
    if (request.headers['hx-request']) return html(reply, <div id="liste-organisations">{results}</div>);
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Organisations partenaires" ctx={ctx}>
        <h1>Organisations partenaires</h1>
        {infoOf(request) ? <Alert kind="success" title={infoOf(request)!} /> : ''}
        {actor.isSuperAdmin ? (
          <p>
            <a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/organisations/nouvelle">
              Créer une organisation
            </a>
          </p>
        ) : (
          ''
        )}
        <form
          method="get"
          action="/organisations"
          role="search"
          hx-get="/organisations"
          hx-target="#liste-organisations"
          hx-select="#liste-organisations"
          hx-swap="outerHTML"
          hx-trigger="input changed delay:300ms from:#champ-q, change from:#champ-type, submit"
          hx-push-url="true"
        >
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-6">
              <InputField name="q" label="Nom de l’organisation" value={q.q} type="search" />
            </div>
            <div class="fr-col-12 fr-col-md-4">
              <SelectField
                name="type"
                label="Type"
                options={kindOptions}
                value={kind}
                placeholder="Tous les types"
              />
            </div>
            <div class="fr-col-12 fr-col-md-2 fr-mt-md-4w">
              <button type="submit" class="fr-btn">
                Filtrer
              </button>
            </div>
          </div>
        </form>
        <div id="liste-organisations">{results}</div>
      </Layout>,
    );
  });

  function organisationFormPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      organisation?: Partial<Organisation>;
      values?: OrganisationInput;
      errors?: Record<string, string>;
      canChangeKind: boolean;
    },
    status = 200,
  ) {
    const ctx = pageContext(request, reply);
    const editing = !!state.organisation?.id;
    const v = state.values ?? (state.organisation as Partial<OrganisationInput> | undefined) ?? {};
    const errors = state.errors ?? {};
    const title = editing ? `Modifier ${state.organisation?.name}` : 'Créer une organisation';
    return html(
      reply,
      <Layout title={title} ctx={ctx}>
        <h1 safe>{title}</h1>
        {Object.keys(errors).length ? (
          <Alert
            kind="error"
            title="Le formulaire contient des erreurs"
            text={Object.values(errors).join(' ')}
          />
        ) : (
          ''
        )}
        <form
          method="post"
          action={editing ? `/organisations/${state.organisation!.id}/modifier` : '/organisations'}
        >
          <CsrfField token={ctx.csrf} />
          <InputField name="name" label="Nom" value={v.name} required error={errors.name} />
          {state.canChangeKind ? (
            <SelectField
              name="kind"
              label="Type d’organisation"
              options={kindOptions}
              value={v.kind}
              required
              error={errors.kind}
              placeholder="Choisir un type"
            />
          ) : (
            <input type="hidden" name="kind" value={v.kind ?? ''} />
          )}
          <InputField
            name="siret"
            label="SIRET"
            value={v.siret}
            hint="14 chiffres ; obligatoire pour les SIAE, organismes de formation, employeurs et fonds de garantie."
            error={errors.siret}
            extra={{ inputmode: 'numeric' }}
          />
          <InputField
            name="communeCode"
            label="Commune"
            value={v.communeCode}
            hint="Saisissez le nom ou le code postal puis choisissez ; ou tapez le code INSEE (ex. 42218)."
            error={errors.communeCode}
            list="communes-suggerees"
            extra={{
              'hx-get': '/communes/suggestions',
              'hx-trigger': 'input changed delay:250ms',
              'hx-target': '#communes-suggerees',
              'hx-swap': 'innerHTML',
              autocomplete: 'off',
            }}
          />
          <datalist id="communes-suggerees" />
          <InputField
            name="email"
            label="Adresse électronique de contact"
            type="email"
            value={v.email}
            error={errors.email}
            autocomplete="email"
          />
          <InputField
            name="phone"
            label="Téléphone"
            type="tel"
            value={v.phone}
            error={errors.phone}
            autocomplete="tel"
          />
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <button type="submit" class="fr-btn">
                {editing ? 'Enregistrer' : 'Créer l’organisation'}
              </button>
            </li>
            <li>
              <a
                class="fr-btn fr-btn--secondary"
                href={editing ? `/organisations/${state.organisation!.id}` : '/organisations'}
              >
                Annuler
              </a>
            </li>
          </ul>
        </form>
      </Layout>,
      status,
    );
  }

  app.get('/communes/suggestions', { config: { access: 'public' } }, async (request, reply) => {
    const q = String(
      (request.query as Record<string, string>).communeCode ??
        (request.query as Record<string, string>).q ??
        '',
    ).slice(0, 100);
    const hits = q ? await referentials.suggestCommunes(q, 10) : [];
    return html(
      reply,
      <>
        {hits.map((c) => (
          <option value={c.code} safe>{`${c.name} (${c.departmentCode}) — ${c.postalCodes[0] ?? ''}`}</option>
        ))}
      </>,
    );
  });

  app.get('/organisations/nouvelle', { config: { access: 'super-admin' } }, (request, reply) =>
    organisationFormPage(request, reply, { canChangeKind: true }),
  );
  app.post('/organisations', { config: { access: 'super-admin' } }, async (request, reply) => {
    const values = organisationForm(request.body);
    const errors = validateOrganisationForm(values);
    if (Object.keys(errors).length)
      return organisationFormPage(request, reply, { values, errors, canChangeKind: true }, 400);
    try {
      const created = await identity.createOrganisation(request.actor!, values);
      return reply.redirect(`/organisations/${created.id}?info=cree`, 303);
    } catch (error) {
      return organisationFormPage(
        request,
        reply,
        { values, errors: fieldErrors(error), canChangeKind: true },
        400,
      );
    }
  });

  const uuidParam = (request: FastifyRequest, name = 'orgId') => {
    const value = (request.params as Record<string, string>)[name] ?? '';
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
      throw Object.assign(new Error('Cette page n’existe pas.'), { statusCode: 404 });
    }
    return value;
  };

  app.get('/organisations/:orgId', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const o = await identity.getOrganisation(actor, uuidParam(request));
    const ctx = pageContext(request, reply);
    const admin = isOrgAdmin(actor, o.id);
    return html(
      reply,
      <Layout title={o.name} ctx={ctx}>
        {infoOf(request) ? <Alert kind="success" title={infoOf(request)!} /> : ''}
        <h1 safe>{o.name}</h1>
        <p class="fr-badge fr-badge--info">{o.kindLabel}</p>
        <dl class="fr-mt-3w">
          <dt class="fr-text--bold">SIRET</dt>
          <dd safe>{o.siret ?? 'non renseigné'}</dd>
          <dt class="fr-text--bold">Commune</dt>
          <dd>
            {Html.escapeHtml(
              o.communeName
                ? `${o.communeName} (${o.departmentCode}), code INSEE ${o.communeCode}`
                : 'non renseignée',
            )}
          </dd>
          <dt class="fr-text--bold">Contact</dt>
          <dd safe>{[o.email, o.phone].filter(Boolean).join(' · ') || 'non renseigné'}</dd>
          <dt class="fr-text--bold">Membres</dt>
          <dd safe>{String(o.memberCount)}</dd>
        </dl>
        {admin ? (
          <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
            <li>
              <a class="fr-btn" href={`/organisations/${o.id}/modifier`}>
                Modifier
              </a>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary" href={`/organisations/${o.id}/membres`}>
                Gérer les membres
              </a>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary" href={`/organisations/${o.id}/jetons`}>
                Jetons d’API
              </a>
            </li>
          </ul>
        ) : (
          ''
        )}
      </Layout>,
    );
  });

  app.get('/organisations/:orgId/modifier', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const o = await identity.getOrganisation(actor, uuidParam(request));
    if (!isOrgAdmin(actor, o.id))
      throw Object.assign(new Error('Réservé aux administrateurs de cette organisation.'), {
        statusCode: 403,
      });
    return organisationFormPage(request, reply, { organisation: o, canChangeKind: actor.isSuperAdmin });
  });
  app.post('/organisations/:orgId/modifier', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const id = uuidParam(request);
    const o = await identity.getOrganisation(actor, id);
    const values = organisationForm(request.body);
    const errors = validateOrganisationForm(values);
    if (Object.keys(errors).length)
      return organisationFormPage(
        request,
        reply,
        { organisation: o, values, errors, canChangeKind: actor.isSuperAdmin },
        400,
      );
    try {
      await identity.updateOrganisation(
        actor,
        id,
        actor.isSuperAdmin ? values : { ...values, kind: undefined },
      );
    } catch (error) {
      return organisationFormPage(
        request,
        reply,
        { organisation: o, values, errors: fieldErrors(error), canChangeKind: actor.isSuperAdmin },
        400,
      );
    }
    return reply.redirect(`/organisations/${id}?info=modifie`, 303);
  });

  // Members ---------------------------------------------------------------------------------------
  app.get('/membres', { config: { access: 'user' } }, (request, reply) => {
    const actor = request.actor!;
    if (!actor.organisationId) return reply.redirect('/organisations');
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
        <div class="fr-table">
          <div class="fr-table__wrapper">
            <div class="fr-table__container">
              <div class="fr-table__content">
                <table>
                  <caption safe>{`${members.length} membre${members.length > 1 ? 's' : ''}`}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Nom</th>
                      <th scope="col">Adresse électronique</th>
                      <th scope="col">Rôle</th>
                      <th scope="col">Dernière connexion</th>
                      {admin ? <th scope="col">Actions</th> : ''}
                    </tr>
                  </thead>
                  <tbody>
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
                        <td>
                          {m.lastLoginAt ? formatDateTime(m.lastLoginAt) : m.active ? 'jamais' : 'désactivé'}
                        </td>
                        {admin ? (
                          <td>
                            <form
                              method="post"
                              action={`/organisations/${orgId}/membres/${m.userId}/retrait`}
                            >
                              <CsrfField token={ctx.csrf} />
                              <button type="submit" class="fr-btn fr-btn--sm fr-btn--secondary">
                                Retirer
                                <span class="fr-sr-only">
                                  {' '}
                                  <span safe>{`${m.firstName} ${m.lastName}`}</span>
                                </span>
                              </button>
                            </form>
                          </td>
                        ) : (
                          ''
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
        </div>
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

  app.get('/organisations/:orgId/membres', { config: { access: 'user' } }, (request, reply) =>
    membersPage(request, reply, uuidParam(request)),
  );
  app.post('/organisations/:orgId/membres', { config: { access: 'user' } }, async (request, reply) => {
    const orgId = uuidParam(request);
    const values = {
      email: formValue(request.body, 'email'),
      firstName: formValue(request.body, 'firstName'),
      lastName: formValue(request.body, 'lastName'),
      role: formValue(request.body, 'role'),
    };
    const errors: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email))
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
    { config: { access: 'user' } },
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
    '/organisations/:orgId/membres/:userId/retrait',
    { config: { access: 'user' } },
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

  // API tokens ------------------------------------------------------------------------------------
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
        <div class="fr-table">
          <div class="fr-table__wrapper">
            <div class="fr-table__container">
              <div class="fr-table__content">
                <table>
                  <caption>Jetons</caption>
                  <thead>
                    <tr>
                      <th scope="col">Nom</th>
                      <th scope="col">Début</th>
                      <th scope="col">Rôle</th>
                      <th scope="col">Créé le</th>
                      <th scope="col">Dernier usage</th>
                      <th scope="col">État</th>
                    </tr>
                  </thead>
                  <tbody>
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
                            <form method="post" action={`/organisations/${orgId}/jetons/${t.id}/revocation`}>
                              <CsrfField token={ctx.csrf} />
                              <button type="submit" class="fr-btn fr-btn--sm fr-btn--secondary">
                                Révoquer
                                <span class="fr-sr-only">
                                  {' '}
                                  le jeton <span safe>{t.name}</span>
                                </span>
                              </button>
                            </form>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
        </div>
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

  app.get('/organisations/:orgId/jetons', { config: { access: 'user' } }, (request, reply) =>
    tokensPage(request, reply, uuidParam(request)),
  );
  app.post('/organisations/:orgId/jetons', { config: { access: 'user' } }, async (request, reply) => {
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

  // Audit log -------------------------------------------------------------------------------------
  app.get('/journal', { config: { access: 'user' } }, async (request, reply) => {
    const actor: Actor = request.actor!;
    const q = request.query as Record<string, string>;
    const isDate = (s: string | undefined) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : undefined);
    const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1);
    const filter = {
      action: q.action?.slice(0, 60) || undefined,
      actor: q.acteur?.slice(0, 254) || undefined,
      from: isDate(q.du),
      to: isDate(q.au),
      page,
    };
    const result = await identity.listAudit(actor, filter);
    const ctx = pageContext(request, reply);
    const base = new URLSearchParams(
      Object.entries({ action: q.action, acteur: q.acteur, du: q.du, au: q.au }).filter(([, v]) => v) as [
        string,
        string,
      ][],
    );
    const actions: [string, string][] = [
      ['auth.', 'Connexions'],
      ['auth.login_failed', 'Échecs de connexion'],
      ['membership.', 'Membres et rôles'],
      ['organisation.', 'Organisations'],
      ['api_token.', 'Jetons d’API'],
      ['person.read', 'Consultations de dossiers'],
    ];
    return html(
      reply,
      <Layout title="Journal d’audit" ctx={ctx}>
        <h1>Journal d’audit</h1>
        <p>
          {actor.isSuperAdmin
            ? 'Toutes les organisations.'
            : 'Les actions des membres de votre organisation.'}
        </p>
        <form method="get" action="/journal" role="search">
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-3">
              <SelectField
                name="action"
                label="Action"
                options={actions}
                value={q.action}
                placeholder="Toutes"
              />
            </div>
            <div class="fr-col-12 fr-col-md-3">
              <InputField name="acteur" label="Auteur (adresse)" value={q.acteur} type="search" />
            </div>
            <div class="fr-col-6 fr-col-md-2">
              <InputField name="du" label="Du" type="date" value={filter.from} />
            </div>
            <div class="fr-col-6 fr-col-md-2">
              <InputField name="au" label="Au" type="date" value={filter.to} />
            </div>
            <div class="fr-col-12 fr-col-md-2 fr-mt-md-4w">
              <button type="submit" class="fr-btn">
                Filtrer
              </button>
            </div>
          </div>
        </form>
        <div class="fr-table">
          <div class="fr-table__wrapper">
            <div class="fr-table__container">
              <div class="fr-table__content">
                <table>
                  <caption safe>{`${result.total} évènement${result.total > 1 ? 's' : ''}`}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">Auteur</th>
                      <th scope="col">Organisation</th>
                      <th scope="col">Action</th>
                      <th scope="col">Objet</th>
                      <th scope="col">Adresse IP</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.items.map((e) => (
                      <tr>
                        <td class="psl-nowrap" safe>
                          {formatDateTime(e.occurredAt)}
                        </td>
                        <td safe>{e.actorLabel ?? '—'}</td>
                        <td safe>{e.organisationName ?? '—'}</td>
                        <td>
                          <code safe>{e.action}</code>
                        </td>
                        <td>
                          {Html.escapeHtml(e.subjectType ? `${e.subjectType} ${e.subjectId ?? ''}` : '—')}
                        </td>
                        <td safe>{e.ip ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
        </div>
        <Pagination
          page={page}
          total={result.total}
          pageSize={result.pageSize}
          baseQuery={base}
          path="/journal"
        />
      </Layout>,
    );
  });
}
