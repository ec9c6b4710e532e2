import { type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { DiService, DiStructure } from './records.js';
import { normaliseService, normaliseStructure } from './records-repository.js';

/** The filters of an export, checked by the service (export-service.ts): like the data·inclusion API's. */
export interface ExportFilter {
  source?: string;
  /** Thématique codes; any match. */
  thematiques?: string[];
  codeDepartement?: string;
  codeCommune?: string;
  /** ISO date: records updated on or after it. */
  dateMajDepuis?: string;
}

const iso = (d: unknown): string =>
  d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A row whose columns carry the schema's names (id is the producer's id) as the schema's record. */
function structureOf(r: Record<string, unknown>): DiStructure {
  return normaliseStructure({
    ...(r as unknown as DiStructure),
    id: r.source_id as string,
    date_maj: iso(r.date_maj),
    latitude: num(r.latitude),
    longitude: num(r.longitude),
  });
}
function serviceOf(r: Record<string, unknown>): DiService {
  return normaliseService({
    ...(r as unknown as DiService),
    id: r.source_id as string,
    structure_id: r.structure_source_id as string,
    date_maj: iso(r.date_maj),
    latitude: num(r.latitude),
    longitude: num(r.longitude),
    volume_horaire_hebdomadaire: num(r.volume_horaire_hebdomadaire),
    nombre_semaines: num(r.nombre_semaines),
  });
}

/**
 * The directory read in pages for the export and the API (issue 13 §3), ordered by producer and id
 * so that a partner's system pages through a stable list. One query per page, whatever its size
 * (a record read by uuid each would be a thousand round trips for a page of the API).
 */
export function exportRepository(db: Db) {
  return {
    async structures(
      f: ExportFilter,
      page: { offset: number; limit: number },
    ): Promise<{ items: DiStructure[]; total: number }> {
      // biome-ignore lint/suspicious/noExplicitAny: one filter for the count and the page
      const where = <Q extends SelectQueryBuilder<Database, 'directory_structure', any>>(q: Q): Q => {
        let r = q;
        if (f.source) r = r.where('directory_structure.source', '=', f.source) as Q;
        if (f.codeCommune) r = r.where('directory_structure.code_insee', '=', f.codeCommune) as Q;
        if (f.codeDepartement)
          r = r.where(
            sql<boolean>`directory_structure.code_insee in (select code from commune where department_code = ${f.codeDepartement})`,
          ) as Q;
        if (f.dateMajDepuis) r = r.where('directory_structure.date_maj', '>=', f.dateMajDepuis) as Q;
        if (f.thematiques?.length)
          r = r.where(
            sql<boolean>`exists (select 1 from directory_service v where v.structure_id = directory_structure.id
              and v.thematiques && ${sql.val(f.thematiques)}::text[])`,
          ) as Q;
        return r;
      };
      const [count, rows] = await Promise.all([
        where(db.selectFrom('directory_structure'))
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
        where(db.selectFrom('directory_structure'))
          .selectAll()
          .orderBy('source')
          .orderBy('source_id')
          .offset(page.offset)
          .limit(page.limit)
          .execute(),
      ]);
      return {
        total: Number(count.n),
        items: rows.map((r) => structureOf(r as unknown as Record<string, unknown>)),
      };
    },

    async services(
      f: ExportFilter,
      page: { offset: number; limit: number },
    ): Promise<{ items: DiService[]; total: number }> {
      const base = () => {
        let q = db
          .selectFrom('directory_service as v')
          .innerJoin('directory_structure as s', 's.id', 'v.structure_id');
        if (f.source) q = q.where('v.source', '=', f.source);
        // The commune a service is held in: its own, else its structure's (as its searched place).
        if (f.codeCommune) q = q.where(sql<boolean>`coalesce(v.code_insee, s.code_insee) = ${f.codeCommune}`);
        if (f.codeDepartement) q = q.where('v.place_department', '=', f.codeDepartement);
        if (f.dateMajDepuis) q = q.where('v.date_maj', '>=', f.dateMajDepuis);
        if (f.thematiques?.length)
          q = q.where(sql<boolean>`v.thematiques && ${sql.val(f.thematiques)}::text[]`);
        return q;
      };
      const [count, rows] = await Promise.all([
        base()
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
        base()
          .selectAll('v')
          .select('s.source_id as structure_source_id')
          .orderBy('v.source')
          .orderBy('v.source_id')
          .offset(page.offset)
          .limit(page.limit)
          .execute(),
      ]);
      return {
        total: Number(count.n),
        items: rows.map((r) => serviceOf(r as unknown as Record<string, unknown>)),
      };
    },
  };
}
