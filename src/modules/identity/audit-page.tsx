import type { FastifyInstance } from 'fastify';
import { AUDITED_ACTIONS } from '../../shared/audit.js';
import { invalid } from '../../shared/errors.js';
import { isIsoDate, isUuid } from '../../shared/formats.js';
import { DataTable, Pagination } from '../../web/components.js';
import { html, pageContext, pageParam } from '../../web/context.js';
import { FieldGrid, InputField, SelectField } from '../../web/form.js';
import { formatCount, formatDateTime } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import { auditSentence } from './audit-sentences.js';
import type { IdentityDeps } from './deps.js';
import type { Actor } from './model.js';

export async function auditPage(app: FastifyInstance, { identity }: IdentityDeps) {
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
          <FieldGrid
            col={[
              'fr-col-12 fr-col-md-3',
              'fr-col-12 fr-col-md-3',
              'fr-col-6 fr-col-md-2',
              'fr-col-6 fr-col-md-2',
              'fr-col-12 fr-col-md-2 fr-mt-md-4w',
            ]}
          >
            <SelectField
              name="action"
              label="Action"
              options={actions}
              value={q.action}
              placeholder="Toutes"
            />
            <InputField name="acteur" label="Auteur (adresse)" value={q.acteur} type="search" />
            <InputField name="du" label="Du" type="date" value={filter.from} />
            <InputField name="au" label="Au" type="date" value={filter.to} />
            <button type="submit" class="fr-btn">
              Filtrer
            </button>
          </FieldGrid>
        </form>
        <DataTable
          caption={formatCount(result.total, 'évènement', 'évènements', 'Aucun évènement')}
          headers={['Date', 'Évènement', 'Organisation de l’auteur', 'Adresse IP']}
        >
          {result.items.map((e) => (
            <tr>
              <td class="psl-nowrap" safe>
                {formatDateTime(e.occurredAt)}
              </td>
              <td safe>
                {auditSentence({
                  action: e.action,
                  actorLabel: e.actorLabel,
                  subjectName: e.subjectName,
                  organisationName: e.organisationNameInDetails,
                  trainingTitle: e.trainingTitle,
                  details: e.details,
                })}
              </td>
              <td safe>{e.organisationName ?? '—'}</td>
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
