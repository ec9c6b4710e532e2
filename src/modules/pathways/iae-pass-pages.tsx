import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import {
  Alert,
  Badges,
  DataTable,
  FieldGrid,
  InputField,
  SelectField,
  TextareaField,
} from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { ActionLabel } from '../../web/form-actions.js';
import { formatDate, formatNumber } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { currentMembership } from '../identity/model.js';
import { PROLONGATION_REASONS, SUSPENSION_REASONS } from './approval-rules.js';
import type { ApprovalView } from './approval-service.js';
import type { PathwaysDeps } from './deps.js';
import { siaeKindOf } from './eligibility-rules.js';
import { EXIT_CATEGORIES, EXIT_REASONS } from './exit-rules.js';
import { CONTRACT_KINDS, contractKindsFor, MONTHLY_HOURS_KINDS } from './iae-rules.js';

/** A form's refusal shown on its page again; anything else goes to the error page. */
export async function orPage(
  reply: FastifyReply,
  fn: () => Promise<unknown>,
  render: (error: AppError) => Promise<unknown>,
) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict')) {
      reply.status(e.kind === 'invalid' ? 400 : 409);
      return render(e);
    }
    throw e;
  }
}

const STATUS_BADGE = { valid: 'success', future: 'info', suspended: 'warning', expired: 'error' } as const;

const INFO: Record<string, string> = {
  delivre: 'Embauche enregistrée : PASS IAE délivré.',
  repris: 'Embauche enregistrée avec le PASS IAE en cours de la personne.',
  suspension: 'Suspension enregistrée : la fin du PASS IAE est reportée.',
  prolongation: 'Demande de prolongation envoyée au prescripteur habilité.',
  contrat: 'Contrat enregistré.',
  heures: 'Heures du mois enregistrées.',
  sortie: 'Sortie enregistrée.',
  decision: 'Décision enregistrée.',
};

const num = (v: string | undefined) => (v ? Number(v.replace(',', '.')) : undefined);
const body = (request: FastifyRequest, ...names: string[]) =>
  Object.fromEntries(names.map((n) => [n, formValue(request.body, n)])) as Record<string, string>;

const exitText = (
  e: { exitOn: string; reasonLabel: string; categoryLabel: string; counted: boolean } | null,
): string =>
  e
    ? `${formatDate(e.exitOn)} : ${e.reasonLabel} (${e.categoryLabel}${e.counted ? '' : ', non comptée'})`
    : '—';

function Periods(p: { a: ApprovalView }) {
  const rows = [
    ...p.a.suspensions.map((s) => ({
      what: 'Suspension',
      startOn: s.startOn,
      endOn: s.endOn,
      reason: s.reasonLabel,
      state: '',
      by: s.createdByLabel,
    })),
    ...p.a.prolongations.map((x) => ({
      what: 'Prolongation',
      startOn: x.startOn,
      endOn: x.endOn,
      reason: x.reasonLabel,
      state:
        x.state === 'requested'
          ? `demandée à ${x.prescriberOrganisationName}`
          : x.state === 'granted'
            ? `accordée par ${x.decidedByLabel ?? x.prescriberOrganisationName}`
            : `refusée par ${x.decidedByLabel ?? x.prescriberOrganisationName}${x.decisionComment ? ` : ${x.decisionComment}` : ''}`,
      by: x.createdByLabel,
    })),
  ];
  if (!rows.length) return <p>Aucune suspension ni prolongation.</p>;
  return (
    <DataTable
      caption="Suspensions et prolongations"
      hideCaption
      headers={['', 'Du', 'Au', 'Motif', 'État', 'Par']}
      stacked
    >
      {rows.map((r) => (
        <tr>
          <td safe>{r.what}</td>
          <td safe>{formatDate(r.startOn)}</td>
          <td safe>{formatDate(r.endOn)}</td>
          <td class="fr-cell--multiline" data-label="Motif" safe>
            {r.reason}
          </td>
          <td data-label="État" safe>
            {r.state}
          </td>
          <td class="fr-cell--multiline" data-label="Par" safe>
            {r.by}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** The PASS IAE page and its forms, and the prescriber's prolongation requests (issue 12 §4, §7). */
export async function iaePassPages(app: FastifyInstance, { pathways }: PathwaysDeps) {
  async function passPage(request: FastifyRequest, reply: FastifyReply, error: AppError | null) {
    const { approvalId } = request.params as { approvalId: string };
    const actor = request.actor!;
    const { approval: a, holder, contracts } = await pathways.approval(actor, approvalId);
    const prescribers = holder ? await pathways.prescriberChoices() : [];
    const siaeKind = siaeKindOf(currentMembership(actor)?.organisationKind ?? '');
    const ctx = pageContext(request, reply);
    const info = INFO[String((request.query as Record<string, unknown>).info ?? '')];
    const base = `/pass-iae/${a.id}`;
    const err = (form: string, field: string) =>
      error && (request.body as Record<string, unknown> | undefined)?.form === form && error.field === field
        ? error.message
        : undefined;
    return html(
      reply,
      <Layout title={`PASS IAE n° ${a.number}`} ctx={ctx}>
        <h1 safe>{`PASS IAE n° ${a.number}`}</h1>
        <Badges badges={[{ text: a.statusLabel, kind: STATUS_BADGE[a.status] }]} />
        {error ? <Alert kind="error" title="Action refusée" text={error.message} focus /> : ''}
        {info ? <Alert kind="success" title={info} /> : ''}
        <dl>
          <dt>Personne</dt>
          <dd>
            <a
              href={`/personnes/${a.person.id}`}
              safe
            >{`${a.person.firstName} ${a.person.lastName.toUpperCase()}`}</a>
          </dd>
          <dt>Délivré par</dt>
          <dd safe>{a.siae.organisation}</dd>
          <dt>Validité</dt>
          <dd safe>
            {`Du ${formatDate(a.startOn)} au ${formatDate(a.endOn)}${a.endOn !== a.baseEndOn ? ` (fin initiale : ${formatDate(a.baseEndOn)})` : ''}`}
          </dd>
        </dl>

        <h2 class="fr-mt-5w">Suspensions et prolongations</h2>
        <Periods a={a} />

        <h2 class="fr-mt-5w">Contrats</h2>
        {contracts.length ? (
          <DataTable
            caption="Contrats sous ce PASS IAE"
            headers={['Contrat', 'Du', 'Au', 'Heures', 'Sortie']}
            stacked
          >
            {contracts.map((c) => (
              <tr>
                <td safe>{c.kindLabel}</td>
                <td safe>{formatDate(c.startOn)}</td>
                <td>{c.endOn ? formatDate(c.endOn) : '—'}</td>
                <td safe>
                  {c.hours.length
                    ? c.hours.map((h) => `${h.month} : ${formatNumber(h.hours)} h`).join(' ; ')
                    : c.hoursPerWeek
                      ? `${formatNumber(c.hoursPerWeek)} h par semaine`
                      : '—'}
                </td>
                <td safe>{exitText(c.exit)}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <p>Aucun contrat.</p>
        )}

        {holder && siaeKind ? (
          <>
            {contracts
              .filter((c) => !c.exit && c.siaeOrganisationId === currentMembership(actor)?.organisationId)
              .map((c) => (
                <section class="fr-mt-5w">
                  <h2 safe>{`${c.kindLabel} du ${formatDate(c.startOn)}`}</h2>
                  {MONTHLY_HOURS_KINDS.includes(siaeKind) ? (
                    <form method="post" action={`${base}/contrats/${c.id}/heures`} class="fr-mb-3w">
                      <CsrfField token={ctx.csrf} />
                      <input type="hidden" name="form" value={`heures-${c.id}`} />
                      <FieldGrid col="fr-col-12 fr-col-md-4">
                        <InputField
                          name="month"
                          id={`mois-${c.id}`}
                          type="month"
                          label="Mois"
                          required
                          error={err(`heures-${c.id}`, 'month')}
                        />
                        <InputField
                          name="hours"
                          id={`heures-${c.id}`}
                          type="number"
                          label="Heures travaillées"
                          required
                          extra={{ min: '0', max: '300', step: '0.1' }}
                          error={err(`heures-${c.id}`, 'hours')}
                        />
                      </FieldGrid>
                      <button class="fr-btn fr-btn--secondary" type="submit">
                        Enregistrer les heures
                      </button>
                    </form>
                  ) : (
                    ''
                  )}
                  <form method="post" action={`${base}/contrats/${c.id}/sortie`}>
                    <CsrfField token={ctx.csrf} />
                    <input type="hidden" name="form" value={`sortie-${c.id}`} />
                    <FieldGrid col="fr-col-12 fr-col-md-6">
                      <InputField
                        name="exitOn"
                        id={`sortie-date-${c.id}`}
                        type="date"
                        label="Date de sortie"
                        required
                        error={err(`sortie-${c.id}`, 'exitOn')}
                      />
                      <SelectField
                        name="reason"
                        id={`sortie-motif-${c.id}`}
                        label="Motif de sortie (liste de l’ASP)"
                        required
                        placeholder="Choisir un motif"
                        options={EXIT_REASONS.map((r) => [
                          r.code,
                          `${r.label} — ${EXIT_CATEGORIES[r.category]}`,
                        ])}
                        error={err(`sortie-${c.id}`, 'reason')}
                      />
                    </FieldGrid>
                    <TextareaField
                      name="comment"
                      id={`sortie-commentaire-${c.id}`}
                      label="Commentaire"
                      rows={2}
                    />
                    <button class="fr-btn" type="submit">
                      Enregistrer la sortie
                    </button>
                  </form>
                </section>
              ))}

            <h2 class="fr-mt-5w">Suspendre le PASS IAE</h2>
            <form method="post" action={`${base}/suspensions`}>
              <CsrfField token={ctx.csrf} />
              <input type="hidden" name="form" value="suspension" />
              <FieldGrid col="fr-col-12 fr-col-md-6">
                <InputField
                  name="startOn"
                  id="suspension-debut"
                  type="date"
                  label="Début"
                  hint="Au plus 365 jours en arrière, pas dans le futur."
                  required
                  error={err('suspension', 'startOn')}
                />
                <InputField
                  name="endOn"
                  id="suspension-fin"
                  type="date"
                  label="Fin"
                  hint="36 mois au plus."
                  required
                  error={err('suspension', 'endOn')}
                />
              </FieldGrid>
              <SelectField
                name="reason"
                id="suspension-motif"
                label="Motif"
                required
                placeholder="Choisir un motif"
                options={Object.entries(SUSPENSION_REASONS)}
                error={err('suspension', 'reason')}
              />
              <TextareaField name="comment" id="suspension-commentaire" label="Commentaire" rows={2} />
              <button class="fr-btn fr-btn--secondary" type="submit">
                Suspendre
              </button>
            </form>

            <h2 class="fr-mt-5w">Demander une prolongation</h2>
            <p>{`La prolongation commence le lendemain de la fin du PASS ; un prescripteur habilité la décide.`}</p>
            <form method="post" action={`${base}/prolongations`}>
              <CsrfField token={ctx.csrf} />
              <input type="hidden" name="form" value="prolongation" />
              <FieldGrid col="fr-col-12 fr-col-md-6">
                <InputField
                  name="endOn"
                  id="prolongation-fin"
                  type="date"
                  label="Nouvelle fin demandée"
                  required
                  error={err('prolongation', 'endOn') ?? err('prolongation', 'startOn')}
                />
                <SelectField
                  name="reason"
                  id="prolongation-motif"
                  label="Motif"
                  required
                  placeholder="Choisir un motif"
                  options={Object.entries(PROLONGATION_REASONS).map(([k, r]) => [k, r.label])}
                  error={err('prolongation', 'reason')}
                />
              </FieldGrid>
              <SelectField
                name="prescriberOrganisationId"
                id="prolongation-prescripteur"
                label="Prescripteur habilité qui décide"
                required
                placeholder="Choisir une organisation"
                options={prescribers.map((o) => [o.id, o.name])}
                error={err('prolongation', 'prescriberOrganisationId')}
              />
              <TextareaField name="comment" id="prolongation-commentaire" label="Commentaire" rows={2} />
              <button class="fr-btn fr-btn--secondary" type="submit">
                Demander la prolongation
              </button>
            </form>

            <h2 class="fr-mt-5w">Nouveau contrat (renouvellement)</h2>
            <form method="post" action={`${base}/contrats`}>
              <CsrfField token={ctx.csrf} />
              <input type="hidden" name="form" value="contrat" />
              <SelectField
                name="kind"
                id="contrat-type"
                label="Type de contrat"
                required
                placeholder="Choisir un contrat"
                options={contractKindsFor(siaeKind).map((k) => [k, CONTRACT_KINDS[k].label])}
                error={err('contrat', 'kind')}
              />
              <FieldGrid col="fr-col-12 fr-col-md-4">
                <InputField
                  name="startOn"
                  id="contrat-debut"
                  type="date"
                  label="Début"
                  required
                  error={err('contrat', 'startOn')}
                />
                <InputField
                  name="endOn"
                  id="contrat-fin"
                  type="date"
                  label="Fin"
                  error={err('contrat', 'endOn')}
                />
                <InputField
                  name="hoursPerWeek"
                  id="contrat-heures"
                  type="number"
                  label="Heures par semaine"
                  extra={{ min: '1', max: '48', step: '0.5' }}
                  error={err('contrat', 'hoursPerWeek')}
                />
              </FieldGrid>
              <button class="fr-btn fr-btn--secondary" type="submit">
                Enregistrer le contrat
              </button>
            </form>
          </>
        ) : (
          ''
        )}
      </Layout>,
      reply.statusCode,
    );
  }

  app.get('/pass-iae/:approvalId', { config: { access: 'user', audit: 'approval.read' } }, (request, reply) =>
    passPage(request, reply, null),
  );

  /** A form of the PASS page: on success back to the page with its notice, a refusal shown on it. */
  const act =
    (info: string, fn: (request: FastifyRequest, approvalId: string) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { approvalId } = request.params as { approvalId: string };
      return orPage(
        reply,
        async () => {
          await fn(request, approvalId);
          return reply.redirect(`/pass-iae/${approvalId}?info=${info}`, 303);
        },
        (e) => passPage(request, reply, e),
      );
    };

  app.post(
    '/pass-iae/:approvalId/suspensions',
    { config: { access: 'user', audit: ['approval.changed', 'approval.read'] } },
    act('suspension', (request, id) =>
      pathways.suspend(request.actor!, id, body(request, 'startOn', 'endOn', 'reason', 'comment')),
    ),
  );
  app.post(
    '/pass-iae/:approvalId/prolongations',
    { config: { access: 'user', audit: ['approval.changed', 'approval.read'] } },
    act('prolongation', (request, id) =>
      pathways.requestProlongation(
        request.actor!,
        id,
        body(request, 'endOn', 'reason', 'prescriberOrganisationId', 'comment'),
      ),
    ),
  );
  app.post(
    '/pass-iae/:approvalId/contrats',
    { config: { access: 'user', audit: ['contract.recorded', 'approval.read'] } },
    act('contrat', async (request, id) => {
      const b = body(request, 'kind', 'startOn', 'endOn', 'hoursPerWeek');
      const { approval } = await pathways.approval(request.actor!, id);
      return pathways.addContract(request.actor!, {
        personId: approval.person.id,
        approvalId: id,
        kind: b.kind,
        startOn: b.startOn,
        endOn: b.endOn || undefined,
        hoursPerWeek: num(b.hoursPerWeek),
      });
    }),
  );
  app.post(
    '/pass-iae/:approvalId/contrats/:contractId/heures',
    { config: { access: 'user', audit: ['contract.recorded', 'approval.read'] } },
    act('heures', (request) => {
      const b = body(request, 'month', 'hours');
      return pathways.recordHours(request.actor!, (request.params as { contractId: string }).contractId, {
        month: b.month,
        hours: num(b.hours),
      });
    }),
  );
  app.post(
    '/pass-iae/:approvalId/contrats/:contractId/sortie',
    { config: { access: 'user', audit: ['exit.recorded', 'person.shared', 'approval.read'] } },
    act('sortie', (request) =>
      pathways.recordExit(
        request.actor!,
        (request.params as { contractId: string }).contractId,
        body(request, 'exitOn', 'reason', 'comment'),
      ),
    ),
  );

  async function requestsPage(request: FastifyRequest, reply: FastifyReply, error: AppError | null) {
    const rows = await pathways.prolongationRequests(request.actor!);
    const ctx = pageContext(request, reply);
    const info = INFO[String((request.query as Record<string, unknown>).info ?? '')];
    const open = rows.filter((r) => r.prolongation.state === 'requested');
    const decided = rows.filter((r) => r.prolongation.state !== 'requested');
    return html(
      reply,
      <Layout title="Prolongations de PASS IAE à décider" ctx={ctx}>
        <h1>Prolongations de PASS IAE à décider</h1>
        {error ? <Alert kind="error" title="Décision refusée" text={error.message} focus /> : ''}
        {info ? <Alert kind="success" title={info} /> : ''}
        {open.length ? (
          <ul class="fr-raw-list">
            {open.map((r) => (
              <li class="fr-mb-5w">
                <h2 class="fr-h5">
                  <a
                    href={`/pass-iae/${r.approvalId}`}
                    safe
                  >{`PASS IAE n° ${r.number} — ${r.personFirstName} ${r.personLastName.toUpperCase()}`}</a>
                </h2>
                <p safe>
                  {`${r.siaeOrganisationName} demande une prolongation du ${formatDate(r.prolongation.startOn)} au ${formatDate(r.prolongation.endOn)} : ${r.prolongation.reasonLabel}.${r.prolongation.comment ? ` « ${r.prolongation.comment} »` : ''}`}
                </p>
                <form method="post" action={`/pass-iae/prolongations/${r.prolongation.id}/decision`}>
                  <CsrfField token={ctx.csrf} />
                  <input type="hidden" name="version" value={String(r.prolongation.version)} />
                  <TextareaField
                    name="comment"
                    id={`decision-${r.prolongation.id}`}
                    label="Commentaire"
                    hint="Obligatoire pour un refus."
                    rows={2}
                  />
                  <div class="fr-btns-group fr-btns-group--inline-md">
                    <button class="fr-btn" type="submit" name="decision" value="granted">
                      <ActionLabel
                        label="Accorder"
                        object={`la prolongation du PASS de ${r.personFirstName} ${r.personLastName.toUpperCase()}`}
                      />
                    </button>
                    <button class="fr-btn fr-btn--secondary" type="submit" name="decision" value="refused">
                      <ActionLabel
                        label="Refuser"
                        object={`la prolongation du PASS de ${r.personFirstName} ${r.personLastName.toUpperCase()}`}
                      />
                    </button>
                  </div>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <p>Aucune demande de prolongation n’attend de décision de votre organisation.</p>
        )}
        {decided.length ? (
          <DataTable
            caption="Décisions des 90 derniers jours"
            headers={['PASS IAE', 'Jusqu’au', 'Décision', 'Par']}
            stacked
          >
            {decided.map((r) => (
              <tr>
                <td>
                  <a href={`/pass-iae/${r.approvalId}`} safe>
                    {r.number}
                  </a>
                </td>
                <td safe>{formatDate(r.prolongation.endOn)}</td>
                <td>{r.prolongation.state === 'granted' ? 'Accordée' : 'Refusée'}</td>
                <td safe>{r.prolongation.decidedByLabel ?? ''}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          ''
        )}
      </Layout>,
      reply.statusCode,
    );
  }

  app.get(
    '/pass-iae/prolongations',
    { config: { access: 'user', audit: 'approval.read' } },
    (request, reply) => requestsPage(request, reply, null),
  );
  app.post(
    '/pass-iae/prolongations/:prolongationId/decision',
    { config: { access: 'user', audit: ['approval.changed', 'approval.read'] } },
    async (request, reply) =>
      orPage(
        reply,
        async () => {
          const b = body(request, 'decision', 'version', 'comment');
          await pathways.decideProlongation(
            request.actor!,
            (request.params as { prolongationId: string }).prolongationId,
            { decision: b.decision, version: b.version ? Number(b.version) : undefined, comment: b.comment },
          );
          return reply.redirect('/pass-iae/prolongations?info=decision', 303);
        },
        (e) => requestsPage(request, reply, e),
      ),
  );
}
