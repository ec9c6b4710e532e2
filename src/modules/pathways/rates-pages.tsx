import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import {
  Alert,
  Badges,
  DataTable,
  FieldGrid,
  InputField,
  NumberCell,
  SelectField,
} from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { sendCsv } from '../../web/download.js';
import { formatDate, formatNumber } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { ORGANISATION_KINDS } from '../identity/model.js';
import type { PathwaysDeps } from './deps.js';
import { yearOf } from './rates-routes.js';
import { COMMITMENT_PROGRESS, CTA_INDICATORS, PASS_ENDING_MONTHS } from './rates-rules.js';
import type { CommitmentForm, CtaBasin, ShownRate } from './rates-service.js';

/** « < 5 » for a hidden count (statistical secrecy, exit-rules.ts SMALL_COUNT). */
const HIDDEN = '< 5';
const count = (n: number | null) => (n === null ? HIDDEN : n);
const percentText = (rate: number | null) => (rate === null ? '—' : `${formatNumber(rate * 100, 1)} %`);
const kindLabel = (kind: string): string =>
  ORGANISATION_KINDS[kind as keyof typeof ORGANISATION_KINDS] ?? kind;
const shownInForm = (e: unknown): e is AppError => e instanceof AppError && e.kind === 'invalid';

const RATE_HEADERS = [
  'Personnes en parcours',
  'Sorties',
  'Sorties examinées',
  'Emploi durable',
  'Emploi de transition',
  'Sortie positive',
  'Autres sorties',
  'Retrait des sorties constatées',
  'Non comptabilisées',
  'Taux de sorties dynamiques',
  'Taux hors ACI',
];
const rateFigures = (r: ShownRate) => [
  r.persons,
  r.exits,
  r.examined,
  r.durable,
  r.transition,
  r.positive,
  r.other,
  r.withdrawn,
  r.notCounted,
];

function RatesTable(p: { caption: string; rows: ShownRate[] }) {
  return (
    <DataTable
      caption={p.caption}
      headers={['Groupe', ...RATE_HEADERS]}
      numeric={RATE_HEADERS.map((_, i) => i + 1)}
    >
      {p.rows.map((r) => (
        <tr>
          <td safe>{r.level === 'siae' && r.siaeKind ? `${r.label} (${r.siaeKind})` : r.label}</td>
          {rateFigures(r).map((n) => (
            <NumberCell value={count(n)} />
          ))}
          <NumberCell value={percentText(r.rate)} />
          <NumberCell value={percentText(r.rateExclAci)} />
        </tr>
      ))}
    </DataTable>
  );
}

function CountTable(p: {
  caption: string;
  who: string;
  what: string;
  rows: { name: string; kind: string; count: number; firstEndOn?: string }[];
  empty: string;
}) {
  if (!p.rows.length) return <p safe>{p.empty}</p>;
  const withEnd = p.rows.some((r) => r.firstEndOn);
  return (
    <DataTable
      caption={p.caption}
      headers={[p.who, 'Type', p.what, ...(withEnd ? ['Première fin'] : [])]}
      numeric={[2]}
    >
      {p.rows.map((r) => (
        <tr>
          <td safe>{r.name}</td>
          <td safe>{kindLabel(r.kind)}</td>
          <NumberCell value={r.count} />
          {withEnd ? <td safe>{formatDate(r.firstEndOn ?? null)}</td> : ''}
        </tr>
      ))}
    </DataTable>
  );
}

function CommitmentFields(p: {
  basin: CtaBasin;
  csrf: string;
  values: Record<string, string>;
  error: AppError | null;
}) {
  const err = (field: string) => (p.error?.field === field ? p.error.message : undefined);
  const v = p.values;
  return (
    <form method="post" action={`/cta/${p.basin.zone.code}/engagements`} class="fr-mt-3w">
      <CsrfField token={p.csrf} />
      <h3 class="fr-h6">Saisir un objectif</h3>
      <p class="fr-hint-text">
        Un objectif par partenaire, indicateur et année : une nouvelle saisie remplace la précédente. La
        DREETS n’a pas de type d’organisation sur Passerelle : la Région saisit ses objectifs pour elle.
      </p>
      <FieldGrid col="fr-col-12 fr-col-md-6">
        <InputField
          name="year"
          label="Année"
          type="number"
          value={v.year ?? String(p.basin.year)}
          required
          error={err('year')}
        />
        <SelectField
          name="indicator"
          label="Indicateur"
          value={v.indicator}
          required
          error={err('indicator')}
          placeholder="Choisir"
          options={Object.entries(CTA_INDICATORS).map(([k, i]) => [k, i.label])}
        />
        <SelectField
          name="partnerOrganisationId"
          label="Partenaire du bassin"
          hint="Une organisation, ou un type d’organisation ci-après : l’un ou l’autre."
          value={v.partnerOrganisationId}
          error={err('partnerOrganisationId')}
          placeholder="Aucune"
          options={p.basin.partners.map((o) => [o.id, `${o.name} (${kindLabel(o.kind)})`])}
        />
        <SelectField
          name="partnerKind"
          label="Ou tous les partenaires d’un type"
          value={v.partnerKind}
          error={err('partnerKind')}
          placeholder="Aucun"
          options={Object.entries(ORGANISATION_KINDS)}
        />
        <InputField
          name="target"
          label="Objectif"
          hint="Un nombre ; un pourcentage de 0 à 100 pour le taux de sorties dynamiques."
          value={v.target}
          required
          error={err('target')}
        />
      </FieldGrid>
      <button class="fr-btn" type="submit">
        Enregistrer l’objectif
      </button>
    </form>
  );
}

/** The CTA's page of a basin as CSV: every table of the page, one figure a line (a spreadsheet pivots it). */
function basinCsv(reply: FastifyReply, b: CtaBasin) {
  const rows: unknown[][] = [];
  const hidden = (n: number | null) => (n === null ? HIDDEN : n);
  for (const r of b.rates) {
    const figures = rateFigures(r);
    RATE_HEADERS.slice(0, figures.length).forEach((h, i) => {
      rows.push(['Sorties et taux', r.key ?? '', r.label, h, hidden(figures[i] ?? null)]);
    });
    rows.push([
      'Sorties et taux',
      r.key ?? '',
      r.label,
      'Taux de sorties dynamiques (%)',
      percentCsv(r.rate),
    ]);
    rows.push(['Sorties et taux', r.key ?? '', r.label, 'Taux hors ACI (%)', percentCsv(r.rateExclAci)]);
  }
  for (const w of b.waiting)
    rows.push(['Orientations en attente', w.organisationId, w.name, 'Orientations en attente', w.count]);
  for (const e of b.eligibleWithoutHire)
    rows.push([
      'Éligibles sans embauche',
      e.organisationId,
      e.name,
      'Personnes éligibles sans embauche',
      e.count,
    ]);
  for (const pe of b.passEnding)
    rows.push([
      'PASS IAE finissant',
      pe.organisationId,
      pe.name,
      `PASS finissant dans les ${PASS_ENDING_MONTHS} mois`,
      pe.count,
    ]);
  for (const c of b.commitments) {
    rows.push([
      'Engagements',
      c.partnerOrganisationId ?? c.partnerKind ?? '',
      c.partnerLabel,
      `${c.indicatorLabel} — objectif`,
      c.target,
    ]);
    rows.push([
      'Engagements',
      c.partnerOrganisationId ?? c.partnerKind ?? '',
      c.partnerLabel,
      `${c.indicatorLabel} — mesuré`,
      c.measured ?? '',
    ]);
    rows.push([
      'Engagements',
      c.partnerOrganisationId ?? c.partnerKind ?? '',
      c.partnerLabel,
      `${c.indicatorLabel} — avancement`,
      COMMITMENT_PROGRESS[c.progress].label,
    ]);
  }
  return sendCsv(reply, `cta-${b.zone.code}-${b.year}.csv`, CSV_HEADERS, rows);
}
const percentCsv = (rate: number | null) => (rate === null ? '' : Math.round(rate * 1000) / 10);
/** The columns of the basin's CSV (rates.test.ts checks them). */
export const CSV_HEADERS = ['Tableau', 'Code', 'Libellé', 'Indicateur', 'Valeur'];

/** Rates and the basin's CTA page (issue 12 §6). */
export async function ratesPages(app: FastifyInstance, { pathways }: PathwaysDeps) {
  const yearParam = (request: FastifyRequest) => yearOf((request.query as { annee?: string }).annee);

  app.get('/cta', { config: { access: 'user' } }, async (request, reply) => {
    const { year, basins } = await pathways.ctaBasins(request.actor ?? null, yearParam(request));
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Bassins d’emploi et comités techniques d’animation" ctx={ctx}>
        <h1>Bassins d’emploi et comités techniques d’animation (CTA)</h1>
        <p safe>
          {`Le taux de sorties dynamiques de ${year} de chaque bassin (zone d’emploi Insee, zonage 2020) où travaillent des partenaires de Passerelle. Le taux principal exclut les ateliers et chantiers d’insertion (ACI), comme l’indicateur de l’accord-cadre ; un taux n’est affiché qu’à partir de 5 sorties examinées.`}
        </p>
        <YearForm action="/cta" year={year} />
        <DataTable
          caption={`Bassins et taux de sorties dynamiques ${year}`}
          headers={['Bassin', 'Sorties examinées', 'Taux hors ACI', 'Taux toutes SIAE']}
          numeric={[1, 2, 3]}
        >
          {basins.map((b) => (
            <tr>
              <td>
                <a href={`/cta/${b.code}?annee=${year}`} safe>{`${b.name} (${b.code})`}</a>
              </td>
              <NumberCell value={b.rate ? count(b.rate.examined) : 0} />
              <NumberCell value={percentText(b.rate?.rateExclAci ?? null)} />
              <NumberCell value={percentText(b.rate?.rate ?? null)} />
            </tr>
          ))}
        </DataTable>
      </Layout>,
    );
  });

  async function basinPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values: Record<string, string>; error: AppError | null } = { values: {}, error: null },
  ) {
    const { zoneCode } = request.params as { zoneCode: string };
    const basin = await pathways.ctaBasin(request.actor ?? null, zoneCode, yearParam(request));
    if ((request.query as { format?: string }).format === 'csv') return basinCsv(reply, basin);
    const ctx = pageContext(request, reply);
    const title = `Bassin de ${basin.zone.name} (${basin.zone.code})`;
    const all = basin.rates.find((r) => r.level === 'all');
    return html(
      reply,
      <Layout title={title} ctx={ctx}>
        <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
          <ol class="fr-breadcrumb__list">
            <li>
              <a class="fr-breadcrumb__link" href="/cta">
                Bassins
              </a>
            </li>
            <li>
              <a class="fr-breadcrumb__link" aria-current="page" safe>
                {title}
              </a>
            </li>
          </ol>
        </nav>
        <h1 safe>{title}</h1>
        <p safe>
          {`Tableau de bord du comité technique d’animation : l’année ${basin.year} pour les sorties et les engagements, la situation au ${formatDate(basin.today)} pour les orientations, les personnes éligibles et les PASS IAE. Les effectifs inférieurs à 5 sont masqués (« < 5 »).`}
        </p>
        <YearForm action={`/cta/${basin.zone.code}`} year={basin.year} />
        <p>
          <a
            class="fr-link fr-link--sm fr-icon-download-line fr-link--icon-left"
            href={`/cta/${basin.zone.code}?annee=${basin.year}&format=csv`}
          >
            Télécharger les tableaux de la page (CSV)
          </a>
        </p>
        {form.error ? (
          <Alert kind="error" focus title="L’objectif n’a pas été enregistré" text={form.error.message} />
        ) : (
          ''
        )}

        <h2>Sorties et taux de sorties dynamiques</h2>
        <p safe>
          {`Taux hors ACI du bassin : ${percentText(all?.rateExclAci ?? null)} ; toutes SIAE : ${percentText(all?.rate ?? null)}. Sorties examinées : sorties comptabilisées (150 heures en AI et ETTI, 3 mois de contrat en ACI et EI, 1 heure en EITI) hors retrait des sorties constatées.`}
        </p>
        {basin.rates.length ? (
          <>
            <RatesTable
              caption={`Par type de SIAE, ${basin.year}`}
              rows={basin.rates.filter((r) => r.level !== 'siae')}
            />
            <RatesTable
              caption={`Par structure, ${basin.year}`}
              rows={basin.rates.filter((r) => r.level === 'siae')}
            />
          </>
        ) : (
          <p>Aucun contrat ni aucune sortie dans le bassin cette année-là.</p>
        )}

        <h2>Orientations en attente de réponse</h2>
        <CountTable
          caption="Orientations envoyées, à l’étude ou en attente, par organisation qui les reçoit"
          who="Organisation destinataire"
          what="Orientations en attente"
          rows={basin.waiting}
          empty="Aucune orientation en attente de réponse dans le bassin."
        />

        <h2>Personnes éligibles sans embauche</h2>
        <CountTable
          caption="Personnes au diagnostic d’éligibilité valide, sans contrat IAE depuis, par organisation auteure du diagnostic"
          who="Auteur du diagnostic"
          what="Personnes"
          rows={basin.eligibleWithoutHire}
          empty="Aucune personne éligible en attente d’embauche dans le bassin."
        />

        <h2>PASS IAE finissant dans les trois mois</h2>
        <CountTable
          caption="PASS IAE en cours dont la fin approche, par SIAE"
          who="SIAE"
          what="PASS IAE"
          rows={basin.passEnding}
          empty="Aucun PASS IAE ne finit dans les trois mois dans le bassin."
        />

        <h2>Engagements de l’accord-cadre</h2>
        {basin.commitments.length ? (
          <DataTable
            caption={`Objectifs ${basin.year} des partenaires et ce qui est mesuré`}
            headers={['Partenaire', 'Indicateur', 'Objectif', 'Mesuré', 'Avancement', 'Saisi par']}
            numeric={[2, 3]}
          >
            {basin.commitments.map((c) => {
              const unit = c.unit === 'percent' ? ' %' : '';
              return (
                <tr>
                  <td safe>{c.partnerLabel}</td>
                  <td safe>{c.indicatorLabel}</td>
                  <NumberCell value={`${formatNumber(c.target)}${unit}`} />
                  <NumberCell
                    value={c.measured === null ? 'moins de 5 sorties' : `${formatNumber(c.measured)}${unit}`}
                  />
                  <td>
                    <Badges
                      small
                      badges={[
                        {
                          text: COMMITMENT_PROGRESS[c.progress].label,
                          kind: COMMITMENT_PROGRESS[c.progress].badge,
                        },
                      ]}
                    />
                  </td>
                  <td safe>{c.enteredByLabel}</td>
                </tr>
              );
            })}
          </DataTable>
        ) : (
          <p>Aucun objectif saisi pour ce bassin et cette année.</p>
        )}
        {basin.mayEdit ? (
          <CommitmentFields basin={basin} csrf={ctx.csrf} values={form.values} error={form.error} />
        ) : (
          ''
        )}
      </Layout>,
      form.error ? 400 : 200,
    );
  }

  app.get('/cta/:zoneCode', { config: { access: 'user' } }, (request, reply) => basinPage(request, reply));

  app.post('/cta/:zoneCode/engagements', { config: { access: 'user' } }, async (request, reply) => {
    const { zoneCode } = request.params as { zoneCode: string };
    const values = Object.fromEntries(
      ['year', 'indicator', 'partnerOrganisationId', 'partnerKind', 'target'].map((k) => [
        k,
        formValue(request.body, k),
      ]),
    );
    try {
      await pathways.saveCtaCommitment(request.actor ?? null, zoneCode, values as unknown as CommitmentForm);
      return reply.redirect(
        `/cta/${encodeURIComponent(zoneCode)}?annee=${encodeURIComponent(values.year ?? '')}`,
        303,
      );
    } catch (e) {
      if (shownInForm(e) && e.field !== 'zoneCode') return basinPage(request, reply, { values, error: e });
      throw e;
    }
  });
}

function YearForm(p: { action: string; year: number }) {
  const years = Array.from({ length: 6 }, (_, i) => String(p.year + 1 - i));
  return (
    <form method="get" action={p.action} class="fr-mb-3w">
      <FieldGrid col="fr-col-12 fr-col-md-4">
        <SelectField name="annee" label="Année" value={String(p.year)} options={years.map((y) => [y, y])} />
        <button class="fr-btn fr-btn--secondary fr-mt-md-4w" type="submit">
          Afficher
        </button>
      </FieldGrid>
    </form>
  );
}
