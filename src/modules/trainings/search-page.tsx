import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app.js';
import { AppError } from '../../shared/errors.js';
import { Alert, formatDate, InputField, Pagination, SelectField } from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { Layout } from '../../web/layout.js';
import { FUNDERS, LEVELS, label, RECRUITMENT_STATES, TEACHING_MODES } from './dictionaries.js';
import type { RawQuery } from './service.js';

const SEARCH_FIELDS = [
  'q',
  'commune',
  'radiusKm',
  'startFrom',
  'startTo',
  'teachingMode',
  'certifying',
  'entryLevel',
  'funder',
  'openPlaces',
  'department',
  'sort',
  'appellation',
  'rome',
  'formacode',
  'rncp',
];

function keptQuery(q: RawQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const k of SEARCH_FIELDS) {
    const v = q[k];
    if (typeof v === 'string' && v.trim()) params.set(k, v.trim());
  }
  return params;
}

function FacetList(p: {
  title: string;
  name: string;
  counts: Record<string, number>;
  labels: Record<string, string>;
  query: URLSearchParams;
}) {
  const entries = Object.entries(p.counts).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return '';
  return (
    <div class="fr-mb-2w">
      <h3 class="fr-h6 fr-mb-1w" safe>
        {p.title}
      </h3>
      <ul class="fr-tags-group">
        {entries.slice(0, 8).map(([code, n]) => {
          const q = new URLSearchParams(p.query);
          q.set(p.name, code);
          q.delete('page');
          const selected = p.query.get(p.name) === code;
          return (
            <li>
              <a
                class="fr-tag fr-tag--sm"
                href={`/formations?${q}`}
                aria-current={selected ? 'true' : undefined}
                safe
              >
                {`${p.labels[code] ?? code} (${n})`}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export async function searchPage(app: FastifyInstance, { trainings }: Services) {
  app.get(
    '/formations',
    { config: { access: 'user' } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const q = request.query as RawQuery;
      const ctx = pageContext(request, reply);
      const query = keptQuery(q);
      let result: Awaited<ReturnType<typeof trainings.search>> | null = null;
      let error: AppError | null = null;
      try {
        result = await trainings.search(q);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        error = e;
      }
      const v = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '');
      const errorOf = (field: string) => (error?.field === field ? error.message : undefined);
      const departments = Object.fromEntries(
        Object.keys(result?.facets.department ?? {}).map((d) => [d, `Département ${d}`]),
      );
      return html(
        reply,
        <Layout title="Rechercher une formation" ctx={ctx}>
          <h1>Rechercher une formation</h1>
          <p>
            Toute l’offre de formation de la région : places achetées par la Région, France Travail et les
            autres financeurs.
          </p>
          <form method="get" action="/formations" role="search" aria-label="Recherche de formations">
            <div class="fr-grid-row fr-grid-row--gutters">
              <div class="fr-col-12 fr-col-md-6">
                <InputField
                  name="q"
                  label="Métier, formation, compétence"
                  hint="Ex. : électricien, aide-soignant, cariste. Les fautes de frappe sont corrigées."
                  value={v('q')}
                  error={errorOf('q')}
                />
              </div>
              <div class="fr-col-12 fr-col-md-4">
                <InputField
                  name="commune"
                  label="Autour de la commune"
                  hint="Nom ou code INSEE"
                  value={v('commune')}
                  list="communes-suggerees"
                  error={errorOf('commune')}
                  extra={{
                    'hx-get': '/communes/suggestions',
                    'hx-trigger': 'input changed delay:250ms',
                    'hx-target': '#communes-suggerees',
                    'hx-swap': 'innerHTML',
                    autocomplete: 'off',
                  }}
                />
                <datalist id="communes-suggerees" />
              </div>
              <div class="fr-col-12 fr-col-md-2">
                <SelectField
                  name="radiusKm"
                  label="Rayon"
                  value={v('radiusKm') || '30'}
                  options={['10', '20', '30', '50', '100'].map((r) => [r, `${r} km`])}
                  error={errorOf('radiusKm')}
                />
              </div>
            </div>
            <details
              class="fr-mb-2w"
              open={
                [
                  'startFrom',
                  'startTo',
                  'teachingMode',
                  'certifying',
                  'entryLevel',
                  'funder',
                  'openPlaces',
                ].some((k) => v(k)) || undefined
              }
            >
              <summary>Plus de critères</summary>
              <div class="fr-grid-row fr-grid-row--gutters fr-mt-1w">
                <div class="fr-col-12 fr-col-md-3">
                  <InputField
                    name="startFrom"
                    type="date"
                    label="Entrée à partir du"
                    value={v('startFrom')}
                    error={errorOf('startFrom')}
                  />
                </div>
                <div class="fr-col-12 fr-col-md-3">
                  <InputField
                    name="startTo"
                    type="date"
                    label="Entrée au plus tard le"
                    value={v('startTo')}
                    error={errorOf('startTo')}
                  />
                </div>
                <div class="fr-col-12 fr-col-md-3">
                  <SelectField
                    name="teachingMode"
                    label="Modalité"
                    value={v('teachingMode')}
                    placeholder="Toutes"
                    options={Object.entries(TEACHING_MODES)}
                  />
                </div>
                <div class="fr-col-12 fr-col-md-3">
                  <SelectField
                    name="certifying"
                    label="Certifiante"
                    value={v('certifying')}
                    placeholder="Indifférent"
                    options={[
                      ['true', 'Certifiante'],
                      ['false', 'Non certifiante'],
                    ]}
                  />
                </div>
                <div class="fr-col-12 fr-col-md-4">
                  <SelectField
                    name="entryLevel"
                    label="Niveau d’entrée"
                    value={v('entryLevel')}
                    placeholder="Tous"
                    options={Object.entries(LEVELS)}
                  />
                </div>
                <div class="fr-col-12 fr-col-md-4">
                  <SelectField
                    name="funder"
                    label="Financement"
                    value={v('funder')}
                    placeholder="Tous"
                    options={[
                      ['demandeurs', 'Financée pour les demandeurs d’emploi'],
                      ...Object.entries(FUNDERS).slice(0, 18),
                    ]}
                  />
                </div>
                <div class="fr-col-12 fr-col-md-4">
                  <div class="fr-checkbox-group fr-mt-4w">
                    <input
                      type="checkbox"
                      id="champ-openPlaces"
                      name="openPlaces"
                      value="true"
                      checked={v('openPlaces') === 'true'}
                    />
                    <label class="fr-label" for="champ-openPlaces">
                      Recrutement ouvert avec des places
                    </label>
                  </div>
                </div>
              </div>
            </details>
            <div class="fr-grid-row fr-grid-row--gutters">
              <div class="fr-col-12 fr-col-md-4">
                <SelectField
                  name="sort"
                  label="Trier par"
                  value={v('sort')}
                  placeholder="Pertinence (ou distance sans texte)"
                  options={[
                    ['relevance', 'Pertinence'],
                    ['distance', 'Distance'],
                    ['start', 'Date d’entrée'],
                  ]}
                />
              </div>
              <div class="fr-col-12 fr-col-md-4 fr-mt-md-4w">
                <button type="submit" class="fr-btn fr-icon-search-line fr-btn--icon-left">
                  Rechercher
                </button>
              </div>
            </div>
          </form>
          {error && !['q', 'commune', 'radiusKm', 'startFrom', 'startTo'].includes(error.field ?? '') ? (
            <Alert kind="error" title="Recherche impossible" text={error.message} />
          ) : (
            ''
          )}
          {result ? (
            <div class="fr-grid-row fr-grid-row--gutters fr-mt-3w">
              <div class="fr-col-12 fr-col-md-3">
                <h2 class="fr-h5">Affiner</h2>
                <FacetList
                  title="Modalité"
                  name="teachingMode"
                  counts={result.facets.teachingMode}
                  labels={TEACHING_MODES}
                  query={query}
                />
                <FacetList
                  title="Certifiante"
                  name="certifying"
                  counts={result.facets.certifying}
                  labels={{ true: 'Certifiante', false: 'Non certifiante' }}
                  query={query}
                />
                <FacetList
                  title="Financeur"
                  name="funder"
                  counts={result.facets.funders}
                  labels={FUNDERS}
                  query={query}
                />
                <FacetList
                  title="Niveau d’entrée"
                  name="entryLevel"
                  counts={result.facets.entryLevel}
                  labels={LEVELS}
                  query={query}
                />
                <FacetList
                  title="Département"
                  name="department"
                  counts={result.facets.department}
                  labels={departments}
                  query={query}
                />
              </div>
              <div class="fr-col-12 fr-col-md-9">
                <h2 class="fr-h4" id="resultats" aria-live="polite" safe>
                  {`${result.total.toLocaleString('fr-FR')} formation${result.total > 1 ? 's' : ''} trouvée${result.total > 1 ? 's' : ''}${result.communeName ? ` à moins de ${v('radiusKm') || '30'} km de ${result.communeName}` : ''}`}
                </h2>
                {result.corrections.length ? (
                  <p class="fr-text--sm" safe>
                    {`Recherche corrigée : ${result.corrections.map((c) => `« ${c.from} » → « ${c.to} »`).join(', ')}`}
                  </p>
                ) : (
                  ''
                )}
                <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--icon-left">
                  <li>
                    <a
                      class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-download-line"
                      href={`/api/v1/trainings/export.xml?${query}`}
                    >
                      Exporter en LHÉO
                    </a>
                  </li>
                  <li>
                    <a
                      class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-download-line"
                      href={`/api/v1/trainings/export.csv?${query}`}
                    >
                      Exporter en CSV
                    </a>
                  </li>
                </ul>
                <ul class="psl-results">
                  {result.items.map((item) => (
                    <li class="fr-card fr-card--horizontal fr-enlarge-link fr-mb-2w">
                      <div class="fr-card__body">
                        <div class="fr-card__content">
                          <h3 class="fr-card__title">
                            <a href={`/formations/${item.trainingId}#action-${item.actionId}`} safe>
                              {item.title}
                            </a>
                          </h3>
                          <p class="fr-card__desc" safe>
                            {`${item.providerName} — ${item.communeName ?? 'à distance'}${item.postalCode ? ` (${item.postalCode})` : ''}${item.distanceKm !== null ? ` · ${item.distanceKm.toLocaleString('fr-FR')} km` : ''}`}
                          </p>
                          <div class="fr-card__start">
                            <ul class="fr-badges-group">
                              {item.certifying ? (
                                <li>
                                  <p class="fr-badge fr-badge--sm fr-badge--info">Certifiante</p>
                                </li>
                              ) : (
                                ''
                              )}
                              <li>
                                <p class="fr-badge fr-badge--sm" safe>
                                  {label(TEACHING_MODES, item.teachingMode)}
                                </p>
                              </li>
                              <li>
                                <p
                                  class={`fr-badge fr-badge--sm fr-badge--${item.nextState === '1' ? 'success' : 'warning'}`}
                                  safe
                                >
                                  {`Recrutement ${label(RECRUITMENT_STATES, item.nextState).toLowerCase()}`}
                                </p>
                              </li>
                            </ul>
                          </div>
                          <div class="fr-card__end">
                            <p class="fr-card__detail" safe>
                              {`Prochaine entrée : du ${formatDate(item.nextStart)} au ${formatDate(item.nextEnd)}${item.placesRemaining !== null ? ` · ${item.placesRemaining} place${item.placesRemaining > 1 ? 's' : ''} restante${item.placesRemaining > 1 ? 's' : ''}` : ''} · ${item.sessions} session${item.sessions > 1 ? 's' : ''}`}
                            </p>
                            <p class="fr-card__detail" safe>
                              {`Financeurs : ${item.funders.map((f) => label(FUNDERS, f)).join(', ') || 'non renseignés'}`}
                            </p>
                          </div>
                        </div>
                      </div>
                    </li>
                  ))}
                </ul>
                {result.items.length === 0 ? (
                  <p>Aucune formation ne correspond. Élargissez le rayon ou retirez un critère.</p>
                ) : (
                  ''
                )}
                <Pagination
                  page={result.page}
                  total={result.total}
                  pageSize={result.perPage}
                  baseQuery={query}
                  path="/formations"
                />
              </div>
            </div>
          ) : (
            ''
          )}
        </Layout>,
        error ? 400 : 200,
      );
    },
  );
}
