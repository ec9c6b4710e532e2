import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import { forbidden, invalid } from '../../shared/errors.js';
import { isDepartmentCode } from '../../shared/formats.js';
import { BarChartWithTable } from '../../web/chart.js';
import { html, pageContext } from '../../web/context.js';
import { sendCsv } from '../../web/download.js';
import { FieldGrid, SelectField } from '../../web/form.js';
import { formatNumber } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import { DataTable, NumberCell } from '../../web/table.js';
import { FUNDERS, label, ROME_DOMAINS } from './dictionaries.js';
import {
  type Area,
  type AreaLevel,
  type FunderPlaces,
  fundersRepository,
  type PurchaseFilters,
  type PurchaseRow,
} from './funders-repository.js';
import { canSeePurchases } from './rights.js';

/** Rows shown on the page before « N premières lignes sur M » and the CSV that holds them all. */
export const SHOWN_OVERLAPS = 20;
export const SHOWN_PURCHASES = 50;

/** A count and its noun agreed, held together by a no-break space. */
const plural = (n: number, one: string, many: string) => `${formatNumber(n)}\u00a0${n > 1 ? many : one}`;

const AREA_LEVELS: Record<AreaLevel, { one: string; many: string; byArea: string; unknown: string }> = {
  department: {
    one: 'Département',
    many: 'départements',
    byArea: 'par département',
    unknown: 'Lieu non renseigné',
  },
  zone: {
    one: 'Zone d’emploi',
    many: 'zones d’emploi',
    byArea: 'par zone d’emploi',
    unknown: 'Zone d’emploi non renseignée',
  },
};
const NO_ROME = 'ROME non renseigné';
const AREA_CHOICES: [string, string][] = [
  ['department', 'Département'],
  ['zone', 'Zone d’emploi'],
];
/** The funders the filter offers: the first 18 codes of dict-financeurs, as the search's filter. */
const FUNDER_CHOICES = Object.entries(FUNDERS).slice(0, 18);

/** One value of a filter; a repeated parameter (?zone=a&zone=b, an array here) is refused, not a 500. */
function oneValue(q: Record<string, unknown>, field: string): string | null {
  const v = q[field];
  if (v === undefined) return null;
  if (typeof v !== 'string') throw invalid(field, `Un seul filtre «\u00a0${field}\u00a0» à la fois.`);
  return v.trim() || null;
}

function filtersOf(request: FastifyRequest): PurchaseFilters {
  const q = request.query as Record<string, unknown>;
  const funder = oneValue(q, 'funder');
  const department = oneValue(q, 'department');
  const zone = oneValue(q, 'zone');
  const quarter = oneValue(q, 'quarter');
  const area = oneValue(q, 'area') ?? 'department';
  if (funder && !(funder in FUNDERS)) throw invalid('funder', `Financeur «\u00a0${funder}\u00a0» inconnu.`);
  if (department && !isDepartmentCode(department)) throw invalid('department', 'Département invalide.');
  if (zone && !/^\d{4}$/.test(zone))
    throw invalid(
      'zone',
      'Zone d’emploi invalide\u00a0: son code Insee a 4\u00a0chiffres (ex.\u00a0: 8405).',
    );
  if (quarter && !/^\d{4}-T[1-4]$/.test(quarter))
    throw invalid('quarter', 'Trimestre invalide (ex.\u00a0: 2026-T4).');
  if (area !== 'department' && area !== 'zone')
    throw invalid(
      'area',
      'Zonage invalide\u00a0: «\u00a0department\u00a0» (département) ou «\u00a0zone\u00a0» (zone d’emploi).',
    );
  return { funder, department, zone, quarter, area };
}

/** The filters as a query string, for the CSV links (the same rows as the page, uncut). */
function queryOf(f: PurchaseFilters) {
  const entries = Object.entries(f).filter(([k, v]) => v && !(k === 'area' && v === 'department'));
  return new URLSearchParams(entries as [string, string][]).toString();
}

interface Tally {
  places: number;
  actions: number;
  unknownActions: number;
}
/** Sums rows by a key; places non précisées stay a count of actions, never 0 places. */
function tally(rows: PurchaseRow[], key: (r: PurchaseRow) => string) {
  const out = new Map<string, Tally>();
  for (const r of rows) {
    const t = out.get(key(r)) ?? { places: 0, actions: 0, unknownActions: 0 };
    t.places += r.places ?? 0;
    t.actions += r.actions;
    t.unknownActions += r.unknownActions;
    out.set(key(r), t);
  }
  return out;
}

/** « 12 places », « 12 places + non précisées (2 actions) », « non précisées (3 actions) ». */
function placesText(t: { places: number | null; actions: number; unknownActions: number }) {
  const unknown = `non précisées (${plural(t.unknownActions, 'action', 'actions')})`;
  if (t.unknownActions === t.actions) return `places ${unknown}`;
  const known = plural(t.places ?? 0, 'place', 'places');
  return t.unknownActions > 0 ? `${known} + ${unknown}` : known;
}

/** Places as a table cell: a number, or « non précisées » when no action of the row states one. */
const placesCell = (t: { places: number | null; actions: number; unknownActions: number }) =>
  t.unknownActions === t.actions ? 'non précisées' : formatNumber(t.places ?? 0);

/** Places in a CSV cell: empty (not 0) when no action of the line states its number. */
const placesCsv = (t: { places: number | null; actions: number; unknownActions: number }) =>
  t.unknownActions === t.actions ? '' : (t.places ?? 0);

/** The three figures of a line: places (« non précisées » when no action says), actions, actions without places. */
const placesFigures = (t: { places: number | null; actions: number; unknownActions: number }) => [
  placesCell(t),
  t.actions,
  t.unknownActions,
];
const PLACES_HEADERS = ['Places financées', 'Actions', 'Actions aux places non précisées'];

/** A breakdown of the places: its chart and, beside it (under it on a phone), its table. */
function Breakdown(p: { id: string; heading: string; keyHeader: string; rows: [string, Tally][] }) {
  return (
    <section class="fr-mb-4w" aria-labelledby={`${p.id}-titre`}>
      <h2 class="fr-h4" id={`${p.id}-titre`} safe>
        {p.heading}
      </h2>
      <BarChartWithTable
        id={`${p.id}-graphique`}
        title={p.heading}
        keyHeader={p.keyHeader}
        figureHeaders={PLACES_HEADERS}
        bars={p.rows.map(([label, t]) => ({
          label,
          value: t.places,
          // Places non précisées are never drawn as 0: the bar says how many actions lack them.
          valueText:
            t.unknownActions > 0
              ? `${formatNumber(t.places)} + ${formatNumber(t.unknownActions)} non préc.`
              : undefined,
          figures: placesFigures(t),
        }))}
      />
    </section>
  );
}

/** Says that a table is cut, and where the whole of it is. */
function CutNote(p: { shown: number; total: number; csv: string; what: string }) {
  if (p.total <= p.shown) return '';
  return (
    <p class="fr-text--sm">
      <span safe>{`${formatNumber(p.shown)} premières lignes sur ${formatNumber(p.total)}. `}</span>
      <a class="fr-link fr-link--sm fr-icon-download-line fr-link--icon-left" href={p.csv} safe>
        {`Toutes les lignes\u00a0: ${p.what} (CSV)`}
      </a>
    </p>
  );
}

const domainLabel = (domain: string | null) =>
  domain ? `${domain} — ${ROME_DOMAINS[domain] ?? ''}` : NO_ROME;

const exportsPurchases = { access: 'user', audit: 'purchases.export' } as const;

export async function fundersPages(app: FastifyInstance, config: Config, db: Db) {
  const repo = fundersRepository(db);
  const region = config.regionCode;

  /** Names of the areas the rows name, in the chosen level; unknown areas say so. */
  async function areaNamer(level: AreaLevel, codes: (string | null)[]) {
    const known: Area[] =
      level === 'zone'
        ? await repo.zoneNames([...new Set(codes.filter((c): c is string => c !== null))])
        : await repo.departments(region);
    const names = new Map(known.map((a) => [a.code, a.name]));
    return (code: string | null) =>
      code === null ? AREA_LEVELS[level].unknown : `${code} ${names.get(code) ?? ''}`.trim();
  }

  function refuseOthers(request: FastifyRequest) {
    if (!canSeePurchases(request.actor))
      throw forbidden('Réservé aux analystes de la Région et de France Travail.');
  }

  app.get('/financeurs', { config: { access: 'user', audit: 'purchases.read' } }, async (request, reply) => {
    refuseOthers(request);
    const f = filtersOf(request);
    const [purchases, overlaps, gaps, departments, zones, quarters] = await Promise.all([
      repo.purchases(f),
      repo.overlaps(f),
      repo.coverageGaps(region, f),
      repo.departments(region),
      repo.zones(region),
      repo.quarters(),
    ]);
    const level = AREA_LEVELS[f.area];
    const areaName = await areaNamer(f.area, [
      ...purchases.map((p) => p.area),
      ...overlaps.map((o) => o.area),
    ]);
    const byFunder = [...tally(purchases, (p) => label(FUNDERS, p.funder))].sort(
      (a, b) => b[1].places - a[1].places || b[1].actions - a[1].actions,
    );
    // Areas and domains in code order; the unknown ones last.
    const byArea = [...tally(purchases, (p) => p.area ?? '\uffff')]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([k, v]): [string, Tally] => [areaName(k === '\uffff' ? null : k), v]);
    const byDomain = [...tally(purchases, (p) => p.domain ?? '\uffff')]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([k, v]): [string, Tally] => [domainLabel(k === '\uffff' ? null : k), v]);
    const total = [...tally(purchases, () => '')].map(([, v]) => v)[0] ?? {
      places: 0,
      actions: 0,
      unknownActions: 0,
    };
    const domains = Object.keys(ROME_DOMAINS).sort();
    const noRome = byDomain.find(([k]) => k === NO_ROME)?.[1];
    const query = queryOf(f);
    const ctx = pageContext(request, reply);
    // The filters, one select each on the grid: « Tous » (empty value) for no filter.
    const filterSelects: Parameters<typeof SelectField>[0][] = [
      { name: 'area', label: 'Regrouper par', value: f.area, options: AREA_CHOICES },
      { name: 'funder', label: 'Financeur', value: f.funder, placeholder: 'Tous', options: FUNDER_CHOICES },
      {
        name: 'quarter',
        label: 'Trimestre d’entrée',
        value: f.quarter,
        placeholder: 'Tous',
        options: quarters.map((q) => [q, q]),
      },
      {
        name: 'department',
        label: 'Département',
        value: f.department,
        placeholder: 'Tous',
        options: departments.map((d) => [d.code, `${d.code} — ${d.name}`]),
      },
      {
        name: 'zone',
        label: 'Zone d’emploi',
        value: f.zone,
        placeholder: 'Toutes',
        options: zones.map((z) => [z.code, `${z.name} (${z.code})`]),
      },
    ];
    return html(
      reply,
      <Layout title="Financeurs et places achetées" ctx={ctx}>
        <h1>Financeurs et places achetées</h1>
        <p>
          Places de formation achetées par chaque financeur, par département ou zone d’emploi, domaine de
          métiers (ROME) et trimestre d’entrée. Les doublons d’achat (même métier, même territoire, même
          trimestre) et les territoires sans aucune place aident la Région et France Travail à se coordonner.
          Les zones d’emploi sont celles de l’Insee (zonage 2020).
        </p>
        <form method="get" action="/financeurs" class="fr-mb-3w">
          <FieldGrid col="fr-col-12 fr-col-md-6 fr-col-lg-4">
            {filterSelects.map((select) => (
              <SelectField {...select} />
            ))}
            <button class="fr-btn fr-mt-md-4w" type="submit">
              Filtrer
            </button>
          </FieldGrid>
        </form>
        <p safe>
          {`Total\u00a0: ${plural(total.places, 'place financée', 'places financées')} déclarées, ${plural(
            total.actions,
            'action financée',
            'actions financées',
          )}${
            total.unknownActions > 0
              ? `, dont ${plural(total.unknownActions, 'action', 'actions')} aux places non précisées (comptées à part, jamais comme 0\u00a0place)`
              : ''
          }.${
            noRome
              ? ` ${plural(noRome.actions, 'action', 'actions')} sans code ROME\u00a0: comptées sous «\u00a0${NO_ROME}\u00a0», hors recouvrements et couverture.`
              : ''
          }`}
        </p>
        <p>
          <a
            class="fr-link fr-icon-download-line fr-link--icon-left"
            href={`/financeurs/achats.csv${query ? `?${query}` : ''}`}
          >
            Télécharger les achats (CSV)
          </a>
        </p>
        <Breakdown id="par-financeur" heading="Places par financeur" keyHeader="Financeur" rows={byFunder} />
        <Breakdown
          id="par-territoire"
          heading={`Places ${level.byArea}`}
          keyHeader={level.one}
          rows={byArea}
        />
        <Breakdown
          id="par-domaine"
          heading="Places par domaine de métiers (ROME)"
          keyHeader="Domaine"
          rows={byDomain}
        />
        <h2
          class="fr-h4"
          id="recouvrements"
          safe
        >{`Recouvrements\u00a0: ${formatNumber(overlaps.length)} métier${overlaps.length > 1 ? 's' : ''} × ${level.one.toLowerCase()} × trimestre achetés par plusieurs financeurs`}</h2>
        {overlaps.length === 0 ? (
          <p>Aucun métier acheté par plusieurs financeurs sur le même territoire et le même trimestre.</p>
        ) : (
          <DataTable
            caption="Recouvrements d’achats"
            hideCaption
            headers={[level.one, 'Métier (ROME)', 'Trimestre', 'Financeurs (places, actions)']}
          >
            {overlaps.slice(0, SHOWN_OVERLAPS).map((o) => (
              <tr>
                <td safe>{areaName(o.area)}</td>
                <td safe>{`${o.rome} — ${o.romeLabel}`}</td>
                <td safe>{o.quarter}</td>
                <td class="fr-cell--multiline psl-cell--label" safe>
                  {o.funders.map((x) => funderPlacesText(x)).join(' ; ')}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        <CutNote
          shown={SHOWN_OVERLAPS}
          total={overlaps.length}
          csv={`/financeurs/recouvrements.csv${query ? `?${query}` : ''}`}
          what="les recouvrements"
        />
        <h2
          class="fr-h4"
          id="couverture"
          safe
        >{`Couverture\u00a0: ${formatNumber(gaps.length)} ${gaps.length > 1 ? level.many : level.one.toLowerCase()} avec des domaines de métiers sans aucune place financée`}</h2>
        {gaps.length === 0 ? (
          <p>Chaque territoire a au moins une action financée dans chaque domaine de métiers.</p>
        ) : (
          <>
            {/* Letters, not labels, in the table: a zone often lacks most of the 14 domains, and
                their labels made a wall of text (seen at 1280 px); the legend says them once. */}
            <p class="fr-text--sm" safe>
              {`Domaines de métiers (ROME)\u00a0: ${domains.map((d) => domainLabel(d)).join(' ; ')}.`}
            </p>
            <DataTable
              caption="Domaines de métiers sans place financée, par territoire"
              hideCaption
              headers={[level.one, `Domaines sans place (sur ${domains.length})`, 'Lesquels']}
              numeric={[1]}
            >
              {gaps.map((g) => (
                <tr>
                  <td safe>{`${g.area} ${g.areaName}`}</td>
                  <NumberCell value={g.domains.length} />
                  <td class="fr-cell--multiline" safe>
                    {g.domains.join(', ')}
                  </td>
                </tr>
              ))}
            </DataTable>
          </>
        )}
        <h2 class="fr-h4" id="achats">
          Achats détaillés
        </h2>
        <DataTable
          caption={`Achats par financeur, ${level.one.toLowerCase()}, domaine et trimestre`}
          hideCaption
          headers={['Trimestre', level.one, 'Domaine', 'Financeur', ...PLACES_HEADERS]}
          numeric={[4, 5, 6]}
        >
          {purchases.slice(0, SHOWN_PURCHASES).map((p) => (
            <tr>
              <td safe>{p.quarter}</td>
              <td safe>{areaName(p.area)}</td>
              <td class="fr-cell--multiline psl-cell--label" safe>
                {domainLabel(p.domain)}
              </td>
              <td safe>{label(FUNDERS, p.funder)}</td>
              {placesFigures(p).map((figure) => (
                <NumberCell value={figure} />
              ))}
            </tr>
          ))}
        </DataTable>
        <CutNote
          shown={SHOWN_PURCHASES}
          total={purchases.length}
          csv={`/financeurs/achats.csv${query ? `?${query}` : ''}`}
          what="les achats"
        />
      </Layout>,
    );
  });

  /** A CSV's rows, read with the page's filters, and the names of their areas. */
  async function csvRows<T extends { area: string | null }>(
    request: FastifyRequest,
    read: (f: PurchaseFilters) => Promise<T[]>,
  ) {
    refuseOthers(request);
    const f = filtersOf(request);
    const rows = await read(f);
    return {
      f,
      rows,
      areaName: await areaNamer(
        f.area,
        rows.map((r) => r.area),
      ),
    };
  }

  app.get('/financeurs/achats.csv', { config: exportsPurchases }, async (request, reply) => {
    const { f, rows, areaName } = await csvRows(request, (filters) => repo.purchases(filters));
    // Places: empty (not 0) when no action of the line states its number; the last column counts
    // the actions whose places are non précisées.
    return sendCsv(
      reply,
      'achats-places.csv',
      [
        'Trimestre',
        AREA_LEVELS[f.area].one,
        'Domaine ROME',
        'Libellé du domaine',
        'Code financeur',
        'Financeur',
        ...PLACES_HEADERS,
      ],
      rows.map((p) => [
        p.quarter,
        areaName(p.area),
        p.domain ?? '',
        p.domain ? (ROME_DOMAINS[p.domain] ?? '') : NO_ROME,
        p.funder,
        label(FUNDERS, p.funder),
        placesCsv(p),
        p.actions,
        p.unknownActions,
      ]),
    );
  });

  app.get('/financeurs/recouvrements.csv', { config: exportsPurchases }, async (request, reply) => {
    const { f, rows, areaName } = await csvRows(request, (filters) => repo.overlaps(filters));
    // One line per funder of each overlap, so that a spreadsheet can sum and filter the places.
    return sendCsv(
      reply,
      'recouvrements-achats.csv',
      [
        AREA_LEVELS[f.area].one,
        'Code ROME',
        'Métier',
        'Trimestre',
        'Code financeur',
        'Financeur',
        ...PLACES_HEADERS,
      ],
      rows.flatMap((o) =>
        o.funders.map((x) => [
          areaName(o.area),
          o.rome,
          o.romeLabel,
          o.quarter,
          x.funder,
          label(FUNDERS, x.funder),
          placesCsv(x),
          x.actions,
          x.unknownActions,
        ]),
      ),
    );
  });
}

/** « Conseil régional : 12 places (1 action) », places non précisées said as such. */
function funderPlacesText(x: FunderPlaces) {
  return `${label(FUNDERS, x.funder)}\u00a0: ${placesText(x)} (${plural(x.actions, 'action', 'actions')})`;
}
