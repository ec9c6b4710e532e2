import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Alert, formatDate, InputField, SelectField } from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { Layout } from '../../web/layout.js';
import { NumberedPagination } from '../../web/pagination.js';
import type { TrainingsDeps } from './deps.js';
import { FUNDERS, LEVELS, label, TEACHING_MODES } from './dictionaries.js';
import type { SearchRow } from './search-repository.js';
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

/**
 * The search a training was opened from, carried in its link (`?recherche=…`) so that the
 * breadcrumb and « Retour aux résultats » bring the counsellor back to the same results and page
 * (issue 9 §4). Only the search's own fields are kept, and the path is always /formations: the
 * parameter can never send anyone elsewhere.
 */
export function searchReturnUrl(carried: unknown): string {
  if (typeof carried !== 'string' || carried.length > 2000) return '/formations';
  const parsed = Object.fromEntries(new URLSearchParams(carried));
  const params = keptQuery(parsed);
  if (/^\d{1,4}$/.test(parsed.page ?? '') && parsed.page !== '1') params.set('page', parsed.page!);
  const text = params.toString();
  return text ? `/formations?${text}` : '/formations';
}

/** « Aucune formation trouvée », « 1 formation trouvée », « 1 234 formations trouvées ». */
export function resultCount(total: number): string {
  if (total === 0) return 'Aucune formation trouvée';
  return `${total.toLocaleString('fr-FR')} formation${total > 1 ? 's' : ''} trouvée${total > 1 ? 's' : ''}`;
}

/** Hours as a person can trust them: a missing figure says so, never « ? h » nor « 0 h ». */
export function hoursText(centre: number | null, company: number | null): string {
  if (centre === null && company === null) return 'Durée non précisée';
  const parts = [
    centre === null ? 'heures en centre non précisées' : `${centre.toLocaleString('fr-FR')} h en centre`,
    company === null
      ? 'heures en entreprise non précisées'
      : company === 0
        ? 'sans période en entreprise'
        : `${company.toLocaleString('fr-FR')} h en entreprise`,
  ];
  return `Durée : ${parts.join(', ')}`;
}

/**
 * What the next session offers, in words that never mislead: a session with no place left is
 * « complet », never « Recrutement ouvert »; an unknown number of places is « places non
 * précisées », never 0; a session that began is « en cours », not a next start in the past.
 */
export function nextSessionText(
  item: Pick<SearchRow, 'nextStart' | 'nextEnd' | 'nextState' | 'placesRemaining' | 'sessions'> &
    Partial<Pick<SearchRow, 'nextOpenStart'>>,
  today: string,
) {
  const full = item.placesRemaining === 0;
  const badge =
    item.nextState !== '1'
      ? { text: item.nextState === '3' ? 'Recrutement suspendu' : 'Recrutement fermé', kind: 'warning' }
      : full
        ? { text: 'Complet', kind: 'warning' }
        : { text: 'Recrutement ouvert', kind: 'success' };
  const when =
    item.nextStart < today
      ? `Session en cours : du ${formatDate(item.nextStart)} au ${formatDate(item.nextEnd)}`
      : `Prochaine entrée : du ${formatDate(item.nextStart)} au ${formatDate(item.nextEnd)}`;
  const places =
    item.placesRemaining === null
      ? 'places non précisées'
      : item.placesRemaining === 0
        ? 'aucune place restante'
        : `${item.placesRemaining} place${item.placesRemaining > 1 ? 's' : ''} restante${item.placesRemaining > 1 ? 's' : ''}`;
  const sessions = `${item.sessions} session${item.sessions > 1 ? 's' : ''}`;
  // The next session full or closed while a later one recruits: say so, or the card reads « Complet »
  // for a training a person can still enter.
  const later =
    badge.kind === 'warning' && item.nextOpenStart && item.nextOpenStart !== item.nextStart
      ? ` · recrutement ouvert pour l’entrée du ${formatDate(item.nextOpenStart)}`
      : '';
  return { badge, detail: `${when} · ${places} · ${sessions}${later}` };
}

/**
 * The DSFR accordion (fr-accordion): the « Plus de critères » fields sit on the DSFR grid inside
 * it (they overlapped in a bare <details>, issue 9 §4). Open when one of its fields is filled, so
 * a search never hides its own criteria.
 */
function Accordion(p: { id: string; title: string; open: boolean; children: JSX.Element | JSX.Element[] }) {
  return (
    <section class="fr-accordion fr-mb-2w">
      <h2 class="fr-accordion__title">
        <button
          type="button"
          class="fr-accordion__btn"
          aria-expanded={p.open ? 'true' : 'false'}
          aria-controls={p.id}
          safe
        >
          {p.title}
        </button>
      </h2>
      <div class={`fr-collapse${p.open ? ' fr-collapse--expanded' : ''}`} id={p.id}>
        {p.children as 'safe'}
      </div>
    </section>
  );
}

const MORE_CRITERIA = [
  'startFrom',
  'startTo',
  'teachingMode',
  'certifying',
  'entryLevel',
  'funder',
  'openPlaces',
];

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

/** The datalist options for a commune typed so far: « Lyon (69) », a value the search reads back. */
function CommuneOptions(p: { communes: { name: string; departmentCode: string }[] }) {
  return (
    <>
      {p.communes.map((c) => (
        <option value={`${c.name} (${c.departmentCode})`} />
      ))}
    </>
  );
}

export async function searchPage(app: FastifyInstance, { trainings, referentials }: TrainingsDeps) {
  // The commune field's suggestions, sent by htmx as the field itself sends them (`commune=Lyo`):
  // the shared endpoint read `q` or `communeCode` only, so the list never appeared (issue 9 §4).
  app.get('/formations/communes-suggerees', { config: { access: 'public' } }, async (request, reply) => {
    const raw = (request.query as Record<string, unknown>).commune;
    const typed = typeof raw === 'string' ? raw.slice(0, 100) : '';
    const hits = typed.trim() ? await referentials.suggestCommunes(typed, 10) : [];
    reply.header('cache-control', 'public, max-age=3600');
    return html(reply, <CommuneOptions communes={hits} />);
  });

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
      // Without JavaScript there is no suggestion list: an unknown commune is answered with the
      // communes it may be, as links that run the same search (server-side disambiguation).
      const communeChoices =
        error?.field === 'commune' && v('commune').trim()
          ? await referentials.suggestCommunes(v('commune').replace(/\s*\([^)]*\)\s*$/, ''), 6)
          : [];
      const departments = Object.fromEntries(
        Object.keys(result?.facets.department ?? {}).map((d) => [d, `Département ${d}`]),
      );
      const today = new Date().toISOString().slice(0, 10);
      // The search as it stands (with its page), carried by every result's link.
      const here = new URLSearchParams(query);
      if (result && result.page > 1) here.set('page', String(result.page));
      const carried = here.toString() ? `?${new URLSearchParams({ recherche: here.toString() })}` : '';
      return html(
        reply,
        <Layout
          title={
            result ? `Rechercher une formation — ${resultCount(result.total)}` : 'Rechercher une formation'
          }
          ctx={ctx}
        >
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
                  hint="Ex. : électricien, aide-soignant, cariste, soudeur. Les fautes de frappe sont corrigées."
                  value={v('q')}
                  error={errorOf('q')}
                />
              </div>
              <div class="fr-col-12 fr-col-md-4">
                <InputField
                  name="commune"
                  label="Autour de la commune"
                  hint="Nom ou code INSEE, puis choisissez dans la liste"
                  value={v('commune')}
                  list="communes-suggerees"
                  error={errorOf('commune')}
                  extra={{
                    'hx-get': '/formations/communes-suggerees',
                    'hx-trigger': 'input changed delay:250ms',
                    'hx-target': '#communes-suggerees',
                    'hx-swap': 'innerHTML',
                    autocomplete: 'off',
                  }}
                />
                <datalist id="communes-suggerees" />
                {communeChoices.length ? (
                  <div class="fr-mb-2w">
                    <p class="fr-text--sm fr-mb-1w">Communes proposées :</p>
                    <ul class="fr-tags-group">
                      {communeChoices.map((c) => {
                        const choice = new URLSearchParams(query);
                        choice.set('commune', `${c.name} (${c.departmentCode})`);
                        return (
                          <li>
                            <a class="fr-tag fr-tag--sm" href={`/formations?${choice}`} safe>
                              {`${c.name} (${c.departmentCode})`}
                            </a>
                          </li>
                        );
                      })}
                    </ul>
                  </div>
                ) : (
                  ''
                )}
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
            <Accordion id="plus-de-criteres" title="Plus de critères" open={MORE_CRITERIA.some((k) => v(k))}>
              <div class="fr-grid-row fr-grid-row--gutters">
                <div class="fr-col-12 fr-col-sm-6 fr-col-lg-3">
                  <InputField
                    name="startFrom"
                    type="date"
                    label="Entrée à partir du"
                    value={v('startFrom')}
                    error={errorOf('startFrom')}
                  />
                </div>
                <div class="fr-col-12 fr-col-sm-6 fr-col-lg-3">
                  <InputField
                    name="startTo"
                    type="date"
                    label="Entrée au plus tard le"
                    value={v('startTo')}
                    error={errorOf('startTo')}
                  />
                </div>
                <div class="fr-col-12 fr-col-sm-6 fr-col-lg-3">
                  <SelectField
                    name="teachingMode"
                    label="Modalité"
                    value={v('teachingMode')}
                    placeholder="Toutes"
                    options={Object.entries(TEACHING_MODES)}
                  />
                </div>
                <div class="fr-col-12 fr-col-sm-6 fr-col-lg-3">
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
                <div class="fr-col-12 fr-col-sm-6 fr-col-lg-4">
                  <SelectField
                    name="entryLevel"
                    label="Niveau d’entrée"
                    value={v('entryLevel')}
                    placeholder="Tous"
                    options={Object.entries(LEVELS)}
                  />
                </div>
                <div class="fr-col-12 fr-col-sm-6 fr-col-lg-4">
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
                <div class="fr-col-12 fr-col-lg-4">
                  <div class="fr-checkbox-group fr-mt-lg-4w">
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
            </Accordion>
            <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
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
              <div class="fr-col-12 fr-col-md-4">
                <button type="submit" class="fr-btn fr-icon-search-line fr-btn--icon-left fr-mb-3w">
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
            // Results come first in the page, the facets after: on a phone the counsellor sees the
            // trainings at once, not a screen of filters (issue 9 §4). On a wide screen the facets
            // sit in the right column.
            <div class="fr-grid-row fr-grid-row--gutters fr-mt-3w">
              <div class="fr-col-12 fr-col-md-9">
                <h2 class="fr-h4" id="resultats" aria-live="polite" safe>
                  {`${resultCount(result.total)}${result.communeName ? ` à moins de ${v('radiusKm') || '30'} km de ${result.communeName}` : ''}`}
                </h2>
                {result.corrections.length ? (
                  <p class="fr-text--sm" safe>
                    {`Recherche corrigée : ${result.corrections.map((c) => `« ${c.from} » → « ${c.to} »`).join(', ')}`}
                  </p>
                ) : (
                  ''
                )}
                {result.total > 0 ? (
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
                ) : (
                  ''
                )}
                <ul class="psl-results">
                  {result.items.map((item) => {
                    const next = nextSessionText(item, today);
                    return (
                      <li class="fr-card fr-card--horizontal fr-enlarge-link fr-mb-2w">
                        <div class="fr-card__body">
                          <div class="fr-card__content">
                            <h3 class="fr-card__title">
                              <a
                                href={`/formations/${item.trainingId}${carried}#action-${item.actionId}`}
                                safe
                              >
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
                                  <p class={`fr-badge fr-badge--sm fr-badge--${next.badge.kind}`} safe>
                                    {next.badge.text}
                                  </p>
                                </li>
                              </ul>
                            </div>
                            <div class="fr-card__end">
                              <p class="fr-card__detail" safe>
                                {next.detail}
                              </p>
                              <p class="fr-card__detail" safe>
                                {hoursText(item.hoursCentre, item.hoursCompany)}
                              </p>
                              <p class="fr-card__detail" safe>
                                {`Financeurs : ${item.funders.map((f) => label(FUNDERS, f)).join(', ') || 'non renseignés'}`}
                              </p>
                            </div>
                          </div>
                        </div>
                      </li>
                    );
                  })}
                </ul>
                {result.items.length === 0 ? (
                  <p>Aucune formation ne correspond. Élargissez le rayon ou retirez un critère.</p>
                ) : (
                  ''
                )}
                <NumberedPagination
                  page={result.page}
                  total={result.total}
                  pageSize={result.perPage}
                  baseQuery={query}
                  path="/formations"
                  maxPage={1000}
                />
              </div>
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
