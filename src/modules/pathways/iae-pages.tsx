import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AppError, forbidden } from '../../shared/errors.js';
import {
  Alert,
  Badges,
  CheckboxGroup,
  DataTable,
  FieldGrid,
  InputField,
  SelectField,
} from '../../web/components.js';
import { formValue, formValues, html, pageContext } from '../../web/context.js';
import { formatDate } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { currentMembership } from '../identity/model.js';
import { type FileSection, FileSections, fileTitle } from '../persons/file-page.js';
import type { PathwaysDeps } from './deps.js';
import { CRITERIA, SIAE_KINDS, siaeKindOf } from './eligibility-rules.js';
import type { DiagnosisView } from './eligibility-service.js';
import { iaePassPages, orPage } from './iae-pass-pages.js';
import { CONTRACT_KINDS, contractKindsFor } from './iae-rules.js';

/** The rule the actor's organisation applies (issue 12 §3), said before the form. */
function ruleText(kind: string | undefined): string {
  const siae = kind ? siaeKindOf(kind) : null;
  if (!siae)
    return 'Prescripteur habilité : aucun critère n’est exigé, votre diagnostic vaut éligibilité ; il est valable 6 mois, et tant qu’un PASS IAE délivré sur lui court. Les critères que vous cochez restent réservés à votre organisation, à l’organisation référente et à la SIAE qui embauche.';
  return `${SIAE_KINDS[siae]} : cochez au moins un critère de niveau 1, ou ${siae === 'AI' || siae === 'ETTI' ? 'deux' : 'trois'} critères de niveau 2. Le diagnostic est valable 92 jours, et tant qu’un PASS IAE délivré sur lui court.`;
}

function DiagnosisList(p: { rows: DiagnosisView[] }) {
  if (!p.rows.length) return <p>Aucun diagnostic d’éligibilité IAE pour cette personne.</p>;
  return (
    <DataTable
      caption="Diagnostics d’éligibilité IAE"
      headers={['Réalisé le', 'Par', 'Validité', 'Critères administratifs']}
      stacked
    >
      {p.rows.map((d) => (
        <tr>
          <td safe>{formatDate(d.madeOn)}</td>
          <td
            safe
          >{`${d.author.by}${d.author.kind === 'prescriber' ? ' — prescripteur habilité' : ` — ${d.author.siaeKind ?? 'SIAE'}`}`}</td>
          <td>
            <Badges
              small
              badges={[{ text: d.valid ? 'Valide' : 'Expiré', kind: d.valid ? 'success' : 'warning' }]}
            />
            <span class="fr-text--sm" safe>{`jusqu’au ${formatDate(d.validUntil)}`}</span>
          </td>
          <td safe>
            {d.criteria === null
              ? (d.criteriaNote ?? '')
              : d.criteria.length
                ? d.criteria
                    .map(
                      (c) =>
                        `${c.label} (niveau ${c.level ?? '?'})${c.proof ? ` — ${c.proof}` : ''}${c.proofOn ? ` du ${formatDate(c.proofOn)}` : ''}`,
                    )
                    .join(' ; ')
                : 'Aucun critère (prescripteur habilité)'}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** The IAE pages (issue 12 §7): eligibility on the file, hire, « Mes salariés en insertion », PASS. */
export async function iaePages(app: FastifyInstance, deps: PathwaysDeps) {
  const { pathways, persons } = deps;

  async function eligibilityPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { codes: string[]; proof: string; proofOn: string } | null,
    error: AppError | null,
  ) {
    const { personId } = request.params as { personId: string };
    const actor = request.actor!;
    const rows = await pathways.diagnosesFor(actor, personId);
    const file = await persons.get(actor, personId);
    const ctx = pageContext(request, reply);
    const kind = currentMembership(actor)?.organisationKind;
    const author = kind ? pathways.authorOf(kind) : null;
    const info = (request.query as Record<string, unknown>).info === 'cree';
    const criteriaError = error?.field?.startsWith('criteria') ? error.message : undefined;
    return html(
      reply,
      <Layout title={`Éligibilité IAE — ${fileTitle(file)}`} ctx={ctx}>
        <h1 safe>{fileTitle(file)}</h1>
        {/* The integrator adds « Éligibilité IAE » to the file's sections; none is current here meanwhile. */}
        <FileSections personId={personId} current={'eligibilite' as FileSection} />
        {error ? <Alert kind="error" title="Diagnostic refusé" text={error.message} focus /> : ''}
        {info ? <Alert kind="success" title="Diagnostic d’éligibilité enregistré." /> : ''}
        <h2>Éligibilité IAE</h2>
        <DiagnosisList rows={rows} />
        {author ? (
          <>
            <h2 class="fr-mt-5w">Nouveau diagnostic d’éligibilité</h2>
            <p safe>{ruleText(kind)}</p>
            <form method="post" action={`/personnes/${personId}/eligibilite`}>
              <CsrfField token={ctx.csrf} />
              {([1, 2] as const).map((level) => (
                <CheckboxGroup
                  name="criteria"
                  id={`criteres-niveau-${level}`}
                  legend={`Critères administratifs de niveau ${level}`}
                  hint={level === 1 ? 'Un seul suffit pour une SIAE.' : 'À cumuler pour une SIAE.'}
                  error={level === 1 ? criteriaError : undefined}
                  choices={CRITERIA.filter((c) => c.level === level).map((c) => ({
                    value: c.code,
                    label: c.label,
                    hint: `Justificatif : ${c.proof}`,
                  }))}
                  values={form?.codes ?? []}
                />
              ))}
              <FieldGrid col="fr-col-12 fr-col-md-6">
                <InputField
                  name="proof"
                  label="Justificatif présenté"
                  hint="Pour les critères cochés ; 200 caractères au plus."
                  value={form?.proof}
                />
                <InputField name="proofOn" type="date" label="Date du justificatif" value={form?.proofOn} />
              </FieldGrid>
              <button class="fr-btn" type="submit">
                Enregistrer le diagnostic
              </button>
            </form>
          </>
        ) : (
          <p>Seuls un prescripteur habilité ou une SIAE établissent un diagnostic d’éligibilité IAE.</p>
        )}
      </Layout>,
      reply.statusCode,
    );
  }

  app.get(
    '/personnes/:personId/eligibilite',
    { config: { access: 'user', audit: ['eligibility.read', 'person.read'] } },
    (request, reply) => eligibilityPage(request, reply, null, null),
  );

  app.post(
    '/personnes/:personId/eligibilite',
    { config: { access: 'user', audit: ['eligibility.created', 'eligibility.read', 'person.read'] } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      const form = {
        codes: formValues(request.body, 'criteria'),
        proof: formValue(request.body, 'proof'),
        proofOn: formValue(request.body, 'proofOn'),
      };
      return orPage(
        reply,
        async () => {
          await pathways.createDiagnosis(request.actor!, {
            personId,
            criteria: form.codes.map((code) => ({
              code,
              proof: form.proof || undefined,
              proofOn: form.proofOn || undefined,
            })),
          });
          return reply.redirect(`/personnes/${personId}/eligibilite?info=cree`, 303);
        },
        (e) => eligibilityPage(request, reply, form, e),
      );
    },
  );

  async function hirePage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: Record<string, string> | null,
    error: AppError | null,
  ) {
    const { orientationId } = request.params as { orientationId: string };
    const actor = request.actor!;
    const siaeKind = siaeKindOf(currentMembership(actor)?.organisationKind ?? '');
    if (!siaeKind)
      throw forbidden(
        'Réservé aux structures de l’insertion par l’activité économique (AI, EI, ETTI, ACI, EITI).',
      );
    const { orientation: o, side } = await pathways.get(actor, orientationId);
    const ctx = pageContext(request, reply);
    const field = (name: string) => (error?.field === name ? error.message : undefined);
    const accepted = side === 'receiver' && o.state === 'accepted';
    return html(
      reply,
      <Layout title={`Embaucher ${o.person.firstName} ${o.person.lastName.toUpperCase()}`} ctx={ctx}>
        <h1 safe>{`Embaucher ${o.person.firstName} ${o.person.lastName.toUpperCase()}`}</h1>
        <p
          safe
        >{`Orientation de ${o.prescriber.organisation} : « ${o.target.label} »${o.startOn ? `, entrée prévue le ${formatDate(o.startOn)}` : ''}.`}</p>
        {error ? <Alert kind="error" title="Embauche refusée" text={error.message} focus /> : ''}
        {!accepted ? (
          <Alert
            kind="info"
            title="Orientation non acceptée"
            text="Acceptez d’abord l’orientation : l’embauche se fait sur une orientation acceptée."
          />
        ) : (
          <>
            <p>
              L’embauche délivre le PASS IAE (2 ans) sur un diagnostic d’éligibilité valide à la date de
              début, ou reprend le PASS en cours de la personne. Sans diagnostic valide, établissez-en un
              depuis <a href={`/personnes/${o.person.id}/eligibilite`}>l’éligibilité IAE de la personne</a>.
            </p>
            <form method="post" action={`/orientations/${orientationId}/embauche`}>
              <CsrfField token={ctx.csrf} />
              <SelectField
                name="contractKind"
                label="Type de contrat"
                required
                placeholder="Choisir un contrat"
                options={contractKindsFor(siaeKind).map((k) => [k, CONTRACT_KINDS[k].label])}
                value={form?.contractKind}
                error={field('contractKind')}
              />
              <FieldGrid col="fr-col-12 fr-col-md-4">
                <InputField
                  name="startOn"
                  type="date"
                  label="Début du contrat"
                  required
                  value={form?.startOn ?? o.startOn}
                  error={field('startOn') ?? field('personId')}
                />
                <InputField
                  name="endOn"
                  type="date"
                  label="Fin du contrat"
                  hint="Sauf CDI inclusion."
                  value={form?.endOn}
                  error={field('endOn')}
                />
                <InputField
                  name="hoursPerWeek"
                  type="number"
                  label="Heures par semaine"
                  value={form?.hoursPerWeek}
                  error={field('hoursPerWeek')}
                  extra={{ min: '1', max: '48', step: '0.5' }}
                />
              </FieldGrid>
              <button class="fr-btn" type="submit">
                Embaucher et délivrer le PASS IAE
              </button>
            </form>
          </>
        )}
      </Layout>,
      reply.statusCode,
    );
  }

  app.get(
    '/orientations/:orientationId/embauche',
    { config: { access: 'user', audit: 'orientation.read' } },
    (request, reply) => hirePage(request, reply, null, null),
  );

  app.post(
    '/orientations/:orientationId/embauche',
    { config: { access: 'user', audit: ['approval.issued', 'orientation.read'] } },
    async (request, reply) => {
      const { orientationId } = request.params as { orientationId: string };
      const b = request.body as Record<string, unknown>;
      const form = Object.fromEntries(
        ['contractKind', 'startOn', 'endOn', 'hoursPerWeek'].map((k) => [k, formValue(b, k)]),
      );
      return orPage(
        reply,
        async () => {
          const r = await pathways.hire(request.actor!, {
            orientationId,
            contractKind: form.contractKind,
            startOn: form.startOn,
            endOn: form.endOn || undefined,
            hoursPerWeek: form.hoursPerWeek ? Number(form.hoursPerWeek.replace(',', '.')) : undefined,
          });
          return reply.redirect(`/pass-iae/${r.approvalId}?info=${r.issued ? 'delivre' : 'repris'}`, 303);
        },
        (e) => hirePage(request, reply, form, e),
      );
    },
  );

  app.get('/iae', { config: { access: 'user', audit: 'approval.read' } }, async (request, reply) => {
    const { siaeKind, rows } = await pathways.siaeEmployees(request.actor!);
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Mes salariés en insertion" ctx={ctx}>
        <h1>Mes salariés en insertion</h1>
        <p
          safe
        >{`${SIAE_KINDS[siaeKind]} : les contrats en cours, sans sortie enregistrée, et leur PASS IAE.`}</p>
        {rows.length ? (
          <DataTable
            caption="Salariés en insertion"
            headers={['Personne', 'Contrat', 'Du', 'Au', 'PASS IAE', 'Fin du PASS']}
            stacked
          >
            {rows.map((r) => (
              <tr>
                <td>
                  <a href={`/personnes/${r.personId}`} safe>{`${r.firstName} ${r.lastName.toUpperCase()}`}</a>
                </td>
                <td safe>{(CONTRACT_KINDS as Record<string, { label: string }>)[r.kind]?.label ?? r.kind}</td>
                <td safe>{formatDate(r.startOn)}</td>
                <td>{r.endOn ? formatDate(r.endOn) : '—'}</td>
                <td>
                  {r.approvalId ? (
                    <a href={`/pass-iae/${r.approvalId}`} safe>{`PASS n° ${r.number}`}</a>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{r.approvalEndOn ? formatDate(r.approvalEndOn) : '—'}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <p>
            Aucun salarié en insertion pour l’instant : les embauches se font depuis les orientations
            acceptées.
          </p>
        )}
      </Layout>,
    );
  });

  await iaePassPages(app, deps);
}
