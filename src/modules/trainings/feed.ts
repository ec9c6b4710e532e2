import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { type FeedOptions, generateFeed } from './lheo/generate.js';
import { lheoDocument } from './lheo/writer.js';

/** Real referential rows a generated feed is built from: appellations, the region's towns, its training organisations. */
export async function feedInputs(db: Db, regionCode: string, options: { minPopulation?: number } = {}) {
  const appellations = await db
    .selectFrom('rome_appellation')
    .select(['code', 'label', 'rome_code as rome'])
    .orderBy('code')
    .execute();
  const communes = await db
    .selectFrom('commune')
    .select([
      'code',
      'name',
      sql<string>`postal_codes[1]`.as('postalCode'),
      'latitude',
      'longitude',
      sql<number>`coalesce(population, 0)`.as('population'),
    ])
    .where('region_code', '=', regionCode)
    .where('kind', '=', 'commune')
    .where('population', '>=', options.minPopulation ?? 3000)
    .where(sql<boolean>`cardinality(postal_codes) > 0`)
    .orderBy('code')
    .execute();
  const providers = await db
    .selectFrom('organisation')
    .select(['name', 'siret', 'commune_code as communeCode'])
    .where('kind', '=', 'organisme_formation')
    .where('siret', 'is not', null)
    .orderBy('name')
    .execute();
  return {
    appellations,
    communes,
    providers: providers.map((p) => ({
      name: p.name,
      siret: p.siret!.trim(),
      communeCode: p.communeCode ?? '',
    })),
  };
}

/** The generated feed as LHÉO bytes, streamed (any size, constant memory). */
export async function* feedBytes(options: FeedOptions): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let buffer = '';
  for await (const part of lheoDocument(generateFeed(options))) {
    buffer += part;
    if (buffer.length > 256 * 1024) {
      yield encoder.encode(buffer);
      buffer = '';
    }
  }
  if (buffer) yield encoder.encode(buffer);
}
