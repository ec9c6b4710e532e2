import { sql } from 'kysely';
import { type Db, PLANNED_PER_CALL } from '../../db/database.js';
import type { ImportRun } from './import-run-repository.js';
import type { LheoFormation, Rejection, Warning } from './lheo/model.js';
import type { PreparedFormation } from './lheo/prepare.js';
import { actionLheo, formationLheo, providerLheo, sessionLheo } from './lheo/stored.js';

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/** The formations an import writes, batch by batch, with its rejections and warnings. */
export function importRecordRepository(db: Db) {
  return {
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
  };
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
