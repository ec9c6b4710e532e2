import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, notFound } from '../../shared/errors.js';
import { Alert } from '../../web/components.js';
import { html, pageContext, pageParam } from '../../web/context.js';
import { InputField } from '../../web/form.js';
import { formatDateTime, formatNumber } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { acceptMultipart, formParts } from '../../web/multipart.js';
import { Pagination } from '../../web/pagination.js';
import { toProblem } from '../../web/problem.js';
import { DataTable, NumberCell } from '../../web/table.js';
import type { DirectoryDeps } from './deps.js';
import type { ImportRunView } from './import-repository.js';

/** Problems shown per page of a report (one row per problem of a rejected record). */
const REPORT_PAGE = 50;

const EXPORT_FILES = {
  'structures.json': { kind: 'structures', format: 'json' },
  'services.json': { kind: 'services', format: 'json' },
  'structures.csv': { kind: 'structures', format: 'csv' },
  'services.csv': { kind: 'services', format: 'csv' },
} as const;

const STATES: Record<ImportRunView['status'], string> = {
  running: 'en cours',
  done: 'terminé',
  failed: 'interrompu',
};

async function readFile(stream: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes) throw new AppError('too-large', 'Fichier trop volumineux.', 'fichier');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The directory's import and export pages (issue 13 §3), as the offer feeds' (offers/import-pages.tsx):
 * the form to import a data·inclusion file and the latest imports, an import's report with every
 * problem of every rejected record (paginated), and the region's directory as files to download.
 */
export async function importPages(app: FastifyInstance, { directory }: DirectoryDeps) {
  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    error: AppError | null = null,
    sent: { source?: string } = {},
  ) {
    const runs = await directory.importRuns(request.actor!);
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Imports de l’annuaire" ctx={ctx}>
        <h1>Importer dans l’annuaire</h1>
        <p>
          Déposez un fichier au schéma data·inclusion, tel que l’exportent data·inclusion ou DORA : JSON
          (structures et services), ou CSV (un fichier de structures, ou un fichier de services). Chaque
          enregistrement est vérifié : ceux qui sont valides sont enregistrés, chaque enregistrement refusé
          est listé avec tous ses problèmes. Un même fichier importé deux fois ne change rien.
        </p>
        {error ? (
          <Alert kind="error" title="Import impossible : rien n’a été modifié" text={error.message} focus />
        ) : (
          ''
        )}
        <form method="post" action="/annuaire/imports" enctype="multipart/form-data">
          <CsrfField token={ctx.csrf} />
          <InputField
            name="source"
            label="Source"
            hint="Facultatif : le producteur des enregistrements qui n’en nomment pas (ex. : dora). Lettres sans accent, chiffres, « - », « _ » ou « . »."
            value={sent.source}
            error={error?.field === 'source' ? error.message : undefined}
          />
          <div class={`fr-upload-group${error?.field === 'fichier' ? ' fr-upload-group--error' : ''}`}>
            <label class="fr-label" for="champ-fichier">
              Fichier data·inclusion (obligatoire)
              <span class="fr-hint-text">Format JSON ou CSV.</span>
            </label>
            <input
              class="fr-upload"
              type="file"
              id="champ-fichier"
              name="fichier"
              accept=".json,.csv,application/json,text/csv"
              required
            />
          </div>
          <button type="submit" class="fr-btn fr-mt-3w">
            Importer
          </button>
        </form>
        <h2 class="fr-mt-5w">Exporter l’annuaire de la région</h2>
        <ul>
          {Object.keys(EXPORT_FILES).map((file) => (
            <li>
              <a
                class="fr-link fr-icon-download-line fr-link--icon-left"
                href={`/annuaire/export/${file}`}
                safe
              >
                {file}
              </a>
            </li>
          ))}
        </ul>
        <h2 class="fr-mt-5w">Derniers imports</h2>
        {runs.length ? (
          <DataTable
            caption="Derniers imports de l’annuaire"
            hideCaption
            headers={[
              'Import',
              'Source',
              'État',
              'Structures créées',
              'Structures modifiées',
              'Services créés',
              'Services modifiés',
              'Inchangés',
              'Rejets',
            ]}
            numeric={[3, 4, 5, 6, 7, 8]}
          >
            {runs.map((r) => (
              <tr>
                <td>
                  <a href={`/annuaire/imports/${r.id}`} safe>
                    {formatDateTime(r.startedAt)}
                  </a>
                  <br />
                  <span class="fr-text--sm" safe>
                    {r.fileName}
                  </span>
                </td>
                <td safe>{r.source}</td>
                <td safe>{STATES[r.status]}</td>
                <NumberCell value={r.counts.structuresCreated} />
                <NumberCell value={r.counts.structuresUpdated} />
                <NumberCell value={r.counts.servicesCreated} />
                <NumberCell value={r.counts.servicesUpdated} />
                <NumberCell value={r.counts.unchanged} />
                <NumberCell value={r.counts.rejected} />
              </tr>
            ))}
          </DataTable>
        ) : (
          <p>Aucun import pour l’instant : le premier apparaîtra ici avec son rapport.</p>
        )}
      </Layout>,
      error ? toProblem(error).status : 200,
    );
  }

  app.get('/annuaire/imports', { config: { access: 'user' } }, (request, reply) => listPage(request, reply));

  await app.register(async (scope) => {
    await acceptMultipart(scope, { fileSize: directory.importLimitBytes, files: 1, fields: 2 });
    scope.post('/annuaire/imports', { config: { access: 'user' } }, async (request, reply) => {
      const actor = request.actor!;
      const fields: Record<string, string> = {};
      try {
        // Rights before the file is read (the form sends it last).
        directory.requireDirectoryImporter(actor);
        for await (const part of formParts(request)) {
          if (part.type === 'field') {
            if (typeof part.value === 'string') fields[part.fieldname] = part.value;
            continue;
          }
          if (part.fieldname !== 'fichier')
            throw new AppError(
              'invalid',
              'Un seul fichier est attendu, dans le champ « fichier ».',
              'fichier',
            );
          const content = await readFile(part.file, directory.importLimitBytes);
          const run = await directory.importFile(actor, {
            fileName: part.filename,
            content,
            source: fields.source?.trim() || undefined,
          });
          return reply.redirect(`/annuaire/imports/${run.id}`, 303);
        }
        throw new AppError('invalid', 'Choisissez un fichier JSON ou CSV non vide.', 'fichier');
      } catch (error) {
        // A refusal of what was sent is shown on the form; no import rights at all is the error page.
        if (error instanceof AppError && error.kind !== 'forbidden')
          return listPage(request, reply, error, fields);
        throw error;
      }
    });
  });

  app.get('/annuaire/imports/:runId', { config: { access: 'user' } }, async (request, reply) => {
    const { runId } = request.params as { runId: string };
    const run = await directory.importRun(request.actor!, runId);
    const page = pageParam(request);
    // One row per problem: a record rejected for three reasons shows three lines, each naming its field.
    const rows = run.rejections.flatMap((r) =>
      r.problems.map((p) => ({ kind: r.kind, index: r.index, id: r.id, ...p })),
    );
    const shown = rows.slice((page - 1) * REPORT_PAGE, page * REPORT_PAGE);
    const c = run.counts;
    const path = `/annuaire/imports/${run.id}`;
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title={`Import du fichier ${run.fileName}`} ctx={ctx}>
        <h1 safe>{`Import du fichier « ${run.fileName} »`}</h1>
        {run.status === 'failed' ? (
          <Alert
            kind="error"
            title="Import interrompu : les lots enregistrés avant l’erreur sont gardés"
            text={run.error ?? ''}
          />
        ) : run.status === 'done' ? (
          <Alert
            kind={c.rejected ? 'warning' : 'success'}
            title={c.rejected ? `Import terminé avec ${formatNumber(c.rejected)} rejet(s)` : 'Import terminé'}
          />
        ) : (
          <Alert kind="info" title="Import en cours" />
        )}
        <ul>
          <li safe>{`Source : ${run.source} · ${formatDateTime(run.startedAt)} · par ${run.actor}`}</li>
          <li
            safe
          >{`Structures créées : ${formatNumber(c.structuresCreated)} · modifiées : ${formatNumber(c.structuresUpdated)}`}</li>
          <li
            safe
          >{`Services créés : ${formatNumber(c.servicesCreated)} · modifiés : ${formatNumber(c.servicesUpdated)}`}</li>
          <li safe>{`Inchangés : ${formatNumber(c.unchanged)} · rejetés : ${formatNumber(c.rejected)}`}</li>
        </ul>
        {c.rejected > run.rejections.length ? (
          <p
            safe
          >{`Seuls les ${formatNumber(run.rejections.length)} premiers enregistrements rejetés sont détaillés ici.`}</p>
        ) : (
          ''
        )}
        {rows.length ? (
          <>
            <DataTable
              caption={`Problèmes des enregistrements rejetés : ${formatNumber(rows.length)}`}
              headers={['Ligne ou rang', 'Enregistrement', 'Champ', 'Raison']}
              numeric={[0]}
            >
              {shown.map((r) => (
                <tr>
                  <NumberCell value={r.index} />
                  <td class="fr-cell--multiline">
                    {r.kind === 'structure' ? 'structure' : 'service'}
                    <br />
                    <span class="fr-text--sm" safe>
                      {r.id ?? 'sans identifiant'}
                    </span>
                  </td>
                  <td>
                    <code safe>{r.field}</code>
                  </td>
                  <td class="fr-cell--multiline" safe>
                    {r.message}
                  </td>
                </tr>
              ))}
            </DataTable>
            <Pagination
              page={page}
              total={rows.length}
              pageSize={REPORT_PAGE}
              baseQuery={new URLSearchParams()}
              path={path}
            />
          </>
        ) : (
          ''
        )}
        <p class="fr-mt-3w">
          <a href="/annuaire/imports">Retour aux imports</a>
        </p>
      </Layout>,
    );
  });

  app.get('/annuaire/export/:file', { config: { access: 'user' } }, async (request, reply) => {
    const { file } = request.params as { file: string };
    const wanted = EXPORT_FILES[file as keyof typeof EXPORT_FILES];
    if (!Object.hasOwn(EXPORT_FILES, file) || !wanted) throw notFound('Fichier d’export inconnu.');
    const out = await directory.exportFile(request.actor!, wanted.kind, wanted.format);
    return reply
      .type(out.contentType)
      .header('content-disposition', `attachment; filename="${out.fileName}"`)
      .send(out.body);
  });
}
