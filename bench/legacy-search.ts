import { type RawBuilder, sql } from 'kysely';
import { PLANNED_PER_CALL } from '../src/db/database.js';
import type { Facets, SearchFilters, SearchRow } from '../src/modules/trainings/search-repository.js';

const EARTH_RADIUS_FACTOR = 1000;

/**
 * The catalogue search as it was before the projection (commit edcad33): formation, action and
 * sessions joined at every query, sessions grouped per matched action. Kept here, callable from
 * the benchmark only, to measure before and after on the same catalogue in the same run. Its
 * "next start" was the first session not yet ended (possibly begun): the totals differ from the
 * projection's, by design.
 */
export function legacySearchStatement(f: SearchFilters) {
  const conditions: RawBuilder<unknown>[] = [sql`a.status = 'active'`, sql`t.status = 'active'`];
  const tsquery = f.lexemes.length
    ? sql`to_tsquery('simple', ${f.lexemes.map((l) => `${l}:*`).join(' & ')})`
    : null;
  if (tsquery) conditions.push(sql`t.search_vector @@ ${tsquery}`);
  const origin = f.point ? sql`ll_to_earth(${f.point.latitude}, ${f.point.longitude})` : null;
  if (origin && f.point) {
    const metres = f.point.radiusKm * EARTH_RADIUS_FACTOR;
    // The planner takes any earth_box for very selective (a constant estimate) and would scan
    // every action around a city before checking the words (160 ms instead of 4 ms measured
    // for "électricien" within 30 km of Lyon, 50,000 actions). With words, the text index
    // leads and the distance filters what it found.
    if (!tsquery)
      conditions.push(sql`earth_box(${origin}, ${metres}) @> ll_to_earth(a.latitude, a.longitude)`);
    conditions.push(sql`earth_distance(${origin}, ll_to_earth(a.latitude, a.longitude)) <= ${metres}`);
  }
  if (f.romeCodes) conditions.push(sql`t.rome_codes && ${f.romeCodes}::text[]`);
  if (f.formacode) conditions.push(sql`t.formacodes @> array[${f.formacode}]::text[]`);
  if (f.rncp) conditions.push(sql`t.rncp_code = ${f.rncp}`);
  if (f.teachingMode) conditions.push(sql`a.teaching_mode = ${f.teachingMode}`);
  if (f.certifying !== null) conditions.push(sql`t.certifying = ${f.certifying}`);
  if (f.entryLevel) conditions.push(sql`t.entry_level = ${f.entryLevel}`);
  if (f.funders) conditions.push(sql`a.funder_codes && ${f.funders}::text[]`);
  if (f.department) conditions.push(sql`a.department_code = ${f.department}`);
  const sessionConditions: RawBuilder<unknown>[] = [
    sql`s.action_id = a.id`,
    sql`s.status = 'active'`,
    sql`s.end_date >= ${f.today}::date`,
  ];
  if (f.startFrom) sessionConditions.push(sql`s.start_date >= ${f.startFrom}::date`);
  if (f.startTo) sessionConditions.push(sql`s.start_date <= ${f.startTo}::date`);
  if (f.openPlaces)
    sessionConditions.push(sql`s.recruitment_state = '1' and coalesce(s.places_remaining, 1) > 0`);
  const rank = tsquery ? sql`ts_rank_cd(t.search_vector, ${tsquery})` : sql`0`;
  const distance = origin
    ? sql`earth_distance(${origin}, ll_to_earth(a.latitude, a.longitude)) / 1000`
    : sql`null::float8`;
  // Fixed column lists (no user input), for the page and again for the rows built from it.
  const orderColumns =
    f.sort === 'distance' && origin
      ? ['distance_km', 'next_start', 'action_id']
      : f.sort === 'start' || !tsquery
        ? ['next_start', 'rank desc', 'action_id']
        : ['rank desc', 'next_start', 'action_id'];
  const order = (alias: string) => sql.raw(orderColumns.map((c) => `${alias}.${c}`).join(', '));

  return sql<{
    total: number;
    items: SearchRow[] | null;
    facets: Facets;
  }>`${PLANNED_PER_CALL}
    with matched as materialized (
      select a.id as action_id, a.training_id, ${rank} as rank, ${distance} as distance_km,
        ns.start_date as next_start, ns.sessions, a.teaching_mode, t.certifying, t.entry_level, a.funder_codes,
        a.department_code
      from training_action a
      join training t on t.id = a.training_id
      cross join lateral (
        select min(s.start_date) as start_date, count(*)::int as sessions
        from training_session s where ${sql.join(sessionConditions, sql` and `)}
      ) ns
      where ${sql.join(conditions, sql` and `)} and ns.sessions > 0
    ),
    page as (
      select m.* from matched m order by ${order('m')} limit ${f.limit} offset ${f.offset}
    )
    select
      (select count(*)::int from matched) as total,
      (select json_agg(row_to_json(x)) from (
        select p.action_id as "actionId", p.training_id as "trainingId", t.title, pr.name as "providerName",
          c.name as "communeName", a.place->>'postalCode' as "postalCode", a.department_code as department,
          round(p.distance_km::numeric, 1)::float8 as "distanceKm", p.next_start as "nextStart",
          ns.end_date as "nextEnd", ns.recruitment_state as "nextState", ns.places_remaining as "placesRemaining",
          p.sessions, a.teaching_mode as "teachingMode", t.certifying, t.entry_level as "entryLevel",
          a.funder_codes as funders, a.hours_centre as "hoursCentre", a.hours_company as "hoursCompany",
          p.rank::float8 as rank
        from page p
        join training_action a on a.id = p.action_id
        join training t on t.id = p.training_id
        join training_provider pr on pr.id = t.provider_id
        left join commune c on c.code = a.commune_code
        cross join lateral (
          select s.end_date, s.recruitment_state, s.places_remaining from training_session s
          where ${sql.join(sessionConditions, sql` and `)} order by s.start_date limit 1
        ) ns
        order by ${order('p')}
      ) x) as items,
      json_build_object(
        'teachingMode', (select coalesce(json_object_agg(k, n), '{}') from (select teaching_mode k, count(*) n from matched group by 1) f),
        'certifying', (select coalesce(json_object_agg(k, n), '{}') from (select certifying::text k, count(*) n from matched group by 1) f),
        'entryLevel', (select coalesce(json_object_agg(k, n), '{}') from (select entry_level k, count(*) n from matched group by 1) f),
        'funders', (select coalesce(json_object_agg(k, n), '{}') from (select unnest(funder_codes) k, count(*) n from matched group by 1) f),
        'department', (select coalesce(json_object_agg(k, n), '{}') from (select department_code k, count(*) n from matched where department_code is not null group by 1) f)
      ) as facets`;
}
