import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { OUTCOMES, PRECISION_AT } from './rules.js';

export interface QualityFilters {
  /** A department code, or null for all. */
  department: string | null;
  /** ISO dates, inclusive: outcomes recorded in this period (null: no bound). */
  from: string | null;
  to: string | null;
}

/** One group of persons (a preset in a department) with the counts quality-service.ts sums and divides. */
export interface QualityCounts {
  preset: string;
  department: string | null;
  /** Persons who had stored suggestions. */
  persons: number;
  /** Their stored suggestions ranked 1 to 10 today. */
  suggestions: number;
  /** Suggestions ranked ≤ 10 that led to a contact, an interview or a hire (each counted once). */
  hits: number;
  interviews: number;
  hires: number;
  /** Persons with at least one hit. */
  personsWithHit: number;
}

const COUNTING = Object.entries(OUTCOMES)
  .filter(([, o]) => o.counts)
  .map(([k]) => k);

/** Aggregates of the matching's records for analysts: counts only, never a name nor an id. */
export function qualityRepository(db: Db) {
  return {
    /**
     * Counts per (preset, department). The persons are those who had stored suggestions: stored
     * today (their rank 1 row) or with an outcome recorded on a suggestion stored at the time
     * (suggested_rank not null: a person whose suggestions changed since still counts). Each is
     * counted once, under the preset and department of their stored suggestions today, else those
     * recorded with their latest outcome. A hit is a (person, offer) with a counting outcome
     * (OUTCOMES: contacted, interview, hired) on a suggestion ranked ≤ PRECISION_AT when recorded,
     * in the period: a contact then a hire on the same offer is one hit, never two.
     */
    async counts(f: QualityFilters): Promise<QualityCounts[]> {
      const period = sql`${f.from === null ? sql`true` : sql`o.recorded_at >= ${f.from}::date`}
        and ${f.to === null ? sql`true` : sql`o.recorded_at < ${f.to}::date + 1`}`;
      const { rows } = await sql<QualityCounts>`
        with persons as (
          select distinct on (x.person_id) x.person_id, x.preset, x.department_code
          from (
            select s.person_id, s.preset, mp.department_code, 1 as ord, null::timestamptz as at
              from match_suggestion s join match_person mp on mp.person_id = s.person_id
              where s.rank = 1
            union all
            select o.person_id, coalesce(o.suggested_preset, 'standard'), o.department_code, 2, o.recorded_at
              from match_outcome o where o.suggested_rank is not null
          ) x
          order by x.person_id, x.ord, x.at desc nulls last
        ),
        scoped as (
          select * from persons p
          where ${f.department === null ? sql`true` : sql`p.department_code = ${f.department}`}
        ),
        hits as (
          select o.person_id, o.offer_id, bool_or(o.outcome = 'interview') as interview,
            bool_or(o.outcome = 'hired') as hired
          from match_outcome o
          where o.suggested_rank <= ${PRECISION_AT} and o.outcome = any(${COUNTING}::text[]) and ${period}
          group by o.person_id, o.offer_id
        ),
        per_person as (
          select p.person_id, p.preset, p.department_code,
            (select count(*) from match_suggestion s where s.person_id = p.person_id and s.rank <= ${PRECISION_AT}) as suggestions,
            count(h.offer_id) as hits,
            count(h.offer_id) filter (where h.interview) as interviews,
            count(h.offer_id) filter (where h.hired) as hires
          from scoped p left join hits h on h.person_id = p.person_id
          group by p.person_id, p.preset, p.department_code
        )
        select preset, department_code as department, count(*)::int as persons,
          coalesce(sum(suggestions), 0)::int as suggestions, coalesce(sum(hits), 0)::int as hits,
          coalesce(sum(interviews), 0)::int as interviews, coalesce(sum(hires), 0)::int as hires,
          (count(*) filter (where hits > 0))::int as "personsWithHit"
        from per_person
        group by preset, department_code
        order by preset, department_code`.execute(db);
      return rows.map((r) => ({
        ...r,
        persons: Number(r.persons),
        suggestions: Number(r.suggestions),
        hits: Number(r.hits),
        interviews: Number(r.interviews),
        hires: Number(r.hires),
        personsWithHit: Number(r.personsWithHit),
      }));
    },

    /** The departments of a region, for the filter and the tables' names. */
    async departments(regionCode: string): Promise<{ code: string; name: string }[]> {
      return db
        .selectFrom('department')
        .select(['code', 'name'])
        .where('region_code', '=', regionCode)
        .orderBy('code')
        .execute();
    },

    async departmentNames(codes: string[]): Promise<Map<string, string>> {
      if (codes.length === 0) return new Map();
      const rows = await db
        .selectFrom('department')
        .select(['code', 'name'])
        .where('code', 'in', codes)
        .execute();
      return new Map(rows.map((r) => [r.code, r.name]));
    },
  };
}
