import { type Insertable, type Kysely, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { likeEscape } from '../../shared/text.js';

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
  trades: Insertable<Database['rome_trade']>[];
  appellations: Insertable<Database['rome_appellation']>[];
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

const wordPrefix = (token: string) => `(^| )${token}`;

export function referentialsRepository(db: Db) {
  return {
    /** Upserts every referential in one transaction: a failed refresh leaves the previous data whole. */
    async upsertAll(data: ReferentialRows, onRows: (n: number) => void): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await upsertBatches(tx, 'region', data.regions, 'code', onRows);
        await upsertBatches(tx, 'department', data.departments, 'code', onRows);
        await upsertBatches(tx, 'epci', data.epcis, 'code', onRows);
        await upsertBatches(tx, 'commune', data.communes, 'code', onRows);
        await upsertBatches(tx, 'rome_trade', data.trades, 'code', onRows);
        await upsertBatches(tx, 'rome_appellation', data.appellations, 'code', onRows);
        const counts = {
          communes: data.communes.length,
          rome_trades: data.trades.length,
          rome_appellations: data.appellations.length,
        };
        for (const [name, rowCount] of Object.entries(counts)) {
          const values = { source: data.source, row_count: rowCount, loaded_at: new Date() };
          await tx
            .insertInto('referential_load')
            .values({ name, ...values })
            .onConflict((oc) => oc.column('name').doUpdateSet(values))
            .execute();
        }
      });
    },

    async loadedCounts(): Promise<Record<string, number>> {
      const rows = await db.selectFrom('referential_load').select(['name', 'row_count']).execute();
      return Object.fromEntries(rows.map((r) => [r.name, r.row_count]));
    },

    /**
     * Ranking: exact label, label starting with the query, every word as a word prefix,
     * every word anywhere, then trigram-similar labels (typos); shorter labels first on ties.
     */
    async searchAppellations(tokens: string[], limit: number): Promise<AppellationHit[]> {
      const full = tokens.join(' ');
      const likes = tokens.map((t) => sql`a.search_text like ${`%${likeEscape(t)}%`}`);
      const prefixes = tokens.map((t) => sql`a.search_text ~ ${wordPrefix(t)}`);
      const { rows } = await sql<AppellationHit>`
        select a.code, a.label, a.rome_code as "romeCode", t.label as "romeLabel"
        from (
          select a.code from rome_appellation a where ${sql.join(likes, sql` and `)}
          union
          select a.code from rome_appellation a where ${full} <% a.search_text
        ) candidate
        join rome_appellation a on a.code = candidate.code
        join rome_trade t on t.code = a.rome_code
        order by
          case when a.search_text = ${full} then 0
               when a.search_text like ${`${likeEscape(full)}%`} then 1
               when ${sql.join(prefixes, sql` and `)} then 2
               when ${sql.join(likes, sql` and `)} then 3
               else 4 end,
          word_similarity(${full}, a.search_text) desc,
          length(a.label), a.label
        limit ${limit}
      `.execute(db);
      return rows;
    },

    async searchCommunes(tokens: string[], limit: number): Promise<CommuneHit[]> {
      const full = tokens.join(' ');
      const likes = tokens.map((t) => sql`c.search_text like ${`%${likeEscape(t)}%`}`);
      const prefixes = tokens.map((t) => sql`c.search_text ~ ${wordPrefix(t)}`);
      const { rows } = await sql<CommuneHit>`
        select ${communeColumns}
        from (
          select c.code from commune c where ${sql.join(likes, sql` and `)}
          union
          select c.code from commune c where ${full} <% c.search_text
        ) candidate
        join commune c on c.code = candidate.code
        order by
          case when c.search_text = ${full} then 0
               when c.search_text like ${`${likeEscape(full)}%`} then 1
               when ${sql.join(prefixes, sql` and `)} then 2
               when ${sql.join(likes, sql` and `)} then 3
               else 4 end,
          c.kind = 'arrondissement',
          word_similarity(${full}, c.search_text) desc,
          c.population desc nulls last, c.name
        limit ${limit}
      `.execute(db);
      return rows;
    },

    /** Postal code or INSEE code, complete or as a prefix ("33", "330", "33000", "2A004"). */
    async searchCommunesByCode(code: string, limit: number): Promise<CommuneHit[]> {
      const exact = code.length === 5;
      const where = exact
        ? sql`c.postal_codes @> array[${code}]::text[] or c.code = ${code}`
        : sql`c.code like ${`${code}%`} or exists (select 1 from unnest(c.postal_codes) p where p like ${`${code}%`})`;
      const { rows } = await sql<CommuneHit>`
        select ${communeColumns}
        from commune c
        where ${where}
        order by c.kind = 'arrondissement', c.population desc nulls last, c.name
        limit ${limit}
      `.execute(db);
      return rows;
    },

    async communeByCode(code: string): Promise<CommuneHit | undefined> {
      const { rows } =
        await sql<CommuneHit>`select ${communeColumns} from commune c where c.code = ${code}`.execute(db);
      return rows[0];
    },

    async appellationByCode(code: string): Promise<AppellationHit | undefined> {
      const { rows } = await sql<AppellationHit>`
        select a.code, a.label, a.rome_code as "romeCode", t.label as "romeLabel"
        from rome_appellation a join rome_trade t on t.code = a.rome_code where a.code = ${code}
      `.execute(db);
      return rows[0];
    },

    /** Communes whose point lies within radiusKm of the given point (earthdistance, GiST-indexed). */
    async communesWithin(latitude: number, longitude: number, radiusKm: number, limit: number) {
      const { rows } = await sql<CommuneHit & { distanceKm: number }>`
        select ${communeColumns},
          earth_distance(ll_to_earth(${latitude}, ${longitude}), ll_to_earth(c.latitude, c.longitude)) / 1000 as "distanceKm"
        from commune c
        where earth_box(ll_to_earth(${latitude}, ${longitude}), ${radiusKm * 1000}) @> ll_to_earth(c.latitude, c.longitude)
          and earth_distance(ll_to_earth(${latitude}, ${longitude}), ll_to_earth(c.latitude, c.longitude)) <= ${radiusKm * 1000}
        order by "distanceKm" limit ${limit}
      `.execute(db);
      return rows;
    },
  };
}

const communeColumns = sql`c.code, c.name, c.department_code as "departmentCode", c.postal_codes as "postalCodes",
  c.population, c.latitude, c.longitude`;

export type ReferentialsRepository = ReturnType<typeof referentialsRepository>;
