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

/** The columns an import writes: FtOffer's and the content hash (checked complete below). */
const OFFER_COLUMNS = [
  'source_id',
  'appellation_code',
  'rome_code',
  'title',
  'description',
  'commune_code',
  'place_label',
  'contract_type',
  'duration_months',
  'working_time',
  'weekly_hours',
  'salary_min_cents',
  'salary_max_cents',
  'salary_label',
  'positions',
  'required_skills',
  'wished_skills',
  'driving_licences',
  'experience',
  'accessible_disability',
  'employer_name',
  'employer_siret',
  'origin_url',
  'published_at',
  'source_updated_at',
  'content_hash',
] as const;
// A field added to FtOffer and not to OFFER_COLUMNS would be silently dropped: a type error instead.
const _allColumns: Exclude<keyof FtOffer, (typeof OFFER_COLUMNS)[number]> extends never ? true : never = true;
void _allColumns;

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
     * Records the ids a batch read (unique within it) and returns those not read before in this
     * import: an id not returned is a duplicate of an earlier batch's record.
     */
    async markSeen(importId: string, ids: string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const { rows } = await sql<{ source_id: string }>`
        insert into job_offer_import_seen (import_id, source_id)
        select ${importId}::uuid, unnest(${ids}::text[])
        on conflict do nothing
        returning source_id`.execute(db);
      return new Set(rows.map((r) => r.source_id));
    },

    /** The ids of imports no longer running (finished, or a crash's): their rows are of no use. */
    async forgetFinishedSeen() {
      await sql`
        delete from job_offer_import_seen s
        where not exists (select 1 from job_offer_import i where i.id = s.import_id and i.status = 'running')`.execute(
        db,
      );
    },

    async forgetSeen(tx: Db, importId: string) {
      await tx.deleteFrom('job_offer_import_seen').where('import_id', '=', importId).execute();
    },

    /**
     * Writes one batch in one statement: new offers inserted, changed or withdrawn ones updated (and
     * published again), unchanged ones left; a transition line for every change of state. The
     * offers travel as one JSON array (`rows`: FtOffer and content_hash per element, as JSON text)
     * read by jsonb_populate_recordset into job_offer's own column types: one round trip and one
     * parameter per batch instead of a select, an insert and an update per changed offer.
     */
    async upsertBatch(source: string, actorLabel: string, rows: string) {
      markAudited('job_offers', 'write');
      const cols = sql.join(OFFER_COLUMNS.map((c) => sql.ref(c)));
      const { rows: result } = await sql<{ created: number; updated: number; total: number }>`
        with v as (select * from jsonb_populate_recordset(null::job_offer, ${rows}::jsonb)),
        old as (
          select j.id, j.source_id, j.state from job_offer j
          where j.source = ${source} and j.source_id in (select v.source_id from v)
        ),
        up as (
          insert into job_offer (${cols}, source, state)
          select ${sql.join(OFFER_COLUMNS.map((c) => sql.ref(`v.${c}`)))}, ${source}, 'published' from v
          on conflict (source, source_id) where source is not null do update
          set ${sql.join(
            OFFER_COLUMNS.filter((c) => c !== 'source_id').map(
              (c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`,
            ),
          )}, state = 'published', version = job_offer.version + 1, updated_at = now()
          where job_offer.content_hash is distinct from excluded.content_hash or job_offer.state <> 'published'
          returning id, source_id
        ),
        transitions as (
          insert into job_offer_transition (offer_id, from_state, to_state, actor_label, reason)
          select up.id, old.state, 'published', ${actorLabel},
            case when old.id is null then 'Import' else 'De nouveau présente dans le flux' end
          from up left join old on old.source_id = up.source_id
          where old.id is null or old.state <> 'published'
        )
        select count(*) filter (where old.id is null)::int as created,
          count(*) filter (where old.id is not null)::int as updated,
          (select count(*)::int from v) as total
        from up left join old on old.source_id = up.source_id`.execute(db);
      const r = result[0]!;
      return { created: r.created, updated: r.updated, unchanged: r.total - r.created - r.updated };
    },

    /** How many published offers of the source a full feed would withdraw (not read by the import). */
    async wouldWithdraw(source: string, importId: string): Promise<number> {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from job_offer j
        where j.source = ${source} and j.state = 'published' and not exists (
          select 1 from job_offer_import_seen s where s.import_id = ${importId}::uuid and s.source_id = j.source_id)`.execute(
        db,
      );
      return Number(rows[0]!.n);
    },

    /** Closes the source's published offers absent from the full feed, each transition logged. */
    async withdraw(tx: Db, source: string, importId: string, actorLabel: string): Promise<number> {
      markAudited('job_offers', 'write');
      const { rows } = await sql<{ n: number }>`
        with closed as (
          update job_offer j set state = 'closed', version = j.version + 1, updated_at = now()
          where j.source = ${source} and j.state = 'published' and not exists (
            select 1 from job_offer_import_seen s where s.import_id = ${importId}::uuid and s.source_id = j.source_id)
          returning j.id
        ),
        logged as (
          insert into job_offer_transition (offer_id, from_state, to_state, actor_label, reason)
          select id, 'published', 'closed', ${actorLabel}, 'Absente du flux complet de sa source' from closed
        )
        select count(*)::int as n from closed`.execute(tx);
      return Number(rows[0]!.n);
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
