import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

/** What a search or an import plan looks up in other modules' tables: a commune, an appellation, a SIRET. */
export function lookupRepository(db: Db) {
  return {
    async organisationSiret(organisationId: string): Promise<string | null> {
      const row = await db
        .selectFrom('organisation')
        .select('siret')
        .where('id', '=', organisationId)
        .executeTakeFirst();
      return row?.siret ?? null;
    },

    async communePoint(code: string) {
      return db
        .selectFrom('commune')
        .select(['code', 'name', 'latitude', 'longitude', 'department_code'])
        .where('code', '=', code)
        .executeTakeFirst();
    },

    /**
     * A commune typed by name ("Villeurbanne", "st etienne"): the most populated of that name, or
     * of that name in a department when the suggestion list gave one ("Lyon (69)").
     */
    async communeByName(searchText: string, departmentCode: string | null = null) {
      return db
        .selectFrom('commune')
        .select(['code', 'name', 'latitude', 'longitude', 'department_code'])
        .where('search_text', '=', searchText)
        .$if(departmentCode !== null, (qb) => qb.where('department_code', '=', departmentCode!))
        .orderBy(sql`population desc nulls last`)
        .limit(1)
        .executeTakeFirst();
    },

    async appellationRome(code: string) {
      return db
        .selectFrom('rome_appellation')
        .select(['rome_code', 'label'])
        .where('code', '=', code)
        .executeTakeFirst();
    },
  };
}
