import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { abortedWith } from '../../shared/uploads.js';
import { Alert, ButtonsGroup, TagLinks } from '../../web/components.js';
import { html, pageContext, pageParam } from '../../web/context.js';
import { sendCsv } from '../../web/download.js';
import { CheckboxField, InputField } from '../../web/form.js';
import { formatCount, formatDateTime, formatNumber } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { ConfirmationModal, ConfirmationPage } from '../../web/modal.js';
import { acceptMultipart, formParts } from '../../web/multipart.js';
import { Pagination } from '../../web/pagination.js';
import { toProblem } from '../../web/problem.js';
import { DataTable, NumberCell } from '../../web/table.js';
import type { OffersDeps } from './deps.js';
import { refuseFeedOverLimit } from './import-routes.js';
import type { ImportSummaryView } from './import-service.js';

/** Room for the form's other parts (token, source, checkbox, boundaries) beside its file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

const megabytes = (bytes: number) => `${formatNumber(Math.round(bytes / 1e6))} Mo`;

/** The state a run shows: a done full feed may still wait for its withdrawal to be decided. */
function runState(r: ImportSummaryView): string {
  if (r.status === 'failed') return 'refusé';
  if (r.status === 'running') return 'en cours';
  if (r.withdrawalHeld !== null) return 'retrait à confirmer';
  return 'terminé';
}

const SEVERITIES = {
  rejets: { severity: 'rejection', label: 'Rejets' },
  avertissements: { severity: 'warning', label: 'Avertissements' },
} as const;
type SeverityKey = keyof typeof SEVERITIES;

/**
 * The offer feed imports' pages (issue 10 §3), as the LHÉO ones (trainings/import-pages.tsx): the
 * upload form and the latest imports, an import's report with every rejection and warning per
 * record and field (paginated, downloadable in JSON and CSV), and a full feed's held withdrawal
 * decided with a confirmation (DSFR modal, a page without JavaScript).
 */
export async function offerImportPages(app: FastifyInstance, { offers }: OffersDeps) {
  const imports = offers.imports;

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    error: AppError | null = null,
    sent: { source?: string; full?: string } = {},
  ) {
    const actor = request.actor!;
    const [runs, sources] = await Promise.all([imports.list(actor), imports.sources(actor)]);
    const ctx = pageContext(request, reply);
    const reportUrl = error?.extensions?.reportUrl;
    return html(
      reply,
      <Layout title="Imports d’offres d’emploi" ctx={ctx}>
        <h1>Importer des offres d’emploi</h1>
        <p>
          Déposez un flux au format France Travail « Offres d’emploi v2 » : un tableau JSON d’offres, ou une
          offre par ligne (NDJSON). Le fichier est d’abord reçu et vérifié en entier : s’il est mal formé,
          rien n’est modifié. Les offres valides sont ensuite enregistrées ; chaque offre refusée est listée
          avec son champ et la raison. Un même fichier importé deux fois ne change rien.
        </p>
        {error ? (
          <Alert
            kind="error"
            title={
              error.kind === 'unprocessable' || error.kind === 'too-large'
                ? 'Fichier refusé : rien n’a été modifié'
                : 'Import impossible'
            }
            text={error.message}
            focus
          />
        ) : (
          ''
        )}
        {typeof reportUrl === 'string' ? (
          <p>
            <a href={reportUrl}>Voir le rapport de cet import</a>
          </p>
        ) : (
          ''
        )}
        <form method="post" action="/offres/imports" enctype="multipart/form-data">
          <CsrfField token={ctx.csrf} />
          <InputField
            name="source"
            label="Source du flux"
            hint={
              sources.length
                ? `Vos sources : ${sources.join(', ')}. Un nouveau nom crée une source qui appartiendra à votre organisation. Minuscules sans accent, chiffres, « - » ou « _ ».`
                : 'Identifie le flux d’un import à l’autre (ex. : france-travail-ara). Une source appartient à l’organisation qui l’a créée : elle seule y importe. Minuscules sans accent, chiffres, « - » ou « _ ».'
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
          <CheckboxField
            name="full"
            id="flux-complet"
            value="oui"
            checked={sent.full === 'oui'}
            label="Flux complet : le fichier contient toutes les offres en cours de cette source"
            hint="Les offres de la source absentes du fichier seront clôturées (jamais supprimées). Si le fichier en apporte moins qu’il n’en clôturerait, rien n’est clôturé avant votre confirmation. Laissez décoché pour une simple mise à jour, qui ajoute et modifie sans rien retirer."
            class="fr-mb-3w"
          />
          {/* Last: the file is read, and written to disk, only after the other fields are checked. */}
          <div class={`fr-upload-group${error?.field === 'file' ? ' fr-upload-group--error' : ''}`}>
            <label class="fr-label" for="champ-file">
              Fichier d’offres (obligatoire)
              <span
                class="fr-hint-text"
                safe
              >{`Format JSON ou NDJSON, ${megabytes(imports.maxBytes)} au plus.`}</span>
            </label>
            <input
              class="fr-upload"
              type="file"
              id="champ-file"
              name="file"
              accept=".json,.ndjson,.jsonl,application/json,application/x-ndjson"
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
            caption="Derniers imports d’offres"
            hideCaption
            headers={[
              'Import',
              'Source',
              'État',
              'Créées',
              'Modifiées',
              'Inchangées',
              'Retirées',
              'Rejets',
              'Avertissements',
            ]}
            numeric={[3, 4, 5, 6, 7, 8]}
          >
            {/* The report's link first: on a phone the table scrolls, and the link must not be off-screen. */}
            {runs.map((r) => (
              <tr>
                <td>
                  <a href={r.reportUrl} safe>
                    {formatDateTime(r.startedAt)}
                  </a>
                  <br />
                  <span class="fr-text--sm" safe>
                    {r.fileName}
                  </span>
                </td>
                <td safe>{r.source}</td>
                <td safe>{runState(r)}</td>
                <NumberCell value={r.counts.created} />
                <NumberCell value={r.counts.updated} />
                <NumberCell value={r.counts.unchanged} />
                <NumberCell value={r.counts.withdrawn} />
                <NumberCell value={r.counts.rejected} />
                <NumberCell value={r.counts.warnings} />
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

  app.get('/offres/imports', { config: { access: 'user' } }, (request, reply) => listPage(request, reply));

  await app.register(async (scope) => {
    await acceptMultipart(scope, { fileSize: imports.maxBytes, files: 1, fields: 3 });
    scope.post(
      '/offres/imports',
      { config: { access: 'user', audit: 'job_offer_import.done' } },
      async (request, reply) => {
        const actor = request.actor!;
        const fields: Record<string, string> = {};
        try {
          // The CSRF check read the token (the first part); the rights are decided before the next
          // part is read, the source's owner before the file: the form sends the file last.
          imports.requireImporter(actor);
          refuseFeedOverLimit(request.headers, imports.maxBytes, FORM_OVERHEAD_BYTES);
          for await (const part of formParts(request)) {
            if (part.type === 'field') {
              if (typeof part.value === 'string') fields[part.fieldname] = part.value;
              continue;
            }
            if (part.fieldname !== 'file')
              throw new AppError('invalid', 'Un seul fichier est attendu, dans le champ « file ».', 'file');
            const plan = await imports.plan(actor, { source: fields.source, full: fields.full === 'oui' });
            const summary = await imports.run(plan, part.file, part.filename, abortedWith(request.raw));
            return reply.redirect(summary.reportUrl, 303);
          }
          throw new AppError('invalid', 'Choisissez un fichier d’offres non vide.', 'file');
        } catch (error) {
          // A refusal of what was sent is shown on the form; no import rights at all is the error page.
          if (error instanceof AppError && (error.kind !== 'forbidden' || error.field === 'source'))
            return listPage(request, reply, error, fields);
          throw error;
        }
      },
    );
  });

  async function reportPage(request: FastifyRequest, reply: FastifyReply, error: AppError | null = null) {
    const actor = request.actor!;
    const { id } = request.params as { id: string };
    const query = request.query as Record<string, unknown>;
    const key: SeverityKey = query.gravite === 'avertissements' ? 'avertissements' : 'rejets';
    const page = pageParam(request);
    const run = await imports.get(actor, id);
    const issues = await imports.issues(actor, id, SEVERITIES[key].severity, page);
    const counts = run.counts;
    const problems = [
      counts.rejected ? formatCount(counts.rejected, 'rejet', 'rejets') : '',
      counts.warnings ? formatCount(counts.warnings, 'avertissement', 'avertissements') : '',
    ].filter(Boolean);
    const ctx = pageContext(request, reply);
    const held = run.withdrawalHeld;
    const path = `/offres/imports/${run.id}`;
    return html(
      reply,
      <Layout title={`Import du fichier ${run.fileName}`} ctx={ctx}>
        <h1 safe>{`Import du fichier « ${run.fileName} »`}</h1>
        {error ? <Alert kind="error" title="Décision impossible" text={error.message} focus /> : ''}
        {run.status === 'failed' ? (
          <Alert kind="error" title="Fichier refusé : rien n’a été modifié" text={run.error ?? ''} />
        ) : held !== null ? (
          <>
            <Alert
              kind="warning"
              title={`${formatCount(held, 'offre serait clôturée', 'offres seraient clôturées')} : rien n’a été retiré`}
              text={`Ce flux complet apporte ${formatCount(counts.created + counts.updated + counts.unchanged, 'offre', 'offres')}, moins qu’il n’en clôturerait : c’est plus souvent un fichier incomplet ou mal exporté qu’une source qui a fondu. Les offres du fichier sont enregistrées ; celles de la source « ${run.source} » absentes du fichier restent publiées tant que vous ne confirmez pas leur retrait.`}
            />
            <ButtonsGroup class="fr-btns-group--inline-md fr-mb-3w">
              <ConfirmationModal
                id="retrait"
                action={`${path}/retrait`}
                csrf={ctx.csrf}
                label="Clôturer les offres absentes"
                object={`du flux ${run.fileName}`}
                question={`Clôturer ${formatCount(held, 'offre', 'offres')} de la source « ${run.source} » ?`}
                consequence="Les offres de cette source absentes du fichier seront clôturées : elles ne seront plus proposées aux conseillers ni aux personnes. Elles restent enregistrées et reviendront si un prochain flux les contient."
                confirmLabel={`Clôturer ${formatCount(held, 'offre', 'offres')}`}
              />
              <form method="post" action={`${path}/maintien`}>
                <CsrfField token={ctx.csrf} />
                <button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary">
                  Garder ces offres publiées
                </button>
              </form>
            </ButtonsGroup>
          </>
        ) : run.status === 'done' ? (
          <Alert
            kind={problems.length ? 'warning' : 'success'}
            title={`Import terminé${problems.length ? ` avec ${problems.join(' et ')}` : ''}`}
            text={
              run.withdrawalDecision === 'cancelled'
                ? 'Retrait annulé : les offres absentes du fichier ont été gardées publiées.'
                : run.withdrawalDecision === 'confirmed'
                  ? `Retrait confirmé : ${formatCount(counts.withdrawn, 'offre clôturée', 'offres clôturées')}.`
                  : undefined
            }
          />
        ) : (
          <Alert
            kind="info"
            title="Import en cours, ou interrompu : relancez le même fichier pour le reprendre"
          />
        )}
        <ul>
          <li
            safe
          >{`Source : ${run.source} · ${run.full ? 'flux complet' : 'mise à jour'} · ${formatDateTime(run.startedAt)} · par ${run.actor}`}</li>
          <li safe>{`Enregistrements lus : ${formatNumber(counts.records)}`}</li>
          <li
            safe
          >{`Créées : ${formatNumber(counts.created)} · modifiées : ${formatNumber(counts.updated)} · inchangées : ${formatNumber(counts.unchanged)} · retirées : ${formatNumber(counts.withdrawn)}`}</li>
          <li
            safe
          >{`Rejets : ${formatNumber(counts.rejected)} · avertissements : ${formatNumber(counts.warnings)}`}</li>
        </ul>
        {counts.rejected || counts.warnings ? (
          <>
            <p>
              <a class="fr-link fr-icon-download-line fr-link--icon-left" href={`${path}/rapport.csv`}>
                Télécharger le rapport complet, rejets et avertissements (CSV)
              </a>{' '}
              ·{' '}
              <a class="fr-link fr-icon-download-line fr-link--icon-left" href={`${path}/rapport.json`}>
                (JSON)
              </a>
            </p>
            <TagLinks
              tags={(Object.keys(SEVERITIES) as SeverityKey[]).map((k) => ({
                text: `${SEVERITIES[k].label} (${formatNumber(k === 'rejets' ? counts.rejected : counts.warnings)})`,
                href: k === 'rejets' ? path : `${path}?gravite=${k}`,
                current: k === key,
              }))}
            />
            {issues.items.length ? (
              <DataTable
                caption={
                  key === 'rejets'
                    ? `Enregistrements rejetés : ${formatNumber(issues.total)}`
                    : `Avertissements (enregistrements importés, une valeur laissée de côté) : ${formatNumber(issues.total)}`
                }
                headers={['Enregistrement', 'Champ et raison']}
              >
                {/* Two columns: on a phone the reason stays on screen, under the field it names. */}
                {issues.items.map((i) => (
                  <tr>
                    <td>
                      <span safe>{`n°\u00a0${formatNumber(i.record)}`}</span>
                      <br />
                      <span class="fr-text--sm" safe>
                        {i.recordId ?? 'sans identifiant'}
                      </span>
                    </td>
                    {/* DSFR cells do not wrap by default: the reason would run off a phone's screen. */}
                    <td class="fr-cell--multiline">
                      <code safe>{i.field || 'enregistrement entier'}</code>
                      <br />
                      <span safe>{i.message}</span>
                    </td>
                  </tr>
                ))}
              </DataTable>
            ) : (
              <p>{key === 'rejets' ? 'Aucun rejet.' : 'Aucun avertissement.'}</p>
            )}
            <Pagination
              page={issues.page}
              total={issues.total}
              pageSize={issues.pageSize}
              baseQuery={new URLSearchParams(key === 'rejets' ? {} : { gravite: key })}
              path={path}
            />
          </>
        ) : (
          ''
        )}
        <p class="fr-mt-3w">
          <a href="/offres/imports">Retour aux imports</a> · <a href="/offres">Les offres publiées</a>
        </p>
      </Layout>,
      error ? toProblem(error).status : 200,
    );
  }

  app.get('/offres/imports/:id', { config: { access: 'user' } }, (request, reply) =>
    reportPage(request, reply),
  );

  // The held withdrawal's confirmation without JavaScript (the modal's link): the same question on a page.
  app.get('/offres/imports/:id/retrait', { config: { access: 'user' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const run = await imports.get(request.actor!, id);
    const ctx = pageContext(request, reply);
    const path = `/offres/imports/${run.id}`;
    if (run.withdrawalHeld === null) return reply.redirect(path, 303);
    return html(
      reply,
      <Layout title="Confirmer le retrait" ctx={ctx}>
        <ConfirmationPage
          action={`${path}/retrait`}
          csrf={ctx.csrf}
          cancelHref={path}
          question={`Clôturer ${formatCount(run.withdrawalHeld, 'offre', 'offres')} de la source « ${run.source} » ?`}
          consequence="Les offres de cette source absentes du fichier seront clôturées : elles ne seront plus proposées aux conseillers ni aux personnes. Elles restent enregistrées et reviendront si un prochain flux les contient."
          confirmLabel={`Clôturer ${formatCount(run.withdrawalHeld, 'offre', 'offres')}`}
        />
      </Layout>,
    );
  });

  for (const [suffix, decision] of [
    ['retrait', 'confirm'],
    ['maintien', 'cancel'],
  ] as const)
    app.post(
      `/offres/imports/:id/${suffix}`,
      { config: { access: 'user', audit: 'job_offer_import.withdrawal' } },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        try {
          await imports.decideWithdrawal(request.actor!, id, decision);
        } catch (error) {
          // A decision already taken, or superseded by a later import, is explained on the report.
          if (error instanceof AppError && error.kind === 'conflict')
            return reportPage(request, reply, error);
          throw error;
        }
        return reply.redirect(`/offres/imports/${id}`, 303);
      },
    );

  // The whole report for a program: the counts, then every rejection and warning with its record and field.
  app.get('/offres/imports/:id/rapport.json', { config: { access: 'user' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { run, issues } = await imports.allIssues(request.actor!, id);
    const item = (i: (typeof issues)[number]) => ({
      record: i.record_index + 1,
      recordId: i.record_id,
      field: i.field,
      message: i.message,
    });
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="rapport-import-offres-${run.id}.json"`)
      .send({
        ...run,
        rejections: issues.filter((i) => i.severity === 'rejection').map(item),
        warnings: issues.filter((i) => i.severity === 'warning').map(item),
      });
  });

  app.get('/offres/imports/:id/rapport.csv', { config: { access: 'user' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { run, issues } = await imports.allIssues(request.actor!, id);
    return sendCsv(
      reply,
      `rapport-import-offres-${run.id}.csv`,
      ['Gravité', 'Rang', 'Identifiant', 'Champ', 'Raison'],
      issues.map((i) => [
        i.severity === 'rejection' ? 'rejet' : 'avertissement',
        i.record_index + 1,
        i.record_id ?? '',
        i.field,
        i.message,
      ]),
    );
  });
}
