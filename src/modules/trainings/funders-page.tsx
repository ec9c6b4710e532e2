import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import { csvHeader, csvLine } from '../../shared/csv.js';
import { forbidden, invalid } from '../../shared/errors.js';
import { isDepartmentCode } from '../../shared/formats.js';
import { DataTable, SelectField } from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { Layout } from '../../web/layout.js';
import { FUNDERS, label, ROME_DOMAINS } from './dictionaries.js';
import { fundersRepository, type PurchaseFilters } from './funders-repository.js';
import { canSeePurchases } from './rights.js';

function filtersOf(request: FastifyRequest): PurchaseFilters {
  const q = request.query as Record<string, string | undefined>;
  const funder = q.funder?.trim() || null;
  const department = q.department?.trim() || null;
  const quarter = q.quarter?.trim() || null;
  if (funder && !(funder in FUNDERS)) throw invalid('funder', `Financeur « ${funder} » inconnu.`);
  if (department && !isDepartmentCode(department)) throw invalid('department', 'Département invalide.');
  if (quarter && !/^\d{4}-T[1-4]$/.test(quarter))
    throw invalid('quarter', 'Trimestre invalide (ex. : 2026-T4).');
  return { funder, department, quarter };
}

/** A horizontal bar chart in SVG; the table next to it carries the same figures for screen readers. */
function BarChart(p: { title: string; bars: { label: string; value: number }[] }) {
  const max = Math.max(1, ...p.bars.map((b) => b.value));
  const height = p.bars.length * 28 + 10;
  return (
    <figure class="fr-mb-3w">
      <svg
        role="img"
        aria-label={`${p.title} (détail dans le tableau)`}
        width="100%"
        viewBox={`0 0 640 ${height}`}
        class="psl-chart"
      >
        {p.bars.map((b, i) => (
          <g>
            <text x="0" y={i * 28 + 22} font-size="13" safe>
              {b.label.slice(0, 34)}
            </text>
            <rect
              x="240"
              y={i * 28 + 8}
              width={Math.round((b.value / max) * 340)}
              height="18"
              fill="#000091"
            />
            <text x={248 + Math.round((b.value / max) * 340)} y={i * 28 + 22} font-size="13" safe>
              {b.value.toLocaleString('fr-FR')}
            </text>
          </g>
        ))}
      </svg>
      <figcaption class="fr-text--sm" safe>
        {p.title}
      </figcaption>
    </figure>
  );
}

const exportsPurchases = { access: 'user', audit: 'purchases.export' } as const;

export async function fundersPages(app: FastifyInstance, config: Config, db: Db) {
  const repo = fundersRepository(db);
  const region = config.regionCode;

  app.get('/financeurs', { config: { access: 'user', audit: 'purchases.read' } }, async (request, reply) => {
    if (!canSeePurchases(request.actor))
      throw forbidden('Réservé aux analystes de la Région et de France Travail.');
    const f = filtersOf(request);
    const [purchases, overlaps, gaps, departments] = await Promise.all([
      repo.purchases(f),
      repo.overlaps(f),
      repo.coverageGaps(region, f),
      repo.departments(region),
    ]);
    const byFunder = new Map<string, number>();
    const byDepartment = new Map<string, number>();
    const quarters = new Set<string>();
    for (const p of purchases) {
      byFunder.set(p.funder, (byFunder.get(p.funder) ?? 0) + p.places);
      byDepartment.set(p.department, (byDepartment.get(p.department) ?? 0) + p.places);
      quarters.add(p.quarter);
    }
    const depName = new Map(departments.map((d) => [d.code, d.name]));
    const query = new URLSearchParams(Object.entries(f).filter(([, v]) => v) as [string, string][]);
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Financeurs et places achetées" ctx={ctx}>
        <h1>Financeurs et places achetées</h1>
        <p>
          Places de formation achetées par chaque financeur, par département, domaine de métiers (ROME) et
          trimestre d’entrée. Les doublons d’achat (même métier, même département, même trimestre) et les
          zones sans aucune place aident la Région et France Travail à se coordonner. Zonage : département
          (les zones d’emploi ne sont pas encore disponibles dans Passerelle).
        </p>
        <form method="get" action="/financeurs" class="fr-mb-3w">
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-4">
              <SelectField
                name="funder"
                label="Financeur"
                value={f.funder}
                placeholder="Tous"
                options={Object.entries(FUNDERS).slice(0, 18)}
              />
            </div>
            <div class="fr-col-12 fr-col-md-4">
              <SelectField
                name="department"
                label="Département"
                value={f.department}
                placeholder="Tous"
                options={departments.map((d) => [d.code, `${d.code} — ${d.name}`])}
              />
            </div>
            <div class="fr-col-12 fr-col-md-2">
              <SelectField
                name="quarter"
                label="Trimestre"
                value={f.quarter}
                placeholder="Tous"
                options={[...quarters].sort().map((q) => [q, q])}
              />
            </div>
            <div class="fr-col-12 fr-col-md-2 fr-mt-md-4w">
              <button class="fr-btn" type="submit">
                Filtrer
              </button>
            </div>
          </div>
        </form>
        <p>
          <a
            class="fr-link fr-icon-download-line fr-link--icon-left"
            href={`/financeurs/achats.csv?${query}`}
          >
            Télécharger les achats (CSV)
          </a>
        </p>
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-6">
            <h2 class="fr-h4">Places par financeur</h2>
            <BarChart
              title="Places achetées par financeur"
              bars={[...byFunder]
                .sort((a, b) => b[1] - a[1])
                .map(([k, v]) => ({ label: label(FUNDERS, k), value: v }))}
            />
            <DataTable caption="Places achetées par financeur" headers={['Financeur', 'Places']}>
              {[...byFunder]
                .sort((a, b) => b[1] - a[1])
                .map(([k, v]) => (
                  <tr>
                    <td safe>{label(FUNDERS, k)}</td>
                    <td>{v}</td>
                  </tr>
                ))}
            </DataTable>
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <h2 class="fr-h4">Places par département</h2>
            <BarChart
              title="Places achetées par département"
              bars={[...byDepartment]
                .sort()
                .map(([k, v]) => ({ label: `${k} ${depName.get(k) ?? ''}`, value: v }))}
            />
            <DataTable caption="Places achetées par département" headers={['Département', 'Places']}>
              {[...byDepartment].sort().map(([k, v]) => (
                <tr>
                  <td safe>{`${k} ${depName.get(k) ?? ''}`}</td>
                  <td>{v}</td>
                </tr>
              ))}
            </DataTable>
          </div>
        </div>
        <h2
          class="fr-h4"
          id="recouvrements"
          safe
        >{`Recouvrements : ${overlaps.length} métier${overlaps.length > 1 ? 's' : ''} × département × trimestre achetés par plusieurs financeurs`}</h2>
        <DataTable
          caption="Recouvrements d’achats"
          hideCaption
          headers={['Département', 'Métier (ROME)', 'Trimestre', 'Financeurs (places, actions)']}
        >
          {overlaps.slice(0, 100).map((o) => (
            <tr>
              <td safe>{`${o.department} ${depName.get(o.department) ?? ''}`}</td>
              <td safe>{`${o.rome} — ${o.romeLabel}`}</td>
              <td safe>{o.quarter}</td>
              <td safe>
                {o.funders
                  .map(
                    (x) =>
                      `${label(FUNDERS, x.funder)} : ${x.places} places (${x.actions} action${x.actions > 1 ? 's' : ''})`,
                  )
                  .join(' ; ')}
              </td>
            </tr>
          ))}
        </DataTable>
        <h2
          class="fr-h4"
          id="couverture"
          safe
        >{`Couverture : ${gaps.length} département${gaps.length > 1 ? 's' : ''} × domaine sans aucune place financée`}</h2>
        <DataTable
          caption="Zones sans place financée"
          hideCaption
          headers={['Département', 'Domaine de métiers (ROME)']}
        >
          {gaps.map((g) => (
            <tr>
              <td safe>{`${g.department} ${g.departmentName}`}</td>
              <td safe>{`${g.domain} — ${ROME_DOMAINS[g.domain] ?? ''}`}</td>
            </tr>
          ))}
        </DataTable>
        <h2 class="fr-h4">Achats détaillés</h2>
        <DataTable
          caption="Achats par financeur, département, domaine et trimestre"
          hideCaption
          headers={['Trimestre', 'Département', 'Domaine', 'Financeur', 'Places', 'Actions']}
        >
          {purchases.slice(0, 300).map((p) => (
            <tr>
              <td safe>{p.quarter}</td>
              <td safe>{p.department}</td>
              <td safe>{`${p.domain} — ${ROME_DOMAINS[p.domain] ?? ''}`}</td>
              <td safe>{label(FUNDERS, p.funder)}</td>
              <td>{p.places}</td>
              <td>{p.actions}</td>
            </tr>
          ))}
        </DataTable>
        {purchases.length > 300 ? (
          <p safe>{`Les 300 premières lignes sur ${purchases.length} : le CSV contient tout.`}</p>
        ) : (
          ''
        )}
      </Layout>,
    );
  });

  app.get('/financeurs/achats.csv', { config: exportsPurchases }, async (request, reply) => {
    if (!canSeePurchases(request.actor))
      throw forbidden('Réservé aux analystes de la Région et de France Travail.');
    const rows = await repo.purchases(filtersOf(request));
    const body =
      csvHeader([
        'Trimestre',
        'Département',
        'Domaine ROME',
        'Code financeur',
        'Financeur',
        'Places',
        'Actions',
      ]) +
      rows
        .map((p) =>
          csvLine([
            p.quarter,
            p.department,
            p.domain,
            p.funder,
            label(FUNDERS, p.funder),
            p.places,
            p.actions,
          ]),
        )
        .join('');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="achats-places.csv"')
      .send(body);
  });
}
