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
  nextStart: string;
  nextEnd: string;
  nextState: string;
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

const EARTH_RADIUS_FACTOR = 1000;

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

      const { rows } = await sql<{
        total: number;
        items: SearchRow[] | null;
        facets: Facets;
      }>`${PLANNED_PER_CALL}
        with matched as materialized (
          select a.id as action_id, a.training_id, t.source as source_key, t.lheo_number as training_key,
            a.lheo_number as action_key, ${rank} as rank, ${distance} as distance_km,
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
          ) as facets`.execute(db);
      const row = rows[0]!;
      return { total: row.total, items: row.items ?? [], facets: row.facets };
    },
  };
}
