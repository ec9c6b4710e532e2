import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { FtLookups, FtOffer } from './ft-record.js';
import { normaliseLabel } from './ft-record.js';

export interface StoredIssue {
  record_index: number;
  record_id: string | null;
  field: string;
  severity: 'rejection' | 'warning';
  message: string;
}

export interface ImportCounts {
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  withdrawn: number;
}

/** The import's SQL: referentials loaded once, batched upserts by source id, withdrawals, the run and its issues. */
export function offerImportRepository(db: Db) {
  return {
    async lookups(): Promise<FtLookups> {
      const [trades, appellations, skills, communes] = await Promise.all([
        db.selectFrom('rome_trade').select('code').execute(),
        db.selectFrom('rome_appellation').select(['code', 'label', 'rome_code']).execute(),
        db.selectFrom('rome_skill').select('code').execute(),
        db.selectFrom('commune').select('code').execute(),
      ]);
      return {
        trades: new Set(trades.map((r) => r.code)),
        appellations: new Map(appellations.map((a) => [`${a.rome_code}|${normaliseLabel(a.label)}`, a.code])),
        skills: new Set(skills.map((r) => r.code)),
        communes: new Set(communes.map((r) => r.code)),
      };
    },

    async start(run: {
      source: string;
      fileName: string;
      full: boolean;
      actorLabel: string;
    }): Promise<string> {
      const row = await db
        .insertInto('job_offer_import')
        .values({
          source: run.source,
          file_name: run.fileName,
          full_feed: run.full,
          actor_label: run.actorLabel,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async finish(tx: Db, id: string, counts: ImportCounts, error: string | null) {
      await tx
        .updateTable('job_offer_import')
        .set({ ...counts, error, status: error ? 'failed' : 'done', finished_at: new Date() })
        .where('id', '=', id)
        .execute();
    },

    async addIssues(importId: string, issues: StoredIssue[]) {
      if (!issues.length) return;
      await db
        .insertInto('job_offer_import_issue')
        .values(issues.map((i) => ({ ...i, import_id: importId })))
        .execute();
    },

    /**
     * Writes one batch: new offers inserted, changed or withdrawn ones updated (and published again),
     * unchanged ones left; a transition line for every change of state. Returns the counts.
     */
    async upsertBatch(source: string, actorLabel: string, offers: (FtOffer & { content_hash: string })[]) {
      markAudited('job_offers', 'write');
      return db.transaction().execute(async (tx) => {
        const existing = new Map(
          (
            await tx
              .selectFrom('job_offer')
              .select(['id', 'source_id', 'content_hash', 'state'])
              .where('source', '=', source)
              .where(
                'source_id',
                'in',
                offers.map((o) => o.source_id),
              )
              .execute()
          ).map((r) => [r.source_id!, r]),
        );
        const fresh = offers.filter((o) => !existing.has(o.source_id));
        const transitions: {
          offer_id: string;
          from_state: string | null;
          to_state: string;
          actor_label: string;
          reason: string | null;
        }[] = [];
        let updated = 0;
        let unchanged = 0;
        if (fresh.length) {
          const ids = await tx
            .insertInto('job_offer')
            .values(fresh.map((o) => ({ ...o, source, state: 'published' as const })))
            .returning('id')
            .execute();
          for (const { id } of ids)
            transitions.push({
              offer_id: id,
              from_state: null,
              to_state: 'published',
              actor_label: actorLabel,
              reason: 'Import',
            });
        }
        for (const o of offers) {
          const old = existing.get(o.source_id);
          if (!old) continue;
          if (old.content_hash === o.content_hash && old.state === 'published') {
            unchanged++;
            continue;
          }
          await tx
            .updateTable('job_offer')
            .set({ ...o, state: 'published', version: sql`version + 1`, updated_at: new Date() })
            .where('id', '=', old.id)
            .execute();
          updated++;
          if (old.state !== 'published')
            transitions.push({
              offer_id: old.id,
              from_state: old.state,
              to_state: 'published',
              actor_label: actorLabel,
              reason: 'De nouveau présente dans le flux',
            });
        }
        if (transitions.length) await tx.insertInto('job_offer_transition').values(transitions).execute();
        return { created: fresh.length, updated, unchanged };
      });
    },

    /** How many published offers of the source a full feed without `seen` would withdraw. */
    async wouldWithdraw(source: string, seen: string[]): Promise<number> {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from job_offer
        where source = ${source} and state = 'published' and not (source_id = any(${seen}::text[]))`.execute(
        db,
      );
      return Number(rows[0]!.n);
    },

    /** Closes the source's published offers absent from the full feed, each transition logged. */
    async withdraw(tx: Db, source: string, seen: string[], actorLabel: string): Promise<number> {
      markAudited('job_offers', 'write');
      const { rows } = await sql<{ id: string }>`
        update job_offer set state = 'closed', version = version + 1, updated_at = now()
        where source = ${source} and state = 'published' and not (source_id = any(${seen}::text[]))
        returning id`.execute(tx);
      if (rows.length)
        for (let i = 0; i < rows.length; i += 1000)
          await tx
            .insertInto('job_offer_transition')
            .values(
              rows.slice(i, i + 1000).map((r) => ({
                offer_id: r.id,
                from_state: 'published',
                to_state: 'closed',
                actor_label: actorLabel,
                reason: 'Absente du flux complet de sa source',
              })),
            )
            .execute();
      return rows.length;
    },

    async recordEvent(tx: Db, type: string, payload: Record<string, unknown>) {
      await tx
        .insertInto('domain_event')
        .values({ type, actor_user_id: null, payload: JSON.stringify(payload) })
        .execute();
    },

    async issues(importId: string) {
      return db
        .selectFrom('job_offer_import_issue')
        .select(['record_index', 'record_id', 'field', 'severity', 'message'])
        .where('import_id', '=', importId)
        .orderBy('id')
        .execute();
    },
  };
}
