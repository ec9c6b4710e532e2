import type { Kysely } from 'kysely';
import { runScript } from '../script.js';

/**
 * An import now runs in one transaction: there is no checkpoint to resume from, so the index that
 * found a resumable run goes. Withdrawing the sessions a re-imported action no longer lists looked
 * them up by action through the partial start-date index (action second in it): a scan of every
 * active session per batch, quadratic over a large feed (193 s for 200,000 sessions). A partial
 * index led by the action makes it a probe.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop index if exists lheo_import_resume;
    create index training_session_active_action on training_session (action_id) where status = 'active';
    `,
  );
}
