import { sql } from 'kysely';
import { type Db, PLANNED_PER_CALL } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { LheoFormation, Rejection, Warning } from './lheo/model.js';
import type { ImportReferentials, PreparedFormation } from './lheo/prepare.js';
import { actionLheo, formationLheo, providerLheo, sessionLheo } from './lheo/stored.js';
import type { FeedSource } from './rights.js';

export interface ImportRun {
  id: string;
  source: string;
  mode: 'full' | 'partial';
  counts: ImportCounts;
  rejectedCount: number;
  warningCount: number;
  /** Organisations already written by this import: SIRET → id. */
  providerIds: Map<string, string>;
}

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  actions: number;
  sessions: number;
  withdrawn: number;
  /** Formations exported from another source, refused (importer.ts, exportedSource). */
  otherSource: number;
  /** A full feed's withdrawal waiting for confirmation: how many formations it would withdraw. */
  withdrawalHeld?: number;
  /** The same, declined by whoever imported: those formations were kept. */
  withdrawalCancelled?: number;
}
export const emptyCounts = (): ImportCounts => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  actions: 0,
  sessions: 0,
  withdrawn: 0,
  otherSource: 0,
});

/** The key of the import lock (pg_advisory_xact_lock): any constant no other lock of the application uses. */
const IMPORT_LOCK = 8_202_611;
/** How often a waiting import asks for the lock again. */
const LOCK_POLL_MS = 500;

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

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

    /**
     * Runs still "running" that no import holds were interrupted (process killed, out of memory): their
     * transaction was rolled back, so they changed nothing, and they say so. Called under the
     * import lock; a run waiting for that lock holds its own row (lockRun), so it is skipped.
     */
    async closeInterrupted() {
      await sql`
        update lheo_import set status = 'failed', error = 'Import interrompu avant la fin (processus arrêté : redémarrage, mémoire épuisée…) : rien n’a été modifié.',
          finished_at = now()
        where id in (select id from lheo_import where status = 'running' for update skip locked)`.execute(db);
    },

    /** Holds the run's own row for the import's transaction: the run is alive while it is held. */
    async lockRun(id: string) {
      await sql`select id from lheo_import where id = ${id} for update`.execute(db);
    },

    /**
     * Imports run one at a time (issue 8, hole 10: four parallel uploads on PostgreSQL answered 500
     * on a duplicate key of training_word yet committed). A transaction-level advisory lock: it is
     * released at commit or rollback, and by a killed process's connection. It is asked for with
     * pg_try_advisory_xact_lock every LOCK_POLL_MS rather than waited for in one statement: a wait of
     * minutes would be cut by the statement timeout (20 s, DB_STATEMENT_TIMEOUT_MS) and the client's
     * query timeout, and the short gaps stay far within the idle-in-transaction timeout. Not
     * obtained within waitMs: a conflict, not an error.
     */
    async serialise(waitMs: number): Promise<boolean> {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const { rows } = await sql<{
          ok: boolean;
        }>`select pg_try_advisory_xact_lock(${IMPORT_LOCK}::bigint) as ok`.execute(db);
        if (rows[0]?.ok) return true;
        if (Date.now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_POLL_MS, deadline - Date.now())));
      }
    },

    async source(name: string): Promise<FeedSource | undefined> {
      const row = await db
        .selectFrom('lheo_source')
        .select(['name', 'kind', 'organisation_id'])
        .where('name', '=', name)
        .executeTakeFirst();
      return row && { name: row.name, kind: row.kind, organisationId: row.organisation_id };
    },

    /** The names of the sources an organisation owns or operates (every source: null). */
    async sourceNames(organisationId: string | null): Promise<string[]> {
      const rows = await db
        .selectFrom('lheo_source')
        .select('name')
        .$if(organisationId !== null, (q) => q.where('organisation_id', '=', organisationId))
        // Byte order: the same list on PGlite (C collation) and a PostgreSQL in a French locale.
        .orderBy(sql`name collate "C"`)
        .execute();
      return rows.map((r) => r.name);
    },

    /** Records a new source with its owner; under the import lock, so no other import creates it meanwhile. */
    async createSource(source: FeedSource) {
      await db
        .insertInto('lheo_source')
        .values({ name: source.name, kind: source.kind, organisation_id: source.organisationId })
        .execute();
    },

    async create(input: {
      source: string;
      mode: 'full' | 'partial';
      fileName: string;
      sizeBytes: number;
      createdBy: string | null;
      organisationId: string | null;
    }) {
      return db
        .insertInto('lheo_import')
        .values({
          source: input.source,
          mode: input.mode,
          file_name: input.fileName.slice(0, 200),
          sha256: '',
          size_bytes: input.sizeBytes,
          created_by: input.createdBy,
          organisation_id: input.organisationId,
          status: 'running',
          counts: JSON.stringify(emptyCounts()),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    },

    async fail(id: string, error: string) {
      await db
        .updateTable('lheo_import')
        .set({ status: 'failed', error, finished_at: new Date() })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Writes one batch of formations and its rejections. It runs inside the import's transaction
     * (this repository is built on it): nothing is visible, or kept, before the whole file is read.
     */
    async writeBatch(
      run: ImportRun,
      batch: PreparedFormation[],
      rejections: Rejection[],
      warnings: Warning[] = [],
    ) {
      if (batch.length) {
        const numbers = batch.map((b) => b.formation.number);
        const { rows: existing } = await sql<{
          id: string;
          lheo_number: string;
          content_hash: string;
          status: 'active' | 'withdrawn';
        }>`
          ${PLANNED_PER_CALL}select id, lheo_number, content_hash, status from training
          where source = ${run.source} and lheo_number = any(${numbers}::text[])`.execute(db);
        const known = new Map(existing.map((e) => [e.lheo_number, e]));
        const unchangedIds: string[] = [];
        const changed: PreparedFormation[] = [];
        const updatedNumbers = new Set<string>();
        for (const b of batch) {
          const previous = known.get(b.formation.number);
          // A withdrawn formation the feed sends again, even unchanged, is rewritten: that is what
          // publishes it again with its actions and sessions (once only touched, it stayed
          // withdrawn, so a corrected feed sent after a faulty full one never brought it back).
          if (previous?.content_hash === b.hash && previous.status === 'active') {
            run.counts.unchanged++;
            unchangedIds.push(previous.id);
          } else {
            changed.push(b);
            if (previous) {
              run.counts.updated++;
              updatedNumbers.add(b.formation.number);
            } else run.counts.created++;
          }
          run.counts.actions += b.formation.actions.length;
          for (const a of b.formation.actions) run.counts.sessions += a.sessions.length;
        }
        if (unchangedIds.length) await touchUnchanged(db, run.id, unchangedIds);
        if (changed.length) await writeChanged(db, run, changed, updatedNumbers);
      }
      // Rejections and warnings share the report's table, told apart by severity (migration 0009).
      const problems = [
        ...rejections.map((r) => ({ ...r, severity: 'error' as const })),
        ...warnings.map((w) => ({ ...w, severity: 'warning' as const })),
      ];
      if (problems.length)
        await db
          .insertInto('lheo_rejection')
          .values(
            problems.map((r) => ({
              import_id: run.id,
              line: r.line,
              col: r.column,
              element: r.element.slice(0, 100),
              record: r.record.slice(0, 300),
              reason: r.reason.slice(0, 500),
              severity: r.severity,
            })),
          )
          .execute();
      run.rejectedCount += rejections.length;
      run.warningCount += warnings.length;
    },

    /**
     * End of the file, still inside the import's transaction: a full feed withdraws what its
     * source no longer sends (kept, hidden from search), and the run records what it did. Unless
     * it accepted fewer formations than `minShare` of those it would withdraw: then it withdraws
     * nothing and the run waits for a decision (decideWithdrawal). What it accepted is kept: each
     * record replaces only its own formation, as an update feed's would, so nothing the file does
     * not describe changes, and the decision needs no second reading of a file that is gone.
     */
    async finish(run: ImportRun, file: { sha256: string; formations: number }, guard: { minShare: number }) {
      // The import's commit point: what it wrote is the offer's change (a run that fails before
      // here rolls back and changes nothing).
      markAudited('training_offer', 'write', { importId: run.id });
      if (run.mode === 'full') {
        const accepted = run.counts.created + run.counts.updated + run.counts.unchanged;
        const wouldWithdraw = await absentCount(db, run.source, run.id);
        if (wouldWithdraw > 0 && accepted < guard.minShare * wouldWithdraw)
          run.counts.withdrawalHeld = wouldWithdraw;
        else run.counts.withdrawn = await withdrawAbsent(db, run.source, run.id);
      }
      await db
        .updateTable('lheo_import')
        .set({
          status: 'done',
          // A run another import took for interrupted in the instant before it held its row.
          error: null,
          sha256: file.sha256,
          formations_total: file.formations,
          formations_done: file.formations,
          counts: JSON.stringify(run.counts),
          rejected_count: run.rejectedCount,
          warning_count: run.warningCount,
          finished_at: new Date(),
        })
        .where('id', '=', run.id)
        .execute();
    },

    absentCount: (source: string, runId: string) => absentCount(db, source, runId),
    withdrawAbsent: (source: string, runId: string) => withdrawAbsent(db, source, runId),

    /** A run's row, held until the end of the transaction (a decision on it is taken once). */
    async lockedRun(id: string) {
      return db.selectFrom('lheo_import').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    /** Whether an import of the same source finished after this run: its "absent" formations are no longer this run's to judge. */
    async supersededBy(run: { id: string; source: string; started_at: Date }): Promise<boolean> {
      const later = await db
        .selectFrom('lheo_import')
        .select('id')
        .where('source', '=', run.source)
        .where('status', '=', 'done')
        .where('id', '<>', run.id)
        .where('started_at', '>', run.started_at)
        .limit(1)
        .executeTakeFirst();
      return later !== undefined;
    },

    async setCounts(id: string, counts: Record<string, number>) {
      await db
        .updateTable('lheo_import')
        .set({ counts: JSON.stringify(counts) })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Typo correction draws on the words of the catalogue: refreshed at the end of each import,
     * in its transaction and under its lock, so that the vocabulary commits with the catalogue
     * it describes (refreshed in a transaction of its own, two imports' refreshes collided).
     */
    async refreshVocabulary() {
      await sql`delete from training_word`.execute(db);
      await sql`
        insert into training_word (word)
        select word from ts_stat('select search_vector from training where status = ''active''')
        where length(word) between 3 and 40 and word ~ '^[a-z]+$'`.execute(db);
    },

    /**
     * After the import commits: VACUUM empties the text index's pending list, which every search
     * otherwise reads (measured 4.8 ms instead of 0.3 ms for one word after a 50,000-action
     * import). An optimisation only: autovacuum does it later, so a failure is no import failure.
     */
    async vacuum(): Promise<boolean> {
      try {
        await sql`vacuum analyze training, training_action, training_session, action_funder, training_word, catalogue_search`.execute(
          db,
        );
        return true;
      } catch {
        return false;
      }
    },

    async get(id: string) {
      return db.selectFrom('lheo_import').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async list(filter: { organisationId?: string | null; limit: number }) {
      // id last: a total order, the same on both engines.
      let q = db
        .selectFrom('lheo_import')
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('id')
        .limit(filter.limit);
      if (filter.organisationId !== undefined) q = q.where('organisation_id', '=', filter.organisationId);
      return q.execute();
    },

    async rejections(importId: string) {
      return db
        .selectFrom('lheo_rejection')
        .select(['line', 'col', 'element', 'record', 'reason', 'severity'])
        .where('import_id', '=', importId)
        .orderBy('id')
        .execute();
    },
  };
}

/** Active formations of a source that this run did not bring: what its full feed would withdraw. */
async function absentCount(db: Db, source: string, runId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from training
    where source = ${source} and status = 'active' and last_import_id is distinct from ${runId}`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Withdraws what a full feed's run did not bring (formations, actions, sessions); returns the formations withdrawn. */
async function withdrawAbsent(db: Db, source: string, runId: string): Promise<number> {
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

async function touchUnchanged(tx: Db, runId: string, trainingIds: string[]) {
  await sql`update training set last_import_id = ${runId} where id = any(${trainingIds}::uuid[])`.execute(tx);
  await sql`update training_action set last_import_id = ${runId}
    where training_id = any(${trainingIds}::uuid[]) and status = 'active'`.execute(tx);
  await sql`update training_session s set last_import_id = ${runId}
    from training_action a where s.action_id = a.id and a.training_id = any(${trainingIds}::uuid[]) and s.status = 'active'`.execute(
    tx,
  );
}

/** `updated`: numbers of the formations already known; a new one has nothing to withdraw or replace. */
async function writeChanged(tx: Db, run: ImportRun, batch: PreparedFormation[], updated: Set<string>) {
  // A feed repeats its few hundred organisations in every batch: each is written once per import
  // (as the file first describes it), then known by its id.
  const providers = new Map<string, LheoFormation['provider']>();
  for (const { formation } of batch)
    if (!run.providerIds.has(formation.provider.siret) && !providers.has(formation.provider.siret))
      providers.set(formation.provider.siret, formation.provider);
  const providerRows = [...providers.values()].map((p) => ({
    source: run.source,
    siret: p.siret,
    lheo_number: p.number,
    activity_number: p.activityNumber,
    name: p.name,
    legal_name: p.legalName,
    address: p.address,
    contact: p.contact,
    lheo: providerLheo(p),
  }));
  const { rows: providerIds } = !providerRows.length
    ? { rows: [] }
    : await sql<{ id: string; siret: string }>`
    insert into training_provider (source, siret, lheo_number, activity_number, name, legal_name, address, contact, lheo, organisation_id, last_import_id)
    select r.source, r.siret, r.lheo_number, r.activity_number, r.name, r.legal_name, r.address, r.contact, r.lheo,
      (select o.id from organisation o where o.siret = r.siret limit 1), ${run.id}::uuid
    from jsonb_to_recordset(${json(providerRows)}) as r(source text, siret text, lheo_number text, activity_number text,
      name text, legal_name text, address jsonb, contact jsonb, lheo jsonb)
    on conflict (source, siret) do update set lheo_number = excluded.lheo_number, activity_number = excluded.activity_number,
      name = excluded.name, legal_name = excluded.legal_name, address = excluded.address, contact = excluded.contact,
      lheo = excluded.lheo,
      organisation_id = coalesce(excluded.organisation_id, training_provider.organisation_id),
      last_import_id = excluded.last_import_id, updated_at = now()
    returning id, siret`.execute(tx);
  for (const p of providerIds) run.providerIds.set(p.siret.trim(), p.id);
  const providerBySiret = run.providerIds;

  const trainingRows = batch.map(({ formation: f, hash }) => ({
    source: run.source,
    lheo_number: f.number,
    provider_id: providerBySiret.get(f.provider.siret),
    title: f.title,
    objective: f.objective,
    expected_results: f.expectedResults,
    content: f.content,
    formacodes: f.formacodes,
    nsf_codes: f.nsfCodes,
    rome_codes: f.romeCodes,
    certifying: f.certifying,
    rncp_code: f.rncpCode,
    rs_code: f.rsCode,
    entry_level: f.entryLevel,
    exit_level: f.exitLevel,
    course_type: f.courseType,
    url: f.url,
    contact: f.contact,
    lheo: formationLheo(f),
    content_hash: hash,
  }));
  const { rows: trainingIds } = await sql<{ id: string; lheo_number: string }>`
    insert into training (source, lheo_number, provider_id, title, objective, expected_results, content, formacodes, nsf_codes,
      rome_codes, certifying, rncp_code, rs_code, entry_level, exit_level, course_type, url, contact, lheo, content_hash, last_import_id)
    select r.source, r.lheo_number, r.provider_id, r.title, r.objective, r.expected_results, r.content, r.formacodes, r.nsf_codes,
      r.rome_codes, r.certifying, r.rncp_code, r.rs_code, r.entry_level, r.exit_level, r.course_type, r.url, r.contact, r.lheo,
      r.content_hash, ${run.id}::uuid
    from jsonb_to_recordset(${json(trainingRows)}) as r(source text, lheo_number text, provider_id uuid, title text,
      objective text, expected_results text, content text, formacodes text[], nsf_codes text[], rome_codes text[],
      certifying boolean, rncp_code text, rs_code text, entry_level text, exit_level text, course_type text, url text,
      contact jsonb, lheo jsonb, content_hash text)
    on conflict (source, lheo_number) do update set provider_id = excluded.provider_id, title = excluded.title,
      objective = excluded.objective, expected_results = excluded.expected_results, content = excluded.content,
      formacodes = excluded.formacodes, nsf_codes = excluded.nsf_codes, rome_codes = excluded.rome_codes,
      certifying = excluded.certifying, rncp_code = excluded.rncp_code, rs_code = excluded.rs_code,
      entry_level = excluded.entry_level, exit_level = excluded.exit_level, course_type = excluded.course_type,
      url = excluded.url, contact = excluded.contact, lheo = excluded.lheo, content_hash = excluded.content_hash,
      last_import_id = excluded.last_import_id, status = 'active', withdrawn_at = null, updated_at = now()
    returning id, lheo_number`.execute(tx);
  const trainingByNumber = new Map(trainingIds.map((t) => [t.lheo_number, t.id]));

  const actionRows = batch.flatMap(({ formation: f, places }) =>
    f.actions.map((a, i) => ({
      training_id: trainingByNumber.get(f.number),
      lheo_number: a.number,
      rhythm: a.rhythm,
      public_codes: a.publicCodes,
      public_info: a.publicInfo,
      entry_level_required: a.entryLevelRequired,
      alternance: a.alternance,
      teaching_mode: a.teachingMode,
      specific_conditions: a.specificConditions,
      funding_possible: a.fundingPossible,
      entries_exits: a.entriesExits,
      place: a.place,
      commune_code: places[i]?.communeCode ?? null,
      department_code: places[i]?.department ?? null,
      latitude: places[i]?.latitude ?? null,
      longitude: places[i]?.longitude ?? null,
      hours_centre: a.hoursCentre,
      hours_company: a.hoursCompany,
      price_total: a.priceTotal,
      price_hourly: a.priceHourly,
      disability_access: a.disabilityAccess,
      recruitment_terms: a.recruitmentTerms,
      funder_codes: a.funders.map((x) => x.code),
      lheo: actionLheo(a),
    })),
  );
  const { rows: actionIds } = await sql<{ id: string; training_id: string; lheo_number: string }>`
    insert into training_action (training_id, lheo_number, rhythm, public_codes, public_info, entry_level_required, alternance,
      teaching_mode, specific_conditions, funding_possible, entries_exits, place, commune_code, department_code, latitude,
      longitude, hours_centre, hours_company, price_total, price_hourly, disability_access, recruitment_terms, funder_codes,
      lheo, last_import_id)
    select r.training_id, r.lheo_number, r.rhythm, r.public_codes, r.public_info, r.entry_level_required, r.alternance,
      r.teaching_mode, r.specific_conditions, r.funding_possible, r.entries_exits, r.place, r.commune_code, r.department_code,
      r.latitude, r.longitude, r.hours_centre, r.hours_company, r.price_total, r.price_hourly, r.disability_access,
      r.recruitment_terms, r.funder_codes, r.lheo, ${run.id}::uuid
    from jsonb_to_recordset(${json(actionRows)}) as r(training_id uuid, lheo_number text, rhythm text, public_codes text[],
      public_info text, entry_level_required boolean, alternance text, teaching_mode text, specific_conditions text,
      funding_possible boolean, entries_exits text, place jsonb, commune_code text, department_code text,
      latitude double precision, longitude double precision, hours_centre integer, hours_company integer,
      price_total numeric, price_hourly numeric, disability_access text, recruitment_terms text, funder_codes text[],
      lheo jsonb)
    on conflict (training_id, lheo_number) do update set rhythm = excluded.rhythm, public_codes = excluded.public_codes,
      public_info = excluded.public_info, entry_level_required = excluded.entry_level_required,
      alternance = excluded.alternance, teaching_mode = excluded.teaching_mode,
      specific_conditions = excluded.specific_conditions, funding_possible = excluded.funding_possible,
      entries_exits = excluded.entries_exits, place = excluded.place, commune_code = excluded.commune_code,
      department_code = excluded.department_code, latitude = excluded.latitude, longitude = excluded.longitude,
      hours_centre = excluded.hours_centre, hours_company = excluded.hours_company, price_total = excluded.price_total,
      price_hourly = excluded.price_hourly, disability_access = excluded.disability_access,
      recruitment_terms = excluded.recruitment_terms, funder_codes = excluded.funder_codes, lheo = excluded.lheo,
      last_import_id = excluded.last_import_id, status = 'active', withdrawn_at = null
    returning id, training_id, lheo_number`.execute(tx);
  const actionByKey = new Map(actionIds.map((a) => [`${a.training_id}|${a.lheo_number}`, a.id]));

  const sessionRows = [];
  const funderRows = [];
  for (const { formation: f } of batch) {
    const trainingId = trainingByNumber.get(f.number);
    for (const a of f.actions) {
      const actionId = actionByKey.get(`${trainingId}|${a.number}`);
      for (const s of a.sessions)
        sessionRows.push({
          action_id: actionId,
          lheo_number: s.number,
          start_date: s.start,
          end_date: s.end,
          recruitment_state: s.recruitmentState,
          places_total: s.placesTotal,
          places_remaining: s.placesRemaining,
          registration_address: s.registrationAddress,
          lheo: sessionLheo(s),
        });
      for (const x of a.funders)
        funderRows.push({ action_id: actionId, funder_code: x.code, places: x.places });
    }
  }
  await sql`
    insert into training_session (action_id, lheo_number, start_date, end_date, recruitment_state, places_total,
      places_remaining, registration_address, lheo, last_import_id)
    select r.action_id, r.lheo_number, r.start_date, r.end_date, r.recruitment_state, r.places_total, r.places_remaining,
      r.registration_address, r.lheo, ${run.id}::uuid
    from jsonb_to_recordset(${json(sessionRows)}) as r(action_id uuid, lheo_number text, start_date date, end_date date,
      recruitment_state text, places_total integer, places_remaining integer, registration_address jsonb, lheo jsonb)
    on conflict (action_id, lheo_number) do update set start_date = excluded.start_date, end_date = excluded.end_date,
      recruitment_state = excluded.recruitment_state, places_total = excluded.places_total,
      places_remaining = excluded.places_remaining, registration_address = excluded.registration_address,
      lheo = excluded.lheo, last_import_id = excluded.last_import_id, status = 'active', withdrawn_at = null`.execute(
    tx,
  );
  // Only formations known before can have funders to replace or actions and sessions to withdraw.
  const updatedTrainings = trainingIds.filter((t) => updated.has(t.lheo_number)).map((t) => t.id);
  const updatedSet = new Set(updatedTrainings);
  const ids = actionIds.filter((a) => updatedSet.has(a.training_id)).map((a) => a.id);
  if (ids.length) await sql`delete from action_funder where action_id = any(${ids}::uuid[])`.execute(tx);
  if (funderRows.length)
    await sql`
      insert into action_funder (action_id, funder_code, places)
      select r.action_id, r.funder_code, r.places
      from jsonb_to_recordset(${json(funderRows)}) as r(action_id uuid, funder_code text, places integer)`.execute(
      tx,
    );
  if (!updatedTrainings.length) return;
  // A formation is complete in itself: what it no longer lists (an action, a session) is withdrawn.
  await sql`${PLANNED_PER_CALL}update training_action set status = 'withdrawn', withdrawn_at = now()
    where training_id = any(${updatedTrainings}::uuid[]) and status = 'active' and last_import_id is distinct from ${run.id}::uuid`.execute(
    tx,
  );
  await sql`${PLANNED_PER_CALL}update training_session set status = 'withdrawn', withdrawn_at = now()
    where action_id = any(${ids}::uuid[]) and status = 'active' and last_import_id is distinct from ${run.id}::uuid`.execute(
    tx,
  );
}
