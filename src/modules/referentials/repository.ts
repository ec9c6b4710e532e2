import { type Insertable, type Kysely, type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { likeEscape } from '../../shared/text.js';
import { upsertRome4 } from './rome4-repository.js';
import { ROME4_SOURCE, type Rome4Rows } from './rome4-sources.js';

export interface AppellationHit {
  code: string;
  label: string;
  romeCode: string;
  romeLabel: string;
}
export interface CommuneHit {
  code: string;
  name: string;
  departmentCode: string;
  postalCodes: string[];
  population: number | null;
  latitude: number;
  longitude: number;
}

type Tx = Kysely<Database>;

export interface ReferentialRows {
  source: string;
  regions: Insertable<Database['region']>[];
  departments: Insertable<Database['department']>[];
  epcis: Insertable<Database['epci']>[];
  communes: Insertable<Database['commune']>[];
  communeHistory: Insertable<Database['commune_history']>[];
  trades: Insertable<Database['rome_trade']>[];
  appellations: Insertable<Database['rome_appellation']>[];
  employmentZones: Insertable<Database['employment_zone']>[];
  communeEmploymentZones: Insertable<Database['commune_employment_zone']>[];
  rome4: Rome4Rows;
}

async function upsertBatches<T extends keyof Database & string>(
  db: Tx,
  table: T,
  rows: Insertable<Database[T]>[],
  key: string,
  onBatch?: (n: number) => void,
  batchSize = 1000,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object).filter((c) => c !== key);
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    await db
      .insertInto(table)
      .values(batch as never)
      .onConflict((oc) =>
        oc
          .column(key as never)
          .doUpdateSet(Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)])) as never),
      )
      .execute();
    onBatch?.(batch.length);
  }
}

const communeColumns = sql`e.code, e.name, e.department_code as "departmentCode", e.postal_codes as "postalCodes",
  e.population, e.latitude, e.longitude`;

export interface PrefixIndex<T> {
  entity: 'rome_appellation' | 'commune';
  prefixes: 'rome_appellation_prefix' | 'commune_prefix';
  words: 'rome_appellation_word' | 'commune_word';
  /** Columns of the hit, the entity aliased "e". */
  columns: RawBuilder<unknown>;
  joins: RawBuilder<unknown>;
  /** Phantom field carrying the hit type. */
  hit?: T;
}
export const APPELLATION_INDEX: PrefixIndex<AppellationHit> = {
  entity: 'rome_appellation',
  prefixes: 'rome_appellation_prefix',
  words: 'rome_appellation_word',
  columns: sql`e.code, e.label, e.rome_code as "romeCode", t.label as "romeLabel"`,
  joins: sql`join rome_trade t on t.code = e.rome_code`,
};
export const COMMUNE_INDEX: PrefixIndex<CommuneHit> = {
  entity: 'commune',
  prefixes: 'commune_prefix',
  words: 'commune_word',
  columns: communeColumns,
  joins: sql``,
};

/**
 * Rebuilds the edge n-gram and word tables from the referential rows (inside the load transaction).
 * sort_key: label length for appellations (short, generic titles first); minus population for
 * communes (big towns first), municipal arrondissements after every commune.
 */
async function rebuildPrefixIndexes(tx: Tx) {
  const words = (entity: string) =>
    sql.raw(`
    from ${entity} e
    cross join lateral unnest(string_to_array(e.search_text, ' ')) with ordinality as w(word, pos)
    cross join lateral generate_series(1, length(w.word)) n`);
  await sql`delete from rome_appellation_prefix`.execute(tx);
  await sql`
    insert into rome_appellation_prefix (prefix, ref, first_word, sort_key)
    select left(w.word, n), e.code, bool_or(w.pos = 1), min(length(e.label)) ${words('rome_appellation')}
    group by 1, 2`.execute(tx);
  await sql`delete from commune_prefix`.execute(tx);
  await sql`
    insert into commune_prefix (prefix, ref, first_word, sort_key)
    select left(w.word, n), e.code, bool_or(w.pos = 1),
      min(case when e.kind = 'arrondissement' then 0 else -coalesce(e.population, 0) end) ${words('commune')}
    group by 1, 2`.execute(tx);
  for (const [table, entity] of [
    ['rome_appellation_word', 'rome_appellation'],
    ['commune_word', 'commune'],
  ] as const) {
    await sql`delete from ${sql.table(table)}`.execute(tx);
    await sql`
      insert into ${sql.table(table)} (word)
      select distinct w from ${sql.table(entity)}, unnest(string_to_array(search_text, ' ')) w where w <> ''`.execute(
      tx,
    );
  }
}

export function referentialsRepository(db: Db) {
  return {
    /** Upserts every referential in one transaction: a failed refresh leaves the previous data whole. */
    async upsertAll(
      data: ReferentialRows,
      onRows: (n: number) => void,
      onIndexing?: () => void,
    ): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await upsertBatches(tx, 'region', data.regions, 'code', onRows);
        await upsertBatches(tx, 'department', data.departments, 'code', onRows);
        await upsertBatches(tx, 'epci', data.epcis, 'code', onRows);
        await upsertBatches(tx, 'commune', data.communes, 'code', onRows);
        await upsertBatches(tx, 'commune_history', data.communeHistory, 'code', onRows);
        await upsertBatches(tx, 'rome_trade', data.trades, 'code', onRows);
        // ROME 4.0 between the trades its métiers point at and the appellations that point at them.
        await upsertRome4(tx, data.rome4, onRows);
        await upsertBatches(tx, 'rome_appellation', data.appellations, 'code', onRows);
        await upsertBatches(tx, 'employment_zone', data.employmentZones, 'code', onRows);
        // Replaced, not upserted: a commune whose zone is no longer known must lose its old one.
        await tx.deleteFrom('commune_employment_zone').execute();
        await upsertBatches(
          tx,
          'commune_employment_zone',
          data.communeEmploymentZones,
          'commune_code',
          onRows,
        );
        onIndexing?.();
        await rebuildPrefixIndexes(tx);
        const counts = {
          communes: data.communes.length,
          commune_history: data.communeHistory.length,
          rome_trades: data.trades.length,
          rome_appellations: data.appellations.length,
          employment_zones: data.employmentZones.length,
        };
        const rome4Counts = {
          rome4_metiers: data.rome4.metiers.length,
          rome4_skills: data.rome4.skills.length,
          rome4_metier_skills: data.rome4.metierSkills.length,
          rome4_mobility: data.rome4.mobility.length,
          rome4_work_contexts: data.rome4.workContexts.length,
        };
        const loads = [
          ...Object.entries(counts).map(([name, rowCount]) => ({
            name,
            rowCount,
            source: data.source,
            version: null,
          })),
          ...Object.entries(rome4Counts).map(([name, rowCount]) => ({
            name,
            rowCount,
            source: ROME4_SOURCE,
            version: data.rome4.version,
          })),
        ];
        for (const { name, rowCount, source, version } of loads) {
          const values = { source, row_count: rowCount, version, loaded_at: new Date() };
          await tx
            .insertInto('referential_load')
            .values({ name, ...values })
            .onConflict((oc) => oc.column('name').doUpdateSet(values))
            .execute();
        }
      });
    },

    /** Every referential loaded: its rows, source, version and when. */
    async loads() {
      return db
        .selectFrom('referential_load')
        .select(['name', 'source', 'row_count as rowCount', 'version', 'loaded_at as loadedAt'])
        .orderBy('name')
        .execute();
    },

    async loadedCounts(): Promise<Record<string, number>> {
      const rows = await db.selectFrom('referential_load').select(['name', 'row_count']).execute();
      return Object.fromEntries(rows.map((r) => [r.name, r.row_count]));
    },

    /**
     * Autocomplete through the edge n-gram tables (migration 0004), in one round trip. One token:
     * the prefix's rows in index order (labels starting with it first, then by sort key). Several
     * tokens: rows of the longest token that also hold a prefix of every other token, labels
     * starting with the whole query first.
     */
    async prefixSearch<T>(index: PrefixIndex<T>, tokens: string[], limit: number): Promise<T[]> {
      const [driver, ...rest] = [...tokens].sort((a, b) => b.length - a.length);
      const prefixes = sql.table(index.prefixes);
      const others = rest.map(
        (token) => sql`and exists (select 1 from ${prefixes} q where q.ref = p.ref and q.prefix = ${token})`,
      );
      const wholeQueryFirst = rest.length
        ? sql`(e.search_text like ${`${likeEscape(tokens.join(' '))}%`}) desc,`
        : sql``;
      const { rows } = await sql<T>`
        select ${index.columns}
        from ${prefixes} p join ${sql.table(index.entity)} e on e.code = p.ref ${index.joins}
        where p.prefix = ${driver} ${sql.join(others, sql` `)}
        order by ${wholeQueryFirst} p.first_word desc, p.sort_key, p.ref
        limit ${limit}`.execute(db);
      return rows;
    },

    /** Replaces each token that starts no known word by the most similar word (pg_trgm), or null if none changed. */
    async correctTypos(index: PrefixIndex<unknown>, tokens: string[]): Promise<string[] | null> {
      let changed = false;
      const corrected: string[] = [];
      for (const token of tokens) {
        const known =
          token.length < 4 ||
          (await sql`select 1 from ${sql.table(index.prefixes)} where prefix = ${token} limit 1`.execute(db))
            .rows.length > 0;
        if (known) {
          corrected.push(token);
          continue;
        }
        const { rows } = await sql<{ word: string }>`
          select word from ${sql.table(index.words)} where word % ${token}
          order by similarity(word, ${token}) desc, word limit 1`.execute(db);
        changed ||= rows.length > 0;
        corrected.push(rows[0]?.word ?? token);
      }
      return changed ? corrected : null;
    },

    /** Postal code or INSEE code, complete or as a prefix ("33", "330", "33000", "2A004"). */
    async searchCommunesByCode(code: string, limit: number): Promise<CommuneHit[]> {
      const exact = code.length === 5;
      const where = exact
        ? sql`e.postal_codes @> array[${code}]::text[] or e.code = ${code}`
        : sql`e.code like ${`${code}%`} or exists (select 1 from unnest(e.postal_codes) p where p like ${`${code}%`})`;
      const { rows } = await sql<CommuneHit>`
        select ${communeColumns}
        from commune e
        where ${where}
        order by e.kind = 'arrondissement', e.population desc nulls last, e.name
        limit ${limit}
      `.execute(db);
      return rows;
    },

    async communeByCode(code: string): Promise<CommuneHit | undefined> {
      const { rows } =
        await sql<CommuneHit>`select ${communeColumns} from commune e where e.code = ${code}`.execute(db);
      return rows[0];
    },

    async appellationByCode(code: string): Promise<AppellationHit | undefined> {
      const { rows } = await sql<AppellationHit>`
        select a.code, a.label, a.rome_code as "romeCode", t.label as "romeLabel"
        from rome_appellation a join rome_trade t on t.code = a.rome_code where a.code = ${code}
      `.execute(db);
      return rows[0];
    },

    /**
     * A region's most populated communes, biggest first (code to break ties): where demo people
     * live and demo offers are, as population and jobs go together.
     */
    async largestCommunes(regionCode: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('commune')
        .select('code')
        .where('region_code', '=', regionCode)
        .where('kind', '=', 'commune')
        .orderBy(sql`population desc nulls last`)
        .orderBy('code')
        .limit(limit)
        .execute();
      return rows.map((r) => r.code);
    },

    /** Communes whose point lies within radiusKm of the given point (earthdistance, GiST-indexed). */
    async communesWithin(latitude: number, longitude: number, radiusKm: number, limit: number) {
      const { rows } = await sql<CommuneHit & { distanceKm: number }>`
        select ${communeColumns},
          earth_distance(ll_to_earth(${latitude}, ${longitude}), ll_to_earth(e.latitude, e.longitude)) / 1000 as "distanceKm"
        from commune e
        where earth_box(ll_to_earth(${latitude}, ${longitude}), ${radiusKm * 1000}) @> ll_to_earth(e.latitude, e.longitude)
          and earth_distance(ll_to_earth(${latitude}, ${longitude}), ll_to_earth(e.latitude, e.longitude)) <= ${radiusKm * 1000}
        order by "distanceKm" limit ${limit}
      `.execute(db);
      return rows;
    },
  };
}

export type ReferentialsRepository = ReturnType<typeof referentialsRepository>;
