import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';

/** Active formations of a source that this run did not bring: what its full feed would withdraw. */
export async function absentCount(db: Db, source: string, runId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from training
    where source = ${source} and status = 'active' and last_import_id is distinct from ${runId}`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Withdraws what a full feed's run did not bring (formations, actions, sessions); returns the formations withdrawn. */
export async function withdrawAbsent(db: Db, source: string, runId: string): Promise<number> {
  markAudited('training_offer', 'write', { importId: runId, withdrawal: true });
  const withdrawn = await sql<{ n: number }>`
    with w as (
      update training set status = 'withdrawn', withdrawn_at = now()
      where source = ${source} and status = 'active' and last_import_id is distinct from ${runId}
      returning id
    ) select count(*)::int as n from w`.execute(db);
  await sql`
    update training_action a set status = 'withdrawn', withdrawn_at = now()
    from training t
    where a.training_id = t.id and t.source = ${source} and a.status = 'active'
      and (t.status = 'withdrawn' or a.last_import_id is distinct from ${runId})`.execute(db);
  await sql`
    update training_session s set status = 'withdrawn', withdrawn_at = now()
    from training_action a join training t on t.id = a.training_id
    where s.action_id = a.id and t.source = ${source} and s.status = 'active'
      and (a.status = 'withdrawn' or s.last_import_id is distinct from ${runId})`.execute(db);
  return withdrawn.rows[0]?.n ?? 0;
}
