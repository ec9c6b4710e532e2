import { type RawBuilder, sql } from 'kysely';
import { type Db, PLANNED_PER_CALL } from '../../db/database.js';

export interface SearchFilters {
  /** Stemmed, corrected lexemes; every one must match (prefix match). */
  lexemes: string[];
  point: { latitude: number; longitude: number; radiusKm: number } | null;
  romeCodes: string[] | null;
  formacode: string | null;
  rncp: string | null;
  startFrom: string | null;
  startTo: string | null;
  teachingMode: string | null;
  certifying: boolean | null;
  entryLevel: string | null;
  funders: string[] | null;
  openPlaces: boolean;
  department: string | null;
  sort: 'relevance' | 'distance' | 'start';
  limit: number;
  offset: number;
  today: string;
}

export interface SearchRow {
  actionId: string;
  trainingId: string;
  title: string;
  providerName: string;
  communeName: string | null;
  postalCode: string | null;
  department: string | null;
  distanceKm: number | null;
  /** First session starting today or later (within the dates asked): never in the past. */
  nextStart: string;
  nextEnd: string;
  nextState: string;
  /** The next session is recruiting: open (state 1) with places remaining above 0 or not given. */
  nextOpen: boolean;
  /** First session starting today or later that is recruiting (as nextOpen), or null. */
  nextOpenStart: string | null;
  /** Of the next session; null when the feed does not say (never read as 0). */
  placesRemaining: number | null;
  sessions: number;
  teachingMode: string;
  certifying: boolean;
  entryLevel: string;
  funders: string[];
  hoursCentre: number | null;
  hoursCompany: number | null;
  rank: number;
}

export interface Facets {
  teachingMode: Record<string, number>;
  certifying: Record<string, number>;
  entryLevel: Record<string, number>;
  funders: Record<string, number>;
  department: Record<string, number>;
}

const METRES_PER_KM = 1000;

export function searchRepository(db: Db) {
  return {
    /** Stems query words with the French dictionary and says which the catalogue knows. */
    async analyseTokens(tokens: string[]) {
      if (!tokens.length) return [];
      const { rows } = await sql<{ token: string; lexeme: string | null; known: boolean }>`
        select tok as token, lex as lexeme, lex is not null and exists (select 1 from training_word w where w.word = lex) as known
        from unnest(${tokens}::text[]) with ordinality as u(tok, i)
        cross join lateral (select (select string_agg(lexeme, ' ') from unnest(to_tsvector('french', tok))) as lex) l
        order by i`.execute(db);
      return rows;
    },

    /** Closest catalogue word to a misspelt one (trigram similarity), or null. */
    async closestWord(lexeme: string): Promise<string | null> {
      const { rows } = await sql<{ word: string }>`
        select word from training_word where word % ${lexeme}
        order by similarity(word, ${lexeme}) desc, word limit 1`.execute(db);
      if (rows[0]) return rows[0].word;
      // Short words have few trigrams: a prefix of the catalogue's words is the next best guess.
      const prefix = await sql<{ word: string }>`
        select word from training_word where word like ${`${lexeme.slice(0, Math.max(4, lexeme.length - 2))}%`}
        order by length(word), word limit 1`.execute(db);
      return prefix.rows[0]?.word ?? null;
    },

    async search(f: SearchFilters): Promise<{ total: number; items: SearchRow[]; facets: Facets }> {
      const { rows } = await searchStatement(f).execute(db);
      const row = rows[0]!;
      return { total: row.total, items: row.items ?? [], facets: row.facets };
    },
  };
}

/**
 * A session is recruiting when its state is "ouvert" (1) and it has places left, or the feed does
 * not say how many: 0 places left is never open (issue 9 §4). The same rule builds open_starts.
 */
const OPEN_SESSION = sql.raw(`s.recruitment_state = '1' and coalesce(s.places_remaining, 1) > 0`);

/**
 * The search statement, read from the projection catalogue_search only (plus the display columns
 * of the page's 20 or so rows). Exported for the benchmark, which runs it under EXPLAIN ANALYZE.
 *
 * "Next start" is computed here, from the sorted start dates the projection keeps, and not
 * stored: a stored date would be in the past from the day after the refresh until the next write
 * (a nightly refresh could be missed, and the tests move "today"), whereas the array is only
 * rewritten when the offer changes. Unnesting 4 dates per matched action costs little next to
 * the text and distance tests.
 */
export function searchStatement(f: SearchFilters) {
  const conditions: RawBuilder<unknown>[] = [];
  // The latest session start prunes, through a plain comparison, actions whose sessions all began.
  const floor = f.startFrom && f.startFrom > f.today ? f.startFrom : f.today;
  conditions.push(sql`p.last_start >= ${floor}::date`);
  const tsquery = f.lexemes.length
    ? sql`to_tsquery('simple', ${f.lexemes.map((l) => `${l}:*`).join(' & ')})`
    : null;
  if (tsquery) conditions.push(sql`p.search_vector @@ ${tsquery}`);
  const origin = f.point ? sql`ll_to_earth(${f.point.latitude}, ${f.point.longitude})` : null;
  if (origin && f.point) {
    const metres = f.point.radiusKm * METRES_PER_KM;
    // The planner takes any earth_box for very selective (a constant estimate) and would scan
    // every action around a city before checking the words (160 ms instead of 4 ms measured
    // for "électricien" within 30 km of Lyon, 50,000 actions). With words, the text index
    // leads and the distance filters what it found.
    if (!tsquery) conditions.push(sql`earth_box(${origin}, ${metres}) @> p.earth`);
    conditions.push(sql`earth_distance(${origin}, p.earth) <= ${metres}`);
  }
  if (f.romeCodes) conditions.push(sql`p.rome_codes && ${f.romeCodes}::text[]`);
  if (f.formacode) conditions.push(sql`p.formacodes @> array[${f.formacode}]::text[]`);
  if (f.rncp) conditions.push(sql`p.rncp_code = ${f.rncp}`);
  if (f.teachingMode) conditions.push(sql`p.teaching_mode = ${f.teachingMode}`);
  if (f.certifying !== null) conditions.push(sql`p.certifying = ${f.certifying}`);
  if (f.entryLevel) conditions.push(sql`p.entry_level = ${f.entryLevel}`);
  if (f.funders) conditions.push(sql`p.funder_codes && ${f.funders}::text[]`);
  if (f.department) conditions.push(sql`p.department_code = ${f.department}`);
  // The session dates a result may offer: starting today or later, within the period asked.
  const dateConditions: RawBuilder<unknown>[] = [sql`d >= ${floor}::date`];
  if (f.startTo) dateConditions.push(sql`d <= ${f.startTo}::date`);
  const dates = f.openPlaces ? sql`p.open_starts` : sql`p.starts`;
  const rank = tsquery ? sql`ts_rank_cd(p.search_vector, ${tsquery})` : sql`0`;
  const distance = origin ? sql`earth_distance(${origin}, p.earth) / 1000` : sql`null::float8`;
  // Fixed column lists (no user input), for the page and again for the rows built from it.
  // Ties end on what the feed says (source, formation and action numbers, in byte order),
  // not on ids: the same catalogue imported on PGlite and on PostgreSQL (whose ids differ, and
  // whose text order follows its locale) gives the same pages and the same exports.
  const tieBreak = [
    'source_key collate "C"',
    'training_key collate "C"',
    'action_key collate "C"',
    'action_id',
  ];
  const orderColumns =
    f.sort === 'distance' && origin
      ? ['distance_km', 'next_start', ...tieBreak]
      : f.sort === 'start' || !tsquery
        ? ['next_start', 'rank desc', ...tieBreak]
        : ['rank desc', 'next_start', ...tieBreak];
  const order = (alias: string) => sql.raw(orderColumns.map((c) => `${alias}.${c}`).join(', '));
  const within = sql.join(dateConditions, sql` and `);

  return sql<{ total: number; items: SearchRow[] | null; facets: Facets }>`${PLANNED_PER_CALL}
    with matched as materialized (
      select p.action_id, p.training_id, p.source_key, p.training_key, p.action_key, ${rank} as rank,
        ${distance} as distance_km,
        ns.next_start, ns.sessions, p.teaching_mode, p.certifying, p.entry_level, p.funder_codes, p.department_code
      from catalogue_search p
      cross join lateral (
        select min(d) as next_start, count(*)::int as sessions from unnest(${dates}) d where ${within}
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
          ns.end_date as "nextEnd", ns.recruitment_state as "nextState", ns.open as "nextOpen",
          (select min(d) from unnest(sp.open_starts) d where ${within}) as "nextOpenStart",
          ns.places_remaining as "placesRemaining",
          p.sessions, a.teaching_mode as "teachingMode", t.certifying, t.entry_level as "entryLevel",
          a.funder_codes as funders, a.hours_centre as "hoursCentre", a.hours_company as "hoursCompany",
          p.rank::float8 as rank
        from page p
        join catalogue_search sp on sp.action_id = p.action_id
        join training_action a on a.id = p.action_id
        join training t on t.id = p.training_id
        join training_provider pr on pr.id = t.provider_id
        left join commune c on c.code = a.commune_code
        cross join lateral (
          -- The session the date belongs to; of two starting that day, the recruiting one.
          select s.end_date, s.recruitment_state, s.places_remaining, ${OPEN_SESSION} as open
          from training_session s
          where s.action_id = p.action_id and s.status = 'active' and s.start_date = p.next_start
            ${f.openPlaces ? sql`and ${OPEN_SESSION}` : sql``}
          order by (${OPEN_SESSION}) desc, s.lheo_number limit 1
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

/**
 * Which part of the projection to rewrite: formations or actions just changed (an organisation's
 * edit), everything an import's transaction wrote or withdrew, or all of it.
 */
export type ProjectionScope =
  | { trainingIds: string[] }
  | { actionIds: string[] }
  | { importId: string }
  | 'all';

/**
 * Rewrites the search projection's rows of `scope` from the catalogue: one row per active action of
 * an active formation that has at least one active session, with its formation's text vector, its
 * point, the sorted start dates of its sessions and of those recruiting (OPEN_SESSION), and the
 * filters' columns. Run by every write of the offer inside the write's own transaction, so a
 * search never sees the catalogue and its projection disagree.
 */
export async function refreshSearchProjection(db: Db, scope: ProjectionScope): Promise<void> {
  let trainings: RawBuilder<unknown> | null;
  if (scope === 'all') trainings = null;
  else if ('trainingIds' in scope) {
    if (!scope.trainingIds.length) return;
    trainings = sql`select unnest(${scope.trainingIds}::uuid[])`;
  } else if ('actionIds' in scope) {
    if (!scope.actionIds.length) return;
    trainings = sql`select training_id from training_action where id = any(${scope.actionIds}::uuid[])`;
  }
  // What the import's transaction wrote: formations it created or rewrote (their updated_at is
  // the transaction's start, now()), and the formations and actions a full feed withdrew
  // (withdrawn_at = now()). Formations it found unchanged keep their rows as they are.
  else
    trainings = sql`
      select id from training where last_import_id = ${scope.importId}::uuid and updated_at = now()
      union select id from training where withdrawn_at = now()
      union select training_id from training_action where withdrawn_at = now()`;
  const inScope = (column: string) => (trainings ? sql`${sql.ref(column)} in (${trainings})` : sql`true`);
  await sql`delete from catalogue_search where ${inScope('training_id')}`.execute(db);
  await sql`
    insert into catalogue_search (action_id, training_id, search_vector, earth, teaching_mode, certifying,
      entry_level, rome_codes, formacodes, rncp_code, funder_codes, department_code, starts, open_starts, last_start,
      source_key, training_key, action_key)
    select a.id, t.id, t.search_vector,
      case when a.latitude is not null and a.longitude is not null then ll_to_earth(a.latitude, a.longitude) end,
      a.teaching_mode, t.certifying, t.entry_level, t.rome_codes, t.formacodes, t.rncp_code, a.funder_codes,
      a.department_code, ss.starts, ss.open_starts, ss.last_start, t.source, t.lheo_number, a.lheo_number
    from training_action a
    join training t on t.id = a.training_id
    join lateral (
      select array_agg(s.start_date order by s.start_date) as starts,
        coalesce(array_agg(s.start_date order by s.start_date) filter (where ${OPEN_SESSION}), '{}') as open_starts,
        max(s.start_date) as last_start
      from training_session s where s.action_id = a.id and s.status = 'active'
    ) ss on ss.starts is not null
    where a.status = 'active' and t.status = 'active' and ${inScope('t.id')}`.execute(db);
}
