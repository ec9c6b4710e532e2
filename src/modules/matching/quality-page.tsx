import type { FastifyInstance } from 'fastify';
import { html, pageContext } from '../../web/context.js';
import { FieldGrid, InputField, SelectField } from '../../web/form.js';
import { formatCount, formatNumber, MISSING } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import { DataTable, NumberCell } from '../../web/table.js';
import type { QualityFigures, QualityService } from './quality-service.js';

const HEADERS = [
  'Personnes',
  'Offres suggérées en tête (10 premières)',
  'Ayant mené à un contact ou une embauche',
  'dont entretiens',
  'dont embauches',
  'Précision à 10',
  'Personnes avec au moins un contact',
  'Taux de réussite',
];

/** « 7,0 % », or « — » without persons (no ratio to show, never a false 0 %). */
const percent = (ratio: number | null) =>
  ratio === null ? MISSING : `${formatNumber(ratio * 100, 1)}\u00a0%`;

const figureCells = (f: QualityFigures) => [
  f.persons,
  f.suggestions,
  f.hits,
  f.interviews,
  f.hires,
  percent(f.precision),
  f.personsWithHit,
  percent(f.hitRate),
];

/** « Sur 100 offres suggérées en tête de liste, 7 ont mené à un contact ou une embauche. » */
function precisionSentence(f: QualityFigures): string {
  if (f.precision === null) return 'Aucune personne n’a encore de suggestions enregistrées pour ces filtres.';
  const per100 = formatNumber(Math.round(f.precision * 1000) / 10);
  return `Sur 100 offres suggérées en tête de liste, ${per100} ont mené à un contact ou une embauche (${formatCount(f.persons, 'personne', 'personnes')}, ${formatCount(f.hits, 'offre suivie d’effet', 'offres suivies d’effet')}).`;
}

/**
 * The analysts' page of match quality (issue 11 §3): precision@10 and hit rate, overall, per
 * preset and per department, filtered by department and period. Counts only: no name.
 */
export async function matchQualityPages(app: FastifyInstance, quality: QualityService) {
  app.get('/analyses/appariement', { config: { access: 'user' } }, async (request, reply) => {
    quality.checkAccess(request.actor);
    const report = await quality.report(request.actor, request.query);
    const departments = await quality.departments();
    const f = report.filters;
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Qualité des suggestions d’offres" ctx={ctx}>
        <h1>Qualité des suggestions d’offres</h1>
        <p safe>{report.definition}</p>
        <p class="fr-text--sm">
          Ne comptent que les suites notées par les conseillers sur une offre qui était parmi les 10 premières
          suggestions de la personne au moment où la suite a été notée ; un contact suivi d’une embauche sur
          la même offre compte une fois. Les personnes sont celles qui ont eu des suggestions enregistrées
          (passage de nuit ou à chaque changement de leur dossier).
        </p>
        <form method="get" action="/analyses/appariement" class="fr-mb-3w">
          <FieldGrid col="fr-col-12 fr-col-md-6 fr-col-lg-3">
            <SelectField
              name="department"
              label="Département"
              value={f.department}
              placeholder="Tous"
              options={departments.map((d) => [d.code, `${d.code} — ${d.name}`])}
            />
            <InputField name="from" label="Suites notées depuis le" type="date" value={f.from ?? ''} />
            <InputField name="to" label="jusqu’au" type="date" value={f.to ?? ''} />
            <button class="fr-btn fr-mt-md-4w" type="submit">
              Filtrer
            </button>
          </FieldGrid>
        </form>
        <p class="fr-text--lead" safe>
          {precisionSentence(report.overall)}
        </p>
        <p
          safe
        >{`Taux de réussite : ${percent(report.overall.hitRate)} des personnes ont eu au moins une offre suggérée suivie d’un contact ou d’une embauche.`}</p>
        <h2 class="fr-h4" id="par-prereglage">
          Par préréglage des critères
        </h2>
        <DataTable
          caption="Qualité des suggestions par préréglage"
          hideCaption
          headers={['Préréglage', ...HEADERS]}
          numeric={[1, 2, 3, 4, 5, 6, 7, 8]}
        >
          {report.byPreset.map((p) => (
            <tr>
              <td safe>{p.label}</td>
              {figureCells(p).map((v) => (
                <NumberCell value={v} />
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">Ensemble</th>
            {figureCells(report.overall).map((v) => (
              <NumberCell value={v} />
            ))}
          </tr>
        </DataTable>
        <h2 class="fr-h4" id="par-departement">
          Par département
        </h2>
        {report.byDepartment.length === 0 ? (
          <p>Aucune personne n’a de suggestions enregistrées pour ces filtres.</p>
        ) : (
          <DataTable
            caption="Qualité des suggestions par département"
            hideCaption
            headers={['Département', ...HEADERS]}
            numeric={[1, 2, 3, 4, 5, 6, 7, 8]}
          >
            {report.byDepartment.map((d) => (
              <tr>
                <td safe>{d.name}</td>
                {figureCells(d).map((v) => (
                  <NumberCell value={v} />
                ))}
              </tr>
            ))}
          </DataTable>
        )}
      </Layout>,
    );
  });
}
