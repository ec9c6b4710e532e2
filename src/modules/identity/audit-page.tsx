import Html from '@kitajs/html';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app.js';
import { AUDITED_ACTIONS } from '../../shared/audit.js';
import { invalid } from '../../shared/errors.js';
import { isIsoDate, isUuid } from '../../shared/formats.js';
import { DataTable, formatDateTime, InputField, Pagination, SelectField } from '../../web/components.js';
import { html, pageContext, pageParam } from '../../web/context.js';
import { Layout } from '../../web/layout.js';
import type { Actor } from './model.js';

/** What each action means, in French; the audited reads and offer changes come from shared/audit.ts. */
const ACTION_LABELS: Record<string, string> = {
  'auth.login': 'Connexion',
  'auth.login_failed': 'Échec de connexion',
  'auth.logout': 'Déconnexion',
  'auth.password_reset_requested': 'Demande de nouveau mot de passe',
  'auth.password_set': 'Mot de passe choisi par lien',
  'auth.password_changed': 'Mot de passe changé',
  'user.profile_updated': 'Profil modifié',
  'user.super_admin_created': 'Super-administrateur créé',
  'organisation.created': 'Organisation créée',
  'organisation.updated': 'Organisation modifiée',
  'membership.invited': 'Membre invité',
  'membership.invitation_accepted': 'Invitation acceptée',
  'membership.invitation_declined': 'Invitation refusée',
  'membership.invitation_revoked': 'Invitation annulée',
  'auth.organisation_chosen': 'Organisation choisie pour la session',
  'membership.role_changed': 'Rôle d’un membre changé',
  'membership.removed': 'Membre retiré',
  'api_token.created': 'Jeton d’API créé',
  'api_token.revoked': 'Jeton d’API révoqué',
  'person.read': 'Consultation d’un dossier',
  ...Object.fromEntries(Object.entries(AUDITED_ACTIONS).map(([code, a]) => [code, a.label])),
};

export async function auditPage(app: FastifyInstance, { identity }: Services) {
  app.get('/journal', { config: { access: 'user', audit: 'audit_log.read' } }, async (request, reply) => {
    const actor: Actor = request.actor!;
    const q = request.query as Record<string, string>;
    // A date that does not exist is refused, not passed to SQL (a 500 before issue 8).
    const isDate = (field: string, s: string | undefined) => {
      if (s && !isIsoDate(s))
        throw invalid(
          field,
          `Date « ${s} » invalide : une date qui existe, au format AAAA-MM-JJ, est attendue.`,
        );
      return s || undefined;
    };
    const page = pageParam(request);
    const filter = {
      organisationId:
        actor.isSuperAdmin && q.organisation && isUuid(q.organisation) ? q.organisation : undefined,
      action: q.action?.slice(0, 60) || undefined,
      actor: q.acteur?.slice(0, 254) || undefined,
      from: isDate('du', q.du),
      to: isDate('au', q.au),
      page,
    };
    const result = await identity.listAudit(actor, filter);
    const organisations = actor.isSuperAdmin
      ? (await identity.organisationChoices(actor)).map((o): [string, string] => [o.id, o.name])
      : [];
    const ctx = pageContext(request, reply);
    const base = new URLSearchParams(
      Object.entries({
        organisation: filter.organisationId,
        action: q.action,
        acteur: q.acteur,
        du: q.du,
        au: q.au,
      }).filter(([, v]) => v) as [string, string][],
    );
    const actions: [string, string][] = [
      ['auth.', 'Connexions'],
      ['auth.login_failed', 'Échecs de connexion'],
      ['membership.', 'Membres et rôles'],
      ['organisation.', 'Organisations'],
      ['api_token.', 'Jetons d’API'],
      ['person.read', 'Consultations de dossiers'],
      ...Object.entries(AUDITED_ACTIONS).map(([code, a]): [string, string] => [code, a.label]),
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
          {actor.isSuperAdmin ? (
            <SelectField
              name="organisation"
              label="Organisation"
              options={organisations}
              value={filter.organisationId}
              placeholder="Toutes les organisations"
            />
          ) : (
            ''
          )}
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
        <DataTable
          caption={`${result.total} évènement${result.total > 1 ? 's' : ''}`}
          headers={['Date', 'Auteur', 'Organisation', 'Action', 'Objet', 'Adresse IP']}
        >
          {result.items.map((e) => (
            <tr>
              <td class="psl-nowrap" safe>
                {formatDateTime(e.occurredAt)}
              </td>
              <td safe>{e.actorLabel ?? '—'}</td>
              <td safe>{e.organisationName ?? '—'}</td>
              <td>
                {ACTION_LABELS[e.action] ? (
                  <>
                    <span safe>{ACTION_LABELS[e.action]}</span>{' '}
                  </>
                ) : (
                  ''
                )}
                <code safe>{e.action}</code>
              </td>
              <td>{Html.escapeHtml(e.subjectType ? `${e.subjectType} ${e.subjectId ?? ''}` : '—')}</td>
              <td safe>{e.ip ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
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
