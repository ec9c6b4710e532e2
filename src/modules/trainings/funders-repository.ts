import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';

export interface PurchaseFilters {
  funder: string | null;
  department: string | null;
  quarter: string | null; // "2026-T4"
}

export interface PurchaseRow {
  funder: string;
  department: string;
  domain: string;
  quarter: string;
  places: number;
  actions: number;
}
export interface OverlapRow {
  department: string;
  rome: string;
  romeLabel: string;
  quarter: string;
  funders: { funder: string; places: number; actions: number }[];
}

/**
 * Places bought per funder, area, trade and quarter. An action's places count in the quarter of its
 * first active session, in the department of its place of training; its trade is its first ROME code.
 */
function purchasesCte(f: PurchaseFilters) {
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (f.funder) where.push(sql`af.funder_code = ${f.funder}`);
  if (f.department) where.push(sql`x.department = ${f.department}`);
  if (f.quarter) where.push(sql`x.quarter = ${f.quarter}`);
  return sql`
    with x as (
      select a.id, a.department_code as department, t.rome_codes[1] as rome,
        to_char(min(s.start_date), 'YYYY') || '-T' || to_char(min(s.start_date), 'Q') as quarter
      from training_action a
      join training t on t.id = a.training_id
      join training_session s on s.action_id = a.id and s.status = 'active'
      where a.status = 'active' and t.status = 'active' and a.department_code is not null and cardinality(t.rome_codes) > 0
      group by a.id, a.department_code, t.rome_codes[1]
    ),
    p as (
      select af.funder_code as funder, x.department, x.rome, x.quarter, coalesce(af.places, 0) as places
      from x join action_funder af on af.action_id = x.id
      where ${sql.join(where, sql` and `)}
    )`;
}

export function fundersRepository(db: Db) {
  return {
    async purchases(f: PurchaseFilters): Promise<PurchaseRow[]> {
      const { rows } = await sql<PurchaseRow>`
        ${purchasesCte(f)}
        select funder, department, substr(rome, 1, 1) as domain, quarter, sum(places)::int as places, count(*)::int as actions
        from p group by 1, 2, 3, 4 order by quarter, department, domain, funder::int`.execute(db);
      markAudited('purchases', 'read', { rows: rows.length });
      return rows;
    },

    /** Same trade (ROME code), same department, same quarter, bought by two funders or more. */
    async overlaps(f: PurchaseFilters): Promise<OverlapRow[]> {
      const { rows } = await sql<OverlapRow>`
        ${purchasesCte({ ...f, funder: null })},
        cell as (
          select department, rome, quarter, funder, sum(places)::int as places, count(*)::int as actions
          from p group by 1, 2, 3, 4
        )
        select c.department, c.rome, coalesce(r.label, c.rome) as "romeLabel", c.quarter,
          json_agg(json_build_object('funder', c.funder, 'places', c.places, 'actions', c.actions) order by c.funder::int) as funders
        from cell c left join rome_trade r on r.code = c.rome
        group by c.department, c.rome, r.label, c.quarter
        having count(*) >= 2 ${f.funder ? sql`and bool_or(c.funder = ${f.funder})` : sql``}
        order by sum(c.places) desc, c.department, c.rome, c.quarter
        limit 500`.execute(db);
      markAudited('purchases', 'read', { overlaps: rows.length });
      return rows;
    },

    /** Departments of the region × ROME domains with no funded place at all (in the quarter, if chosen). */
    async coverageGaps(
      regionCode: string,
      f: PurchaseFilters,
    ): Promise<{ department: string; departmentName: string; domain: string }[]> {
      const { rows } = await sql<{ department: string; departmentName: string; domain: string }>`
        ${purchasesCte({ ...f, department: null })}
        select d.code as department, d.name as "departmentName", dom.domain
        from department d
        cross join (select distinct substr(code, 1, 1) as domain from rome_trade) dom
        where d.region_code = ${regionCode} ${f.department ? sql`and d.code = ${f.department}` : sql``}
          and not exists (select 1 from p where p.department = d.code and substr(p.rome, 1, 1) = dom.domain and p.places > 0)
        order by d.code, dom.domain`.execute(db);
      markAudited('purchases', 'read', { gaps: rows.length });
      return rows;
    },

    async departments(regionCode: string) {
      return db
        .selectFrom('department')
        .select(['code', 'name'])
        .where('region_code', '=', regionCode)
        .orderBy('code')
        .execute();
    },
  };
}
