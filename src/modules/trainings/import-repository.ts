import type { Db } from '../../db/database.js';
import { importRecordRepository } from './import-record-repository.js';
import { importRunRepository } from './import-run-repository.js';
import type { ImportReferentials } from './lheo/prepare.js';
import { absentCount, withdrawAbsent } from './withdrawal-repository.js';

export { emptyCounts, type ImportCounts, type ImportRun } from './import-run-repository.js';

/**
 * An import's SQL, by concern: its runs (import-run-repository.ts), the records it writes
 * (import-record-repository.ts) and the withdrawals of a full feed (withdrawal-repository.ts).
 */
export function importRepository(db: Db) {
  return {
    async referentials(): Promise<ImportReferentials> {
      const rome = await db.selectFrom('rome_trade').select('code').execute();
      const communes = await db
        .selectFrom('commune')
        .select(['code', 'name', 'department_code', 'latitude', 'longitude', 'postal_codes'])
        .execute();
      const history = await db
        .selectFrom('commune_history')
        .select(['code', 'name', 'current_code', 'kind'])
        .execute();
      const byPostalCode = new Map<string, string[]>();
      for (const c of communes)
        for (const p of c.postal_codes) byPostalCode.set(p, [...(byPostalCode.get(p) ?? []), c.code]);
      return {
        romeCodes: new Set(rome.map((r) => r.code)),
        communes: new Map(
          communes.map((c) => [
            c.code,
            { name: c.name, department: c.department_code, latitude: c.latitude, longitude: c.longitude },
          ]),
        ),
        byPostalCode,
        history: new Map(
          history.map((h) => [h.code, { currentCode: h.current_code, name: h.name, kind: h.kind }]),
        ),
      };
    },

    ...importRunRepository(db),
    ...importRecordRepository(db),
    absentCount: (source: string, runId: string) => absentCount(db, source, runId),
    withdrawAbsent: (source: string, runId: string) => withdrawAbsent(db, source, runId),
  };
}
