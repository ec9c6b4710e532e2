import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Accordion } from '../../web/accordion.js';
import { Alert, Badges, ButtonsGroup, TagLinks } from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { CheckboxField, FieldGrid, InputField, SelectField, suggested } from '../../web/form.js';
import { formatDate, formatNumber } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import { Pagination } from '../../web/pagination.js';
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
  return `${formatNumber(total)} formation${total > 1 ? 's' : ''} trouvée${total > 1 ? 's' : ''}`;
}

/** Hours as a person can trust them: a missing figure says so, never « ? h » nor « 0 h ». */
export function hoursText(centre: number | null, company: number | null): string {
  if (centre === null && company === null) return 'Durée non précisée';
  const parts = [
    centre === null ? 'heures en centre non précisées' : `${formatNumber(centre)} h en centre`,
    company === null
      ? 'heures en entreprise non précisées'
      : company === 0
        ? 'sans période en entreprise'
        : `${formatNumber(company)} h en entreprise`,
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
  const badge: { text: string; kind: 'warning' | 'success' } =
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

const CERTIFYING: Record<string, string> = { true: 'Certifiante', false: 'Non certifiante' };

/**
 * The « Plus de critères » selects, on the DSFR grid inside the accordion (they overlapped in a bare
 * <details>, issue 9 §4). « Tous » (empty value) is no filter.
 */
const CRITERIA_SELECTS: { name: string; label: string; placeholder: string; options: [string, string][] }[] =
  [
    {
      name: 'teachingMode',
      label: 'Modalité',
      placeholder: 'Toutes',
      options: Object.entries(TEACHING_MODES),
    },
    {
      name: 'certifying',
      label: 'Certifiante',
      placeholder: 'Indifférent',
      options: Object.entries(CERTIFYING),
    },
    { name: 'entryLevel', label: 'Niveau d’entrée', placeholder: 'Tous', options: Object.entries(LEVELS) },
    {
      name: 'funder',
      label: 'Financement',
      placeholder: 'Tous',
      options: [
        ['demandeurs', 'Financée pour les demandeurs d’emploi'],
        ...Object.entries(FUNDERS).slice(0, 18),
      ],
    },
  ];
const QUARTER = 'fr-col-12 fr-col-sm-6 fr-col-lg-3';
const THIRD = 'fr-col-12 fr-col-sm-6 fr-col-lg-4';
/** The columns of the « Plus de critères » fields: two dates and two selects, two selects and the box. */
const CRITERIA_COLUMNS = [QUARTER, QUARTER, QUARTER, QUARTER, THIRD, THIRD, 'fr-col-12 fr-col-lg-4'];

/** The accordion opens when one of its fields is filled, so a search never hides its own criteria. */
const MORE_CRITERIA = [
  'startFrom',
  'startTo',
  ...CRITERIA_SELECTS.map((select) => select.name),
  'openPlaces',
];

/** The facets of the results, each a list of links that narrow the search. */
const FACETS = [
  { title: 'Modalité', name: 'teachingMode', facet: 'teachingMode', labels: TEACHING_MODES },
  { title: 'Certifiante', name: 'certifying', facet: 'certifying', labels: CERTIFYING },
  { title: 'Financeur', name: 'funder', facet: 'funders', labels: FUNDERS },
  { title: 'Niveau d’entrée', name: 'entryLevel', facet: 'entryLevel', labels: LEVELS },
  { title: 'Département', name: 'department', facet: 'department', labels: null },
] as const;

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
      <TagLinks
        tags={entries.slice(0, 8).map(([code, n]) => {
          const q = new URLSearchParams(p.query);
          q.set(p.name, code);
          q.delete('page');
          return {
            text: `${p.labels[code] ?? code} (${n})`,
            href: `/formations?${q}`,
            current: p.query.get(p.name) === code,
          };
        })}
      />
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
      /** A field of the search: its name, the value sent, the refusal that names it. */
      const bind = (name: string) => ({ name, value: v(name), error: errorOf(name) });
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
            <FieldGrid col={['fr-col-12 fr-col-md-6', 'fr-col-12 fr-col-md-4', 'fr-col-12 fr-col-md-2']}>
              <InputField
                {...bind('q')}
                label="Métier, formation, compétence"
                hint="Ex. : électricien, aide-soignant, cariste, soudeur. Les fautes de frappe sont corrigées."
              />
              <>
                <InputField
                  {...bind('commune')}
                  label="Autour de la commune"
                  hint="Nom ou code INSEE, puis choisissez dans la liste"
                  {...suggested('/formations/communes-suggerees', 'communes-suggerees')}
                />
                <datalist id="communes-suggerees" />
                {communeChoices.length ? (
                  <div class="fr-mb-2w">
                    <p class="fr-text--sm fr-mb-1w">Communes proposées :</p>
                    <TagLinks
                      tags={communeChoices.map((c) => {
                        const choice = new URLSearchParams(query);
                        choice.set('commune', `${c.name} (${c.departmentCode})`);
                        return { text: `${c.name} (${c.departmentCode})`, href: `/formations?${choice}` };
                      })}
                    />
                  </div>
                ) : (
                  ''
                )}
              </>
              <SelectField
                {...bind('radiusKm')}
                value={v('radiusKm') || '30'}
                label="Rayon"
                options={['10', '20', '30', '50', '100'].map((r) => [r, `${r} km`])}
              />
            </FieldGrid>
            <Accordion
              id="plus-de-criteres"
              title="Plus de critères"
              open={MORE_CRITERIA.some((k) => v(k))}
              class="fr-mb-2w"
            >
              <FieldGrid col={CRITERIA_COLUMNS}>
                <InputField {...bind('startFrom')} type="date" label="Entrée à partir du" />
                <InputField {...bind('startTo')} type="date" label="Entrée au plus tard le" />
                {CRITERIA_SELECTS.map((select) => (
                  <SelectField {...select} value={v(select.name)} />
                ))}
                <CheckboxField
                  name="openPlaces"
                  label="Recrutement ouvert avec des places"
                  checked={v('openPlaces') === 'true'}
                  class="fr-mt-lg-4w"
                />
              </FieldGrid>
            </Accordion>
            <FieldGrid col="fr-col-12 fr-col-md-4" class="fr-grid-row--bottom">
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
              <button type="submit" class="fr-btn fr-icon-search-line fr-btn--icon-left fr-mb-3w">
                Rechercher
              </button>
            </FieldGrid>
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
                  <ButtonsGroup class="fr-btns-group--inline-sm fr-btns-group--icon-left">
                    <a
                      class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-download-line"
                      href={`/api/v1/trainings/export.xml?${query}`}
                    >
                      Exporter en LHÉO
                    </a>
                    <a
                      class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-download-line"
                      href={`/api/v1/trainings/export.csv?${query}`}
                    >
                      Exporter en CSV
                    </a>
                  </ButtonsGroup>
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
                              {`${item.providerName} — ${item.communeName ?? 'à distance'}${item.postalCode ? ` (${item.postalCode})` : ''}${item.distanceKm !== null ? ` · ${formatNumber(item.distanceKm)} km` : ''}`}
                            </p>
                            <div class="fr-card__start">
                              <Badges
                                small
                                badges={[
                                  ...(item.certifying
                                    ? [{ text: 'Certifiante', kind: 'info' as const }]
                                    : []),
                                  { text: label(TEACHING_MODES, item.teachingMode) },
                                  { text: next.badge.text, kind: next.badge.kind },
                                ]}
                              />
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
                <Pagination
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
                {FACETS.map((f) => (
                  <FacetList
                    title={f.title}
                    name={f.name}
                    counts={result.facets[f.facet]}
                    labels={f.labels ?? departments}
                    query={query}
                  />
                ))}
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
