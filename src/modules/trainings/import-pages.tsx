import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { AppError } from '../../shared/errors.js';
import { abortedWith, refuseAnnouncedOverLimit } from '../../shared/uploads.js';
import { Alert, ButtonsGroup } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { sendCsv } from '../../web/download.js';
import { CheckboxField, InputField, RadioGroup } from '../../web/form.js';
import { formatCount, formatDateTime } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { acceptMultipart, formParts } from '../../web/multipart.js';
import { toProblem } from '../../web/problem.js';
import { DataTable, NumberCell } from '../../web/table.js';
import type { TrainingsDeps } from './deps.js';
import { requireImportRights } from './rights.js';

/** Room for a form's other parts (token, source, mode, boundaries) beside its file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

const STATUS: Record<string, string> = {
  running: 'en cours',
  done: 'terminé',
  failed: 'refusé',
};

const runsImport = { access: 'user', audit: 'lheo_import.done' } as const;

/** A partial feed adds and updates; a full feed also withdraws what it no longer holds. */
const FEED_MODES = [
  { value: 'partial', label: 'Mise à jour : ajoute et modifie, ne retire rien' },
  {
    value: 'full',
    label: 'Flux complet : ce que le fichier ne contient plus est retiré du catalogue (jamais supprimé)',
  },
];

/** The state a run shows in the list: a done full feed may still wait for its withdrawal to be decided. */
const runState = (r: { status: string; counts: Record<string, number> }) =>
  r.status === 'done' && r.counts.withdrawalHeld ? 'retrait à confirmer' : (STATUS[r.status] ?? r.status);

export async function importPages(app: FastifyInstance, { trainings }: TrainingsDeps, config: Config) {
  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    error: AppError | null = null,
    sent: { source?: string; mode?: string; acknowledgeFullFeed?: string } = {},
  ) {
    const actor = request.actor!;
    const rights = requireImportRights(actor);
    const runs = await trainings.listImports(actor);
    const sources = rights.anySource ? await trainings.importSources(actor) : [];
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Imports LHÉO" ctx={ctx}>
        <h1>Importer une offre de formation (LHÉO)</h1>
        <p>
          Déposez un flux au format LHÉO 2.x. Le fichier est d’abord vérifié en entier : s’il est mal formé,
          rien n’est modifié. Les formations valides sont ensuite enregistrées ; chaque enregistrement refusé
          est listé avec sa ligne et la raison.
          {rights.anySource ? '' : ' Seules les formations de votre organisme (même SIRET) sont acceptées.'}
        </p>
        {error ? (
          <Alert
            kind="error"
            title={
              error.kind === 'unprocessable' ? 'Fichier refusé : rien n’a été modifié' : 'Import impossible'
            }
            text={error.message}
          />
        ) : (
          ''
        )}
        {typeof error?.extensions?.reportUrl === 'string' ? (
          <p>
            <a href={error.extensions.reportUrl}>Voir le rapport de cet import</a>
          </p>
        ) : (
          ''
        )}
        <form method="post" action="/formations/imports" enctype="multipart/form-data">
          <CsrfField token={ctx.csrf} />
          {rights.anySource ? (
            <>
              <InputField
                name="source"
                label="Source du flux"
                hint={
                  sources.length
                    ? `Vos sources : ${sources.join(', ')}. Un nouveau nom crée une source qui appartiendra à votre organisation.`
                    : 'Identifie le flux d’un import à l’autre (ex. : ft-offre-achats). Une source appartient à l’organisation qui l’a créée : elle seule y importe.'
                }
                value={sent.source ?? (sources.length === 1 ? sources[0] : undefined)}
                list="sources-connues"
                required
                error={error?.field === 'source' ? error.message : undefined}
              />
              <datalist id="sources-connues">
                {sources.map((name) => (
                  <option value={name} />
                ))}
              </datalist>
            </>
          ) : (
            ''
          )}
          <RadioGroup
            name="mode"
            legend="Nature du flux"
            value={sent.mode === 'full' ? 'full' : 'partial'}
            choices={FEED_MODES}
          />
          {/* A destructive choice asks first, without JavaScript: the server refuses a full feed
              sent without this box, before the file is read. */}
          <CheckboxField
            name="acknowledgeFullFeed"
            id="acknowledge-full-feed"
            value="oui"
            checked={sent.acknowledgeFullFeed === 'oui'}
            label="Flux complet seulement : je confirme que les formations de cette source absentes du fichier seront retirées du catalogue"
            hint="Si le fichier apporte moins de formations qu’il n’en retirerait, rien n’est retiré avant une seconde confirmation."
            error={error?.field === 'acknowledgeFullFeed' ? error.message : undefined}
            class="fr-mb-3w"
          />
          {/* Last: the file is read, and written to disk, only after the other fields are checked. */}
          <div class={`fr-upload-group${error?.field === 'file' ? ' fr-upload-group--error' : ''}`}>
            <label class="fr-label" for="champ-file">
              Fichier LHÉO (obligatoire)
              <span
                class="fr-hint-text"
                safe
              >{`Format XML, ${(config.lheoMaxBytes / 1e6).toFixed(0)} Mo au plus.`}</span>
            </label>
            <input
              class="fr-upload"
              type="file"
              id="champ-file"
              name="file"
              accept=".xml,application/xml,text/xml"
              required
            />
          </div>
          <button type="submit" class="fr-btn fr-mt-3w">
            Importer
          </button>
        </form>
        <h2 class="fr-mt-5w">Derniers imports</h2>
        {runs.length ? (
          <DataTable
            caption="Derniers imports"
            hideCaption
            headers={[
              'Date',
              'Fichier',
              'Source',
              'État',
              'Formations',
              'Rejets',
              'Avertissements',
              'Rapport',
            ]}
            numeric={[4, 5, 6]}
          >
            {runs.map((r) => (
              <tr>
                <td safe>{formatDateTime(r.started_at)}</td>
                <td safe>{r.file_name}</td>
                <td safe>{r.source}</td>
                <td safe>{runState(r)}</td>
                <NumberCell value={r.formations_total} />
                <NumberCell value={r.rejected_count} />
                <NumberCell value={r.warning_count} />
                <td>
                  <a href={`/formations/imports/${r.id}`}>
                    Voir<span class="fr-sr-only" safe>{` le rapport de ${r.file_name}`}</span>
                  </a>
                </td>
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

  app.get('/formations/imports', { config: { access: 'user' } }, (request, reply) =>
    listPage(request, reply),
  );

  await app.register(async (scope) => {
    await acceptMultipart(scope, { fileSize: config.lheoMaxBytes, files: 1, fields: 4 });
    scope.post('/formations/imports', { config: runsImport }, async (request, reply) => {
      const actor = request.actor!;
      const fields: Record<string, string> = {};
      try {
        // The generic checks read the CSRF token (the form's first part) and nothing else; the
        // rights are decided here before the next part is read, the source's owner before the
        // file: the form sends the file last, and only then is it written to disk.
        requireImportRights(actor);
        refuseAnnouncedOverLimit(request.headers, config.lheoMaxBytes, FORM_OVERHEAD_BYTES);
        for await (const part of formParts(request)) {
          if (part.type === 'field') {
            if (typeof part.value === 'string') fields[part.fieldname] = part.value;
            continue;
          }
          if (part.fieldname !== 'file')
            throw new AppError('invalid', 'Un seul fichier est attendu, dans le champ « file ».', 'file');
          const mode = fields.mode === 'full' ? 'full' : 'partial';
          if (mode === 'full' && fields.acknowledgeFullFeed !== 'oui')
            throw new AppError(
              'invalid',
              'Flux complet : cochez la case qui confirme que les formations absentes du fichier seront retirées, ou choisissez « Mise à jour ».',
              'acknowledgeFullFeed',
            );
          const plan = await trainings.planImport(actor, {
            source: fields.source?.trim() || null,
            mode,
          });
          const outcome = await trainings.importUpload(
            plan,
            part.file,
            part.filename,
            abortedWith(request.raw),
          );
          return reply.redirect(outcome.reportUrl, 303);
        }
        throw new AppError('invalid', 'Choisissez un fichier LHÉO non vide.', 'file');
      } catch (error) {
        // A refusal of what was sent is shown on the form; no import rights at all is the error page.
        if (error instanceof AppError && (error.kind !== 'forbidden' || error.field === 'source'))
          return listPage(request, reply, error, fields);
        throw error;
      }
    });
  });

  async function reportPage(request: FastifyRequest, reply: FastifyReply, error: AppError | null = null) {
    const { id } = request.params as { id: string };
    const { run, rejections, warnings, heldWithdrawal } = await trainings.importReport(request.actor!, id);
    const counts = run.counts as Record<string, number>;
    const problems = [
      run.rejected_count ? formatCount(run.rejected_count, 'rejet', 'rejets') : '',
      run.warning_count ? formatCount(run.warning_count, 'avertissement', 'avertissements') : '',
    ].filter(Boolean);
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title={`Import ${run.file_name}`} ctx={ctx}>
        <h1 safe>{`Import de ${run.file_name}`}</h1>
        {error ? <Alert kind="error" title="Décision impossible" text={error.message} /> : ''}
        {run.status === 'failed' ? (
          <Alert kind="error" title="Fichier refusé : rien n’a été modifié" text={run.error ?? ''} />
        ) : heldWithdrawal ? (
          <>
            <Alert
              kind="warning"
              title={`${heldWithdrawal.wouldWithdraw > 1 ? `${heldWithdrawal.wouldWithdraw} formations seraient retirées` : '1 formation serait retirée'}, ${heldWithdrawal.accepted} seulement ${heldWithdrawal.accepted > 1 ? 'acceptées' : 'acceptée'} : rien n’a été retiré`}
              text={`Ce flux complet apporte moins de ${Math.round(heldWithdrawal.minShare * 100)} % de ce qu’il retirerait : c’est plus souvent un fichier incomplet ou mal exporté qu’une offre qui a fondu. Les formations acceptées sont enregistrées ; celles de la source « ${run.source} » absentes du fichier restent publiées tant que vous ne confirmez pas leur retrait.`}
            />
            <form method="post" action={`/formations/imports/${run.id}/retrait`}>
              <CsrfField token={ctx.csrf} />
              <ButtonsGroup class="fr-btns-group--inline-md">
                <button type="submit" name="decision" value="confirm" class="fr-btn" safe>
                  {`Confirmer le retrait de ${formatCount(heldWithdrawal.wouldWithdraw, 'formation', 'formations')}`}
                </button>
                <button type="submit" name="decision" value="cancel" class="fr-btn fr-btn--secondary">
                  Annuler le retrait (tout garder)
                </button>
              </ButtonsGroup>
            </form>
          </>
        ) : run.status === 'done' ? (
          <Alert
            kind={problems.length ? 'warning' : 'success'}
            title={`Import terminé${problems.length ? ` avec ${problems.join(' et ')}` : ''}`}
            text={
              counts.withdrawalCancelled
                ? `Retrait annulé : les ${formatCount(counts.withdrawalCancelled, 'formation', 'formations')} absentes du fichier ont été gardées.`
                : undefined
            }
          />
        ) : (
          <Alert
            kind="info"
            title="Import en cours ou interrompu : relancez le même fichier pour le reprendre"
          />
        )}
        <ul>
          <li
            safe
          >{`Source : ${run.source} · ${run.mode === 'full' ? 'flux complet' : 'mise à jour'} · ${formatDateTime(run.started_at)}`}</li>
          <li safe>{`Formations dans le fichier : ${run.formations_total}`}</li>
          <li
            safe
          >{`Créées : ${counts.created ?? 0} · modifiées : ${counts.updated ?? 0} · inchangées : ${counts.unchanged ?? 0} · retirées : ${counts.withdrawn ?? 0}`}</li>
          <li safe>{`Actions : ${counts.actions ?? 0} · sessions : ${counts.sessions ?? 0}`}</li>
          {counts.otherSource ? (
            <li
              safe
            >{`Formations d’une autre source, écartées (ni fusionnées ni copiées) : ${counts.otherSource}`}</li>
          ) : (
            ''
          )}
        </ul>
        <ul>
          <li safe>{`Rejets : ${run.rejected_count} · avertissements : ${run.warning_count}`}</li>
        </ul>
        {rejections.length || warnings.length ? (
          <p>
            <a
              class="fr-link fr-icon-download-line fr-link--icon-left"
              href={`/formations/imports/${run.id}/rejets.csv`}
            >
              Télécharger le rapport complet, rejets et avertissements (CSV)
            </a>{' '}
            ·{' '}
            <a
              class="fr-link fr-icon-download-line fr-link--icon-left"
              href={`/formations/imports/${run.id}/rapport.json`}
            >
              (JSON)
            </a>
          </p>
        ) : (
          ''
        )}
        <ProblemTable caption="Enregistrements rejetés" rows={rejections} />
        <ProblemTable
          caption="Avertissements (enregistrements importés, avec ce qui a été corrigé ou laissé de côté)"
          rows={warnings}
        />
        <p>
          <a href="/formations/imports">Retour aux imports</a> ·{' '}
          <a href="/formations">Rechercher dans l’offre</a>
        </p>
      </Layout>,
      error ? toProblem(error).status : 200,
    );
  }

  app.get('/formations/imports/:id', { config: { access: 'user' } }, (request, reply) =>
    reportPage(request, reply),
  );

  app.post(
    '/formations/imports/:id/retrait',
    { config: { access: 'user', audit: 'lheo_import.withdrawal' } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const decision = formValue(request.body, 'decision');
      try {
        if (decision !== 'confirm' && decision !== 'cancel')
          throw new AppError('invalid', 'Choisissez de confirmer ou d’annuler le retrait.', 'decision');
        await trainings.decideWithdrawal(request.actor!, id, decision);
      } catch (error) {
        // A decision already taken, or superseded by a later import, is explained on the report.
        if (error instanceof AppError && (error.kind === 'invalid' || error.kind === 'conflict'))
          return reportPage(request, reply, error);
        throw error;
      }
      return reply.redirect(`/formations/imports/${id}`, 303);
    },
  );

  // The same report for a program: counts, then every rejection and warning with its place.
  app.get('/formations/imports/:id/rapport.json', { config: { access: 'user' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { run, rejections, warnings } = await trainings.importReport(request.actor!, id);
    const problem = (r: (typeof rejections)[number]) => ({
      line: r.line,
      column: r.col,
      element: r.element,
      record: r.record,
      reason: r.reason,
    });
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="rapport-${id}.json"`)
      .send({
        id: run.id,
        fileName: run.file_name,
        source: run.source,
        status: run.status,
        error: run.error,
        counts: run.counts,
        totals: { rejected: run.rejected_count, warnings: run.warning_count },
        rejections: rejections.map(problem),
        warnings: warnings.map(problem),
      });
  });

  app.get('/formations/imports/:id/rejets.csv', { config: { access: 'user' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { rejections, warnings } = await trainings.importReport(request.actor!, id);
    return sendCsv(
      reply,
      `rejets-${id}.csv`,
      ['Gravité', 'Ligne', 'Colonne', 'Élément', 'Enregistrement', 'Raison'],
      [...rejections, ...warnings].map((r) => [
        SEVERITY[r.severity],
        r.line,
        r.col,
        r.element,
        r.record,
        r.reason,
      ]),
    );
  });
}

const SEVERITY = { error: 'rejet', warning: 'avertissement' } as const;
const SHOWN = 200;

/** The first problems of a report (the CSV holds them all, and the caption says when it is cut). */
function ProblemTable(props: {
  caption: string;
  rows: { line: number; col: number; element: string; record: string; reason: string }[];
}) {
  if (!props.rows.length) return '';
  const cut = props.rows.length > SHOWN;
  return (
    <DataTable
      caption={`${props.caption} : ${props.rows.length}${cut ? ` (les ${SHOWN} premiers ci-dessous, tous dans le CSV)` : ''}`}
      headers={['Ligne', 'Colonne', 'Élément', 'Enregistrement', 'Raison']}
    >
      {props.rows.slice(0, SHOWN).map((r) => (
        <tr>
          <td>{r.line}</td>
          <td>{r.col}</td>
          <td safe>{r.element}</td>
          <td safe>{r.record}</td>
          <td safe>{r.reason}</td>
        </tr>
      ))}
    </DataTable>
  );
}
