import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';

export type DailyScope = { kind: 'user'; userId: string } | { kind: 'organisation'; organisationId: string };

export interface DailyRow {
  personId: string;
  firstName: string;
  lastName: string;
  /** What the list is about: the last news, the PASS's end, the contract's end, the request's date. */
  on: string | null;
  detail: string | null;
}

/**
 * A counsellor's daily lists (issue 12 §2): pathways without news for N days, PASS ending within
 * 3 months, contracts ending within 30 days, orientations waiting for an answer. Each is one query
 * over the followed persons (pathway_member for « mes personnes », person_access for the
 * organisation), each person's rows reached by its own index (person_id first).
 */
export function dailyRepository(db: Db) {
  const followed = (scope: DailyScope): RawBuilder<unknown> =>
    scope.kind === 'user'
      ? sql`select person_id from pathway_member where user_id = ${scope.userId}::uuid`
      : sql`select person_id from person_access where organisation_id = ${scope.organisationId}::uuid`;

  return {
    async silent(scope: DailyScope, since: string, limit: number) {
      markAudited('pathways', 'read');
      // The followed persons ranked by their last news first (one index probe each), then only the
      // listed ones' names read: joining person first made PGlite scan the table (bench/pathways.ts:
      // PGlite p50 27 → 12 ms, PostgreSQL 12 → 6.4 ms, same rows).
      const { rows } = await sql<DailyRow>`
        with f as (${followed(scope)}),
        s as (
          select f.person_id, l.last from f
          left join lateral (select max(e.occurred_on) as last from pathway_event e where e.person_id = f.person_id) l on true
          where l.last is null or l.last < ${since}::date
          order by l.last nulls first fetch first ${limit} rows with ties
        )
        select p.id as "personId", p.first_name as "firstName", p.last_name as "lastName",
          s.last::text as on, null as detail
        from s join person p on p.id = s.person_id
        order by s.last nulls first, p.last_name, p.first_name limit ${limit}`.execute(db);
      return rows;
    },

    async approvalsEnding(scope: DailyScope, today: string, until: string, limit: number) {
      markAudited('pathways', 'read');
      const { rows } = await sql<DailyRow>`
        with f as (${followed(scope)})
        select p.id as "personId", p.first_name as "firstName", p.last_name as "lastName",
          a.end_on::text as on, a.number as detail
        from f join approval a on a.person_id = f.person_id join person p on p.id = f.person_id
        where a.end_on between ${today}::date and ${until}::date and a.start_on <= ${today}::date
        order by a.end_on, p.last_name limit ${limit}`.execute(db);
      return rows;
    },

    async contractsEnding(scope: DailyScope, today: string, until: string, limit: number) {
      markAudited('pathways', 'read');
      const { rows } = await sql<DailyRow>`
        with f as (${followed(scope)})
        select p.id as "personId", p.first_name as "firstName", p.last_name as "lastName",
          c.end_on::text as on, o.name as detail
        from f join iae_contract c on c.person_id = f.person_id join person p on p.id = f.person_id
        join organisation o on o.id = c.siae_organisation_id
        where c.end_on between ${today}::date and ${until}::date
          and not exists (select 1 from iae_exit x where x.contract_id = c.id)
        order by c.end_on, p.last_name limit ${limit}`.execute(db);
      return rows;
    },

    async waitingOrientations(scope: DailyScope, limit: number) {
      markAudited('pathways', 'read');
      const { rows } = await sql<DailyRow>`
        with f as (${followed(scope)})
        select p.id as "personId", p.first_name as "firstName", p.last_name as "lastName",
          o.created_at::date::text as on, t.name || ' — ' || o.target_label as detail
        from f join orientation o on o.person_id = f.person_id join person p on p.id = f.person_id
        join organisation t on t.id = o.target_organisation_id
        where o.state in ('sent', 'studying', 'on_hold')
        order by o.created_at, p.last_name limit ${limit}`.execute(db);
      return rows;
    },
  };
}
