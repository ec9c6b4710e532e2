import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';

/** The area an action's places are counted in: its department, or its INSEE employment zone 2020. */
export type AreaLevel = 'department' | 'zone';

export interface PurchaseFilters {
  funder: string | null;
  department: string | null;
  /** INSEE employment zone 2020 code ("8405"). */
  zone: string | null;
  quarter: string | null; // "2026-T4"
  area: AreaLevel;
}

/**
 * `places` sums the places the feed states; an action funded with no stated number
 * (« places non précisées ») is counted in `unknownActions`, never as 0 places. `places` is null
 * when no action of the row states a number. `area` and `domain` are null when unknown (no place
 * of training or no zone for its commune; no ROME code on the training).
 */
export interface PurchaseRow {
  funder: string;
  area: string | null;
  domain: string | null;
  quarter: string;
  places: number | null;
  actions: number;
  unknownActions: number;
}
export interface FunderPlaces {
  funder: string;
  places: number | null;
  actions: number;
  unknownActions: number;
}
export interface OverlapRow {
  area: string;
  rome: string;
  romeLabel: string;
  quarter: string;
  funders: FunderPlaces[];
}
export interface CoverageGap {
  area: string;
  areaName: string;
  domains: string[];
}
export interface Area {
  code: string;
  name: string;
}

/**
 * Places bought per funder, area, trade and quarter. An action's places count in the quarter of its
 * first active session, in the department (or employment zone) of its place of training; its trade
 * is its training's first ROME code. An action with no place of training, no zone or no ROME code
 * still counts, under an unknown area or trade (issue 9 §5: dropping them hid real purchases).
 */
function purchasesCte(f: PurchaseFilters) {
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (f.funder) where.push(sql`af.funder_code = ${f.funder}`);
  if (f.department) where.push(sql`x.department = ${f.department}`);
  if (f.zone) where.push(sql`x.zone = ${f.zone}`);
  if (f.quarter) where.push(sql`x.quarter = ${f.quarter}`);
  const area = f.area === 'zone' ? sql`x.zone` : sql`x.department`;
  return sql`
    with x as (
      select a.id, a.department_code as department, z.zone_code as zone, t.rome_codes[1] as rome,
        to_char(min(s.start_date), 'YYYY') || '-T' || to_char(min(s.start_date), 'Q') as quarter
      from training_action a
      join training t on t.id = a.training_id
      join training_session s on s.action_id = a.id and s.status = 'active'
      left join commune_employment_zone z on z.commune_code = a.commune_code
      where a.status = 'active' and t.status = 'active'
      group by a.id, a.department_code, z.zone_code, t.rome_codes[1]
    ),
    p as (
      select af.funder_code as funder, ${area} as area, x.rome, x.quarter, af.places
      from x join action_funder af on af.action_id = x.id
      where ${sql.join(where, sql` and `)}
    )`;
}

/** Funder codes are numbers in LHÉO's dictionary: 2 before 10, and any other code after them. */
const funderOrder = (column: RawBuilder<unknown>) => sql`length(${column}), ${column}`;

export function fundersRepository(db: Db) {
  return {
    async purchases(f: PurchaseFilters): Promise<PurchaseRow[]> {
      const { rows } = await sql<PurchaseRow>`
        ${purchasesCte(f)}
        select funder, area, substr(rome, 1, 1) as domain, quarter, sum(places)::int as places,
          count(*)::int as actions, (count(*) - count(places))::int as "unknownActions"
        from p group by funder, area, substr(rome, 1, 1), quarter
        order by quarter, area nulls last, domain nulls last, ${funderOrder(sql.ref('funder'))}`.execute(db);
      markAudited('purchases', 'read', { rows: rows.length });
      return rows;
    },

    /**
     * Same trade (ROME code), same area, same quarter, bought by two funders or more. Actions with no
     * ROME code or no known area cannot be said to overlap: they are left out here only.
     */
    async overlaps(f: PurchaseFilters): Promise<OverlapRow[]> {
      const { rows } = await sql<OverlapRow>`
        ${purchasesCte({ ...f, funder: null })},
        cell as (
          select area, rome, quarter, funder, sum(places)::int as places, count(*)::int as actions,
            (count(*) - count(places))::int as "unknownActions"
          from p where rome is not null and area is not null group by 1, 2, 3, 4
        )
        select c.area, c.rome, coalesce(r.label, c.rome) as "romeLabel", c.quarter,
          json_agg(json_build_object('funder', c.funder, 'places', c.places, 'actions', c.actions,
            'unknownActions', c."unknownActions") order by ${funderOrder(sql`c.funder`)}) as funders
        from cell c left join rome_trade r on r.code = c.rome
        group by c.area, c.rome, r.label, c.quarter
        having count(*) >= 2 ${f.funder ? sql`and bool_or(c.funder = ${f.funder})` : sql``}
        order by sum(c.places) desc nulls last, c.area, c.rome, c.quarter`.execute(db);
      markAudited('purchases', 'read', { overlaps: rows.length });
      return rows;
    },

    /**
     * Areas of the region (departments, or employment zones with a commune in it) and the ROME
     * domains in which no action is funded at all (in the quarter, if chosen). An action funded
     * with places non précisées covers its domain: it is a purchase whose size is unknown, not none.
     */
    async coverageGaps(regionCode: string, f: PurchaseFilters): Promise<CoverageGap[]> {
      // The areas listed are those the filters keep: the chosen one, or those meeting the other level's choice.
      const areas =
        f.area === 'zone'
          ? sql`${zonesSql(regionCode, f.department)}`
          : sql`select * from (${departmentsSql(regionCode)}) d
              where ${f.zone ? sql`exists (select 1 from commune_employment_zone cz join commune c on c.code = cz.commune_code where cz.zone_code = ${f.zone} and c.department_code = d.code)` : sql`true`}`;
      const chosen = f.area === 'zone' ? f.zone : f.department;
      const { rows } = await sql<CoverageGap>`
        ${purchasesCte(f)},
        area as (${areas})
        select a.code as area, a.name as "areaName", array_agg(dom.domain order by dom.domain) as domains
        from area a
        cross join (select distinct substr(code, 1, 1) as domain from rome_trade) dom
        where ${chosen ? sql`a.code = ${chosen}` : sql`true`}
          and not exists (select 1 from p where p.area = a.code and substr(p.rome, 1, 1) = dom.domain
            and (p.places > 0 or p.places is null))
        group by a.code, a.name
        order by a.code`.execute(db);
      markAudited('purchases', 'read', { gaps: rows.length });
      return rows;
    },

    /** Quarters of entry of the whole catalogue, for the filter (whatever is chosen now). */
    async quarters(): Promise<string[]> {
      const { rows } = await sql<{ quarter: string }>`
        ${purchasesCte({ funder: null, department: null, zone: null, quarter: null, area: 'department' })}
        select distinct quarter from p order by quarter`.execute(db);
      return rows.map((r) => r.quarter);
    },

    async departments(regionCode: string): Promise<Area[]> {
      const { rows } = await sql<Area>`${departmentsSql(regionCode)}`.execute(db);
      return rows;
    },

    /** Employment zones with at least one commune in the region (a zone may straddle two regions). */
    async zones(regionCode: string): Promise<Area[]> {
      const { rows } = await sql<Area>`${zonesSql(regionCode)}`.execute(db);
      return rows;
    },

    /** Names of the given employment zones, wherever they lie (an action may be outside the region). */
    async zoneNames(codes: string[]): Promise<Area[]> {
      if (codes.length === 0) return [];
      return db.selectFrom('employment_zone').select(['code', 'name']).where('code', 'in', codes).execute();
    },
  };
}

const departmentsSql = (regionCode: string) =>
  sql`select code, name from department where region_code = ${regionCode} order by code`;
const zonesSql = (regionCode: string, department: string | null = null) => sql`
  select distinct z.code, z.name from employment_zone z
  join commune_employment_zone cz on cz.zone_code = z.code
  join commune c on c.code = cz.commune_code
  where c.region_code = ${regionCode} ${department ? sql`and c.department_code = ${department}` : sql``}
  order by z.code`;
