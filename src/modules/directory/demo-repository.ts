import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { OrganisationKind } from '../identity/model.js';
import type { GeneratorCommune, GeneratorOrganisation } from './generator.js';

/**
 * The demo's SQL beside the records' writes: whether the directory holds data, and what the
 * generator draws from (the region's organisations and communes).
 */
export function directoryDemoRepository(db: Db) {
  return {
    async hasDirectory(): Promise<boolean> {
      return !!(await db.selectFrom('directory_structure').select('id').limit(1).executeTakeFirst());
    },
    /** Every Passerelle organisation: each publishes its structure. By name: the same order on every machine. */
    async organisations(): Promise<GeneratorOrganisation[]> {
      const rows = await db
        .selectFrom('organisation')
        .select(['id', 'name', 'kind', 'siret', 'commune_code', 'email', 'phone'])
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind as OrganisationKind,
        siret: r.siret,
        communeCode: r.commune_code,
        email: r.email,
        phone: r.phone,
      }));
    },
    /** The region's communes of at least `minPopulation` inhabitants, with their first postal code. */
    async communes(regionCode: string, minPopulation: number): Promise<GeneratorCommune[]> {
      const rows = await db
        .selectFrom('commune')
        .select([
          'code',
          'name',
          sql<string>`postal_codes[1]`.as('postalCode'),
          'department_code',
          'epci_code',
          'latitude',
          'longitude',
          sql<number>`coalesce(population, 0)`.as('population'),
        ])
        .where('region_code', '=', regionCode)
        .where('kind', '=', 'commune')
        .where('population', '>=', minPopulation)
        .orderBy('code')
        .execute();
      return rows
        .filter((r) => r.postalCode && /^\d{5}$/.test(r.postalCode))
        .map((r) => ({
          code: r.code,
          name: r.name,
          postalCode: r.postalCode,
          departmentCode: r.department_code,
          epciCode: r.epci_code && /^\d{9}$/.test(r.epci_code) ? r.epci_code : null,
          latitude: Number(r.latitude),
          longitude: Number(r.longitude),
          population: Number(r.population),
        }));
    },
  };
}
