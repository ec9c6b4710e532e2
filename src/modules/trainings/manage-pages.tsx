import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Alert } from '../../web/components.js';
import { formValue, html, pageContext, pageParam } from '../../web/context.js';
import { InputField, TextareaField } from '../../web/form.js';
import { formatDateTime } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { Pagination } from '../../web/pagination.js';
import { DataTable, NumberCell } from '../../web/table.js';
import type { TrainingsDeps } from './deps.js';

const TEXT_FIELDS = [
  ['title', 'Intitulé', 255],
  ['objective', 'Objectif', 3000],
  ['expectedResults', 'Résultats attendus', 3000],
  ['content', 'Contenu', 3000],
] as const;

const editsText = { access: 'user', audit: 'training.updated' } as const;

/** The page size of « Mon offre », as the service reads it (trainings.ownTrainings). */
const OWN_PAGE_SIZE = 50;

export async function managePages(app: FastifyInstance, { trainings }: TrainingsDeps) {
  app.get('/mon-offre', { config: { access: 'user' } }, async (request, reply) => {
    const page = pageParam(request);
    const { total, items } = await trainings.ownTrainings(request.actor!, page);
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Mon offre de formation" ctx={ctx}>
        <h1>Mon offre de formation</h1>
        <p>
          Les formations publiées sous le SIRET de votre organisme. Ouvrez une formation pour mettre à jour
          ses sessions (recrutement ouvert ou fermé, places restantes) ;{' '}
          <a href="/formations/imports">importez un fichier LHÉO</a> pour la mettre à jour en bloc.
        </p>
        <DataTable
          caption={`${total} formation${total > 1 ? 's' : ''}`}
          headers={['Intitulé', 'Actions', 'Source', 'État', 'Mise à jour']}
          numeric={[1]}
        >
          {items.map((t) => (
            <tr>
              <td>
                <a href={`/formations/${t.id}`} safe>
                  {t.title}
                </a>
              </td>
              <NumberCell value={t.actions} />
              <td safe>{t.source}</td>
              <td>{t.status === 'active' ? 'publiée' : 'retirée'}</td>
              <td safe>{formatDateTime(t.updated_at)}</td>
            </tr>
          ))}
        </DataTable>
        {/* The list comes by pages of OWN_PAGE_SIZE (the service's): the pager keeps them reachable. */}
        <Pagination
          page={page}
          total={total}
          pageSize={OWN_PAGE_SIZE}
          baseQuery={new URLSearchParams()}
          path="/mon-offre"
        />
      </Layout>,
    );
  });

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    error: AppError | null = null,
    values: Record<string, string> | null = null,
  ) {
    const { id } = request.params as { id: string };
    const t = await trainings.checkTrainingRights(request.actor!, id);
    const ctx = pageContext(request, reply);
    const current: Record<string, string> = values ?? {
      title: t.title,
      objective: t.objective,
      expectedResults: t.expectedResults,
      content: t.content,
    };
    return html(
      reply,
      <Layout title={`Modifier — ${t.title}`} ctx={ctx}>
        <h1>Modifier les textes de la formation</h1>
        {error ? <Alert kind="error" title="Enregistrement impossible" text={error.message} /> : ''}
        <form method="post" action={`/formations/${t.id}/modifier`}>
          <CsrfField token={ctx.csrf} />
          {TEXT_FIELDS.map(([name, text]) => {
            const field = {
              name,
              label: text,
              value: current[name],
              required: true,
              error: error?.field === name ? error.message : undefined,
            };
            return name === 'title' ? <InputField {...field} /> : <TextareaField {...field} rows={5} />;
          })}
          <button type="submit" class="fr-btn">
            Enregistrer
          </button>
        </form>
      </Layout>,
      error ? 400 : 200,
    );
  }

  app.get('/formations/:id/modifier', { config: { access: 'user' } }, (request, reply) =>
    editPage(request, reply),
  );
  app.post('/formations/:id/modifier', { config: editsText }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const values = Object.fromEntries(TEXT_FIELDS.map(([name]) => [name, formValue(request.body, name)]));
    await trainings.checkTrainingRights(request.actor!, id);
    try {
      for (const [name, text, max] of TEXT_FIELDS) {
        const v = values[name] ?? '';
        if (v.length < 3) throw new AppError('invalid', `${text} : 3 caractères au moins.`, name);
        if (v.length > max) throw new AppError('invalid', `${text} : ${max} caractères au plus.`, name);
      }
      await trainings.updateText(request.actor!, id, values);
    } catch (error) {
      if (error instanceof AppError && error.kind === 'invalid')
        return editPage(request, reply, error, values);
      throw error;
    }
    return reply.redirect(`/formations/${id}?info=textes`, 303);
  });
}
