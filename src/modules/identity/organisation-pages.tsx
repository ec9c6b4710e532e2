import Html from '@kitajs/html';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Badges, ButtonsGroup, DataTable, Pagination } from '../../web/components.js';
import { html, pageContext, pageParam } from '../../web/context.js';
import { FieldGrid, InputField, SelectField, suggested } from '../../web/form.js';
import { LinkButtons } from '../../web/form-actions.js';
import { formatCount } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { IdentityDeps } from './deps.js';
import { isOrgAdmin } from './model.js';
import {
  FormErrors,
  fieldErrors,
  infoOf,
  isKind,
  kindOptions,
  organisationForm,
  requireOrgAdmin,
  SuccessAlert,
  uuidParam,
  validateOrganisationForm,
} from './page-helpers.js';
import type { Organisation, OrganisationInput } from './schemas.js';

export async function organisationPages(app: FastifyInstance, { identity, referentials }: IdentityDeps) {
  // Directory -------------------------------------------------------------------------------------
  function organisationRows(items: Organisation[]) {
    return (
      <div id="resultats-organisations">
        <DataTable
          caption="Organisations"
          headers={['Nom', 'Type', 'Commune', 'SIRET', 'Membres']}
          hideCaption
        >
          {items.map((o) => (
            <tr>
              <td>
                <a href={`/organisations/${o.id}`} safe>
                  {o.name}
                </a>
              </td>
              <td safe>{o.kindLabel}</td>
              <td>{Html.escapeHtml(o.communeName ? `${o.communeName} (${o.departmentCode})` : '—')}</td>
              <td class="psl-nowrap" safe>
                {o.siret ?? '—'}
              </td>
              <td safe>{String(o.memberCount)}</td>
            </tr>
          ))}
        </DataTable>
      </div>
    );
  }

  app.get('/organisations', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const q = request.query as Record<string, string>;
    const kind = q.type && isKind(q.type) ? q.type : undefined;
    const page = pageParam(request);
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
          {formatCount(result.total, 'organisation')}
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
        <SuccessAlert message={infoOf(request)} />
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
          <FieldGrid
            col={['fr-col-12 fr-col-md-6', 'fr-col-12 fr-col-md-4', 'fr-col-12 fr-col-md-2 fr-mt-md-4w']}
          >
            <InputField name="q" label="Nom de l’organisation" value={q.q} type="search" />
            <SelectField
              name="type"
              label="Type"
              options={kindOptions}
              value={kind}
              placeholder="Tous les types"
            />
            <button type="submit" class="fr-btn">
              Filtrer
            </button>
          </FieldGrid>
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
        <FormErrors errors={errors} />
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
            {...suggested('/communes/suggestions', 'communes-suggerees')}
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
          <ButtonsGroup class="fr-btns-group--inline-md">
            <button type="submit" class="fr-btn">
              {editing ? 'Enregistrer' : 'Créer l’organisation'}
            </button>
            <a
              class="fr-btn fr-btn--secondary"
              href={editing ? `/organisations/${state.organisation!.id}` : '/organisations'}
            >
              Annuler
            </a>
          </ButtonsGroup>
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

  app.get('/organisations/:orgId', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const o = await identity.getOrganisation(actor, uuidParam(request));
    const ctx = pageContext(request, reply);
    const admin = isOrgAdmin(actor, o.id);
    return html(
      reply,
      <Layout title={o.name} ctx={ctx}>
        <SuccessAlert message={infoOf(request)} />
        <h1 safe>{o.name}</h1>
        <Badges badges={[{ text: o.kindLabel, kind: 'info' }]} />
        <dl class="fr-mt-3w">
          {(
            [
              ['SIRET', o.siret ?? 'non renseigné'],
              [
                'Commune',
                o.communeName
                  ? `${o.communeName} (${o.departmentCode}), code INSEE ${o.communeCode}`
                  : 'non renseignée',
              ],
              ['Contact', [o.email, o.phone].filter(Boolean).join(' · ') || 'non renseigné'],
              ['Membres', String(o.memberCount)],
            ] as const
          ).map(([term, value]) => (
            <>
              <dt class="fr-text--bold">{term}</dt>
              <dd safe>{value}</dd>
            </>
          ))}
        </dl>
        {admin ? (
          <LinkButtons
            class="fr-mt-3w"
            links={[
              { href: `/organisations/${o.id}/modifier`, label: 'Modifier' },
              { href: `/organisations/${o.id}/membres`, label: 'Gérer les membres' },
              { href: `/organisations/${o.id}/jetons`, label: 'Jetons d’API' },
            ]}
          />
        ) : (
          ''
        )}
      </Layout>,
    );
  });

  app.get('/organisations/:orgId/modifier', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const o = await identity.getOrganisation(actor, uuidParam(request));
    requireOrgAdmin(actor, o.id);
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
}
