import { type RawBuilder, sql } from 'kysely';
import { type Db, PLANNED_PER_CALL } from '../../db/database.js';

/** What a directory search asks, checked and resolved (search-service.ts filtersFrom). */
export interface DirectorySearchFilters {
  /** The thématique codes the need words were read as: a service matches on them OR on its text. */
  needCodes: string[] | null;
  /** French stems of the query's other words, corrected against directory_word; all must match (prefix). */
  lexemes: string[];
  /** The « Thématique » filter's codes: a service must have one of them. */
  thematiqueCodes: string[] | null;
  /** Around a commune: its point, the radius, and the codes a remote service's zone may name for it. */
  around: { latitude: number; longitude: number; radiusKm: number; zones: string[] } | null;
  /** The public (not a professional) reads only the services « mobilisables par les usagers ». */
  usersOnly: boolean;
  /** A public and « tous-publics », which matches any. */
  publics: string[] | null;
  frais: 'gratuit' | 'payant' | null;
  accueil: 'en-presentiel' | 'a-distance' | null;
  type: string | null;
  limit: number;
  offset: number;
}

export interface DirectorySearchRow {
  uuid: string;
  nom: string;
  structureNom: string;
  commune: string | null;
  /** From the search's commune; null without one, and for a service found as remote. */
  distanceKm: number | null;
  /** Found as a remote service (« à distance ») covering the commune, not by distance. */
  remote: boolean;
  thematiques: string[];
  frais: string | null;
  modesAccueil: string[];
  mobilisablePar: string[];
  dateMaj: string;
  latitude: number | null;
  longitude: number | null;
}

const METRES_PER_KM = 1000;

/**
 * The index the remote branch needs: GIN on the zones of the remote services only. Without it the
 * branch is a sequential scan of every service (measured on 5,000 services: 17 of the radius-only
 * search's 19 ms; on 100,000 with it, a bitmap scan of ~600 rows in 1 ms). Migration 0022 creates
 * it; the bench's `if not exists` only matters for a database loaded before.
 */
export const REMOTE_ZONE_INDEX = `create index if not exists directory_service_remote_zone on directory_service
  using gin ((coalesce(zone_eligibilite, '{france}'::text[]))) where 'a-distance' = any(modes_accueil)`;

/**
 * The directory's search statements (issue 13 §2), on directory_service's projection: the
 * search_vector (GIN), the thématiques (GIN), the place (GiST on ll_to_earth, the index
 * directory_service_earth, whose expression the statement repeats word for word so that it is used).
 */
export function directorySearchRepository(db: Db) {
  return {
    /** Stems query words with the French dictionary and says which the directory's texts know. */
    async analyseTokens(tokens: string[]) {
      if (!tokens.length) return [];
      const { rows } = await sql<{ token: string; lexeme: string | null; known: boolean }>`
        select tok as token, lex as lexeme,
          lex is not null and exists (select 1 from directory_word w where w.word = lex) as known
        from unnest(${tokens}::text[]) with ordinality as u(tok, i)
        cross join lateral (select (select string_agg(lexeme, ' ') from unnest(to_tsvector('french', tok))) as lex) l
        order by i`.execute(db);
      return rows;
    },

    /** Directory stems close to a misspelt one, best trigram similarity first (the caller picks by edits). */
    async candidates(lexeme: string, limit = 20): Promise<string[]> {
      const { rows } = await sql<{ word: string }>`
        select word from directory_word where word % ${lexeme}
        order by similarity(word, ${lexeme}) desc, word limit ${limit}`.execute(db);
      if (rows.length) return rows.map((r) => r.word);
      const prefix = await sql<{ word: string }>`
        select word from directory_word where word like ${`${lexeme.slice(0, Math.max(4, lexeme.length - 2))}%`}
        order by length(word), word limit ${limit}`.execute(db);
      return prefix.rows.map((r) => r.word);
    },

    /** The word, as written in a few services' texts, whose French stem is `lexeme` (to show a correction). */
    async surfaceWord(lexeme: string): Promise<string | null> {
      const { rows } = await sql<{ word: string }>`
        select w as word
        from (
          select nom || ' ' || description as text from directory_service
          where search_vector @@ to_tsquery('simple', ${lexeme}) limit 20
        ) t
        cross join lateral regexp_split_to_table(lower(t.text), '[^[:alpha:]]+') w
        where length(w) >= 3
          and (select string_agg(lexeme, ' ') from unnest(to_tsvector('french', f_unaccent(w)))) = ${lexeme}
        group by w order by count(*) desc, length(w), w limit 1`.execute(db);
      return rows[0]?.word ?? null;
    },

    /** A commune of the referential with what a remote service's zone may name it by (data·inclusion zone_eligibilite). */
    async communePlace(code: string) {
      return (
        (await db
          .selectFrom('commune')
          .select(['code', 'name', 'department_code', 'epci_code', 'latitude', 'longitude'])
          .where('code', '=', code)
          .executeTakeFirst()) ?? null
      );
    },

    async search(f: DirectorySearchFilters): Promise<{
      total: number;
      items: DirectorySearchRow[];
      families: { family: string; count: number }[];
    }> {
      const { rows } = await searchStatement(f).execute(db);
      const row = rows[0]!;
      return { total: row.total, items: row.items ?? [], families: row.families ?? [] };
    },
  };
}

/** Great-circle distance in km from a point to the service's place (haversine, mean Earth radius). */
const haversineKm = (latitude: number, longitude: number) => sql`(12742 * asin(sqrt(
  power(sin(radians(v.place_latitude - ${latitude}::float8) / 2), 2)
  + cos(radians(${latitude}::float8)) * cos(radians(v.place_latitude))
    * power(sin(radians(v.place_longitude - ${longitude}::float8) / 2), 2))))`;

/**
 * The search statement: matched services (ids, rank, distance) materialised once, counted, paged,
 * and counted by thématique family; the page's display columns joined last. Exported for the
 * benchmark, which runs it under EXPLAIN.
 *
 * Around a commune the services found are the union of two branches, each able to use its own
 * index: on-site services whose place lies within the radius (earth_box on the GiST index, then
 * the exact distance), and remote services (modes_accueil « a-distance ») whose zone_eligibilite
 * names the commune, its department, its EPCI or « france », or is empty (data·inclusion: no zone
 * given means no restriction), and that the first branch did not find.
 */
export function searchStatement(f: DirectorySearchFilters) {
  const common: RawBuilder<unknown>[] = [];
  const tsquery = f.lexemes.length
    ? sql`to_tsquery('simple', ${f.lexemes.map((l) => `${l}:*`).join(' & ')})`
    : null;
  const themes = f.needCodes?.length ? sql`v.thematiques && ${f.needCodes}::text[]` : null;
  const text = tsquery ? sql`v.search_vector @@ ${tsquery}` : null;
  // A service matches when its thématiques overlap the need's OR its text matches the other words.
  if (themes && text) common.push(sql`(${themes} or ${text})`);
  else if (themes) common.push(themes);
  else if (text) common.push(text);
  if (f.thematiqueCodes) common.push(sql`v.thematiques && ${f.thematiqueCodes}::text[]`);
  if (f.usersOnly) common.push(sql`'usagers' = any(v.mobilisable_par)`);
  if (f.publics) common.push(sql`v.publics && ${f.publics}::text[]`);
  if (f.frais) common.push(sql`v.frais = ${f.frais}`);
  if (f.type) common.push(sql`v.type = ${f.type}`);
  // A service that says nothing of its reception is taken as held on site (its place is known).
  const onSite = sql`(cardinality(v.modes_accueil) = 0 or 'en-presentiel' = any(v.modes_accueil))`;
  const remoteMode = sql`'a-distance' = any(v.modes_accueil)`;
  // Relevance: a need read in the words counts 1, the text's rank adds to it (0 to ~1).
  const rank =
    themes || tsquery
      ? sql`${themes ? sql`(${themes})::int` : sql`0`} + ${tsquery ? sql`ts_rank_cd(v.search_vector, ${tsquery})` : sql`0`}`
      : sql`0`;
  const and = (list: RawBuilder<unknown>[]) => (list.length ? sql.join(list, sql` and `) : sql`true`);

  let matched: RawBuilder<unknown>;
  if (f.around) {
    const origin = sql`ll_to_earth(${f.around.latitude}, ${f.around.longitude})`;
    const place = sql`ll_to_earth(v.place_latitude, v.place_longitude)`;
    const metres = f.around.radiusKm * METRES_PER_KM;
    // The box is the index's (GiST on ll_to_earth); the exact distance is then the haversine on the
    // plain columns: earth_distance recomputed ll_to_earth for every row of the box, most of the
    // statement's time (measured on 100,000 services, 3,700 rows in the box: 48 ms of 66).
    const km = haversineKm(f.around.latitude, f.around.longitude);
    const near = sql`v.place_latitude is not null and earth_box(${origin}, ${metres}) @> ${place}
      and ${km} <= ${f.around.radiusKm} and ${onSite}`;
    // No zone is no restriction: read as « france », which `zones` always holds. Written as the
    // expression of the index migration 0022 adds (REMOTE_ZONE_INDEX), so that it is used.
    const covers = sql`coalesce(v.zone_eligibilite, '{france}'::text[]) && ${f.around.zones}::text[]`;
    const nearBranch = sql`
      select v.id, ${rank} as rank, ${km} as distance_km, false as remote,
        v.nom, v.thematiques
      from directory_service v where ${near} and ${and(common)}`;
    const remoteBranch = sql`
      select v.id, ${rank} as rank, null::float8 as distance_km, true as remote, v.nom, v.thematiques
      from directory_service v
      where ${remoteMode} and ${covers} and ${and(common)}
        and not coalesce(${near}, false)`;
    matched =
      f.accueil === 'a-distance'
        ? remoteBranch
        : f.accueil === 'en-presentiel'
          ? nearBranch
          : sql`${nearBranch} union all ${remoteBranch}`;
  } else {
    const where = [...common];
    if (f.accueil === 'a-distance') where.push(remoteMode);
    if (f.accueil === 'en-presentiel') where.push(onSite);
    matched = sql`
      select v.id, ${rank} as rank, null::float8 as distance_km,
        ${remoteMode} and not ${onSite} as remote, v.nom, v.thematiques
      from directory_service v where ${and(where)}`;
  }
  // Relevance then distance; without words, distance (remote services after, by name). Ties end on
  // the name in byte order and the id, the same on PGlite and PostgreSQL.
  const order = (alias: string) =>
    sql.raw(
      [
        ...(themes || tsquery ? [`${alias}.rank desc`] : []),
        `${alias}.distance_km nulls last`,
        `${alias}.nom collate "C"`,
        `${alias}.id`,
      ].join(', '),
    );

  return sql<{
    total: number;
    items: DirectorySearchRow[] | null;
    families: { family: string; count: number }[] | null;
  }>`${PLANNED_PER_CALL}
    with matched as materialized (${matched}),
    page as (select m.* from matched m order by ${order('m')} limit ${f.limit} offset ${f.offset})
    select
      (select count(*)::int from matched) as total,
      (select json_agg(row_to_json(x)) from (
        select p.id as uuid, v.nom, s.nom as "structureNom", coalesce(v.commune, s.commune) as commune,
          round(p.distance_km::numeric, 1)::float8 as "distanceKm", p.remote, v.thematiques, v.frais,
          v.modes_accueil as "modesAccueil", v.mobilisable_par as "mobilisablePar",
          to_char(v.date_maj, 'YYYY-MM-DD') as "dateMaj",
          v.place_latitude as latitude, v.place_longitude as longitude
        from page p
        join directory_service v on v.id = p.id
        join directory_structure s on s.id = v.structure_id
        order by ${order('p')}
      ) x) as items,
      (select json_agg(json_build_object('family', family, 'count', n) order by n desc, family collate "C") from (
        select split_part(t, '--', 1) as family, count(distinct m.id)::int as n
        from matched m cross join lateral unnest(m.thematiques) t group by 1
      ) f) as families`;
}
