import { type Kysely, sql } from 'kysely';

/**
 * Matching people and jobs (issue 11, matching module). See src/modules/matching/README.md.
 *
 * Two projections kept by statement triggers (as person_access, migration 0019), so that the
 * persons and offers modules' writes need no change and a bulk import pays one insert … select per
 * statement:
 * - match_offer: one row per published offer whose ROME 4.0 métier is known, with its place and the
 *   few columns the hard filters and the score read. Index (metier_code, latitude): a person's top
 *   offers are a range scan per target métier inside the person's radius.
 * - match_person / match_person_target: a person's features (skills = declared ∪ core skills of
 *   past jobs' métiers, months of experience per métier) and one row per métier they may be
 *   matched on: wanted (an appellation's métier), past (a past job's métier) or close (ROME 4.0
 *   mobility from a wanted métier, with its rank), the best way kept. Index (metier_code, latitude):
 *   an offer's candidates are a range scan on its métier.
 * Code mappings (contracts, licences, levels) are not here: they are rules.ts's, applied by the
 * service to the query's parameters.
 *
 * And the matching's own records: each person's preset, stored top suggestions (nightly and on
 * change), feedback (a counsellor's exclusion with its reason, the person's and the employer's
 * « intéressé » / « pas pour moi »), outcomes (contacted, interview, hired) with the rank and preset
 * of the suggestion they followed, the trades' tension per employment zone, re-match runs.
 */
const OFFER_SELECT = (ids: string) => `
  select o.id, o.organisation_id, m.code, o.appellation_code, c.latitude, c.longitude, c.department_code,
    z.zone_code, o.remote, o.contract_type, o.working_time, o.start_date, o.expires_on, o.driving_licences,
    case when cardinality(o.required_skills) + cardinality(o.wished_skills) > 0
      then array(select distinct s from unnest(o.required_skills || o.wished_skills) s order by s)
      else array(select ms.skill_code from rome_metier_skill ms
        where ms.metier_code = m.code and ms.core = 'principale' order by ms.skill_code) end,
    cardinality(o.required_skills) + cardinality(o.wished_skills) = 0,
    o.experience, o.experience_months, o.education_level, o.published_at
  from job_offer o
  left join rome_appellation a on a.code = o.appellation_code
  join rome_metier m on m.code = coalesce(a.metier_code, o.rome_code)
  left join commune c on c.code = o.commune_code
  left join commune_employment_zone z on z.commune_code = o.commune_code
  where o.id in (select id from ${ids}) and o.state = 'published'
    and (c.code is not null or o.remote)`;

const OFFER_COLUMNS = `offer_id, organisation_id, metier_code, appellation_code, latitude, longitude, department_code,
  zone_code, remote, contract_type, working_time, start_date, expires_on, driving_licences, skills,
  skills_from_metier, experience, experience_months, education_level, published_at`;

const offerRefresh = (name: string, ids: string) => `
  create function ${name}() returns trigger language plpgsql as $fn$
  begin
    delete from match_offer m where m.offer_id in (select id from ${ids});
    insert into match_offer (${OFFER_COLUMNS}) ${OFFER_SELECT(ids)};
    return null;
  end $fn$`;

/** The person's features; wanted appellations kept for « même appellation ». */
const PERSON_SELECT = (ids: string) => `
  select p.id, p.referent_organisation_id, c.latitude, c.longitude, c.department_code, z.zone_code,
    coalesce(p.mobility_radius_km, 30), p.contract_types, p.working_time, p.driving_licences,
    p.available_from, p.education_level, p.wanted_jobs,
    array(select distinct s from (
      select unnest(p.skills) s
      union select ms.skill_code from jsonb_array_elements(p.past_jobs) j
        join rome_appellation a on a.code = j->>'appellationCode'
        join rome_metier_skill ms on ms.metier_code = a.metier_code and ms.core = 'principale') k order by s),
    coalesce((select jsonb_object_agg(e.metier_code, e.months) from (
      select a.metier_code, sum((j->>'months')::int) months from jsonb_array_elements(p.past_jobs) j
        join rome_appellation a on a.code = j->>'appellationCode'
      where a.metier_code is not null group by a.metier_code) e), '{}'::jsonb),
    p.employer_visible
  from person p
  left join commune c on c.code = p.commune_code
  left join commune_employment_zone z on z.commune_code = p.commune_code
  where p.id in (select id from ${ids})`;

const PERSON_COLUMNS = `person_id, referent_organisation_id, latitude, longitude, department_code, zone_code,
  radius_km, contract_types, working_time, driving_licences, available_from, education_level,
  wanted_appellations, skills, experience, employer_visible`;

/** Wanted (order 1), past (2), close (3, by mobility rank): one row per métier, the best way kept. */
const TARGET_SELECT = (ids: string) => `
  select distinct on (t.person_id, t.metier_code) t.person_id, t.metier_code, t.via, t.rank,
    mp.latitude, mp.longitude, mp.radius_km
  from (
    select p.id person_id, a.metier_code, 'wanted' via, 0 rank, 1 ord
      from person p join rome_appellation a on a.code = any(p.wanted_jobs)
      where p.id in (select id from ${ids}) and a.metier_code is not null
    union all
    select p.id, a.metier_code, 'past', 0, 2
      from person p cross join jsonb_array_elements(p.past_jobs) j
      join rome_appellation a on a.code = j->>'appellationCode'
      where p.id in (select id from ${ids}) and a.metier_code is not null
    union all
    select p.id, mo.to_code, 'close', mo.rank, 3
      from person p join rome_appellation a on a.code = any(p.wanted_jobs)
      join rome_mobility mo on mo.from_code = a.metier_code
      where p.id in (select id from ${ids})
  ) t join match_person mp on mp.person_id = t.person_id
  order by t.person_id, t.metier_code, t.ord, t.rank`;

const personRefresh = (name: string, ids: string) => `
  create function ${name}() returns trigger language plpgsql as $fn$
  begin
    delete from match_person m where m.person_id in (select id from ${ids});
    insert into match_person (${PERSON_COLUMNS}) ${PERSON_SELECT(ids)};
    delete from match_person_target t where t.person_id in (select id from ${ids});
    insert into match_person_target (person_id, metier_code, via, rank, latitude, longitude, radius_km)
      ${TARGET_SELECT(ids)};
    return null;
  end $fn$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table match_offer (
      offer_id uuid primary key references job_offer (id) on delete cascade,
      organisation_id uuid,
      metier_code text not null,
      appellation_code text,
      latitude double precision,
      longitude double precision,
      department_code text,
      zone_code text,
      remote boolean not null,
      contract_type text not null,
      working_time text,
      start_date date,
      expires_on date,
      driving_licences text[] not null,
      skills text[] not null,
      skills_from_metier boolean not null,
      experience text not null,
      experience_months integer,
      education_level text,
      published_at timestamptz
    )`,
    // Longitude too: the btree checks it on the index entries, so the offers of the latitude band
    // outside the box (the band crosses France) are skipped without reading their rows (bench: ×1.4).
    'create index match_offer_place on match_offer (metier_code, latitude, longitude)',
    'create index match_offer_remote on match_offer (metier_code) where remote',
    `create table match_person (
      person_id uuid primary key references person (id) on delete cascade,
      referent_organisation_id uuid not null,
      latitude double precision,
      longitude double precision,
      department_code text,
      zone_code text,
      radius_km integer not null,
      contract_types text[] not null,
      working_time text,
      driving_licences text[] not null,
      available_from date,
      education_level text,
      wanted_appellations text[] not null,
      skills text[] not null,
      experience jsonb not null,
      employer_visible boolean not null
    )`,
    `create table match_person_target (
      person_id uuid not null references person (id) on delete cascade,
      metier_code text not null,
      via text not null check (via in ('wanted', 'past', 'close')),
      rank smallint not null,
      latitude double precision,
      longitude double precision,
      radius_km integer not null,
      primary key (person_id, metier_code)
    )`,
    'create index match_person_target_place on match_person_target (metier_code, latitude, longitude)',
    // An offer's candidates: the widest radius among the métier's persons sizes the box (repository.ts).
    'create index match_person_target_radius on match_person_target (metier_code, radius_km)',
    `insert into match_offer (${OFFER_COLUMNS}) ${OFFER_SELECT('job_offer')}`,
    `insert into match_person (${PERSON_COLUMNS}) ${PERSON_SELECT('person')}`,
    `insert into match_person_target (person_id, metier_code, via, rank, latitude, longitude, radius_km)
      ${TARGET_SELECT('person')}`,
    offerRefresh('match_offer_from_new_offers', 'new_offers'),
    personRefresh('match_person_from_new_persons', 'new_persons'),
    `create trigger match_offer_insert after insert on job_offer
      referencing new table as new_offers for each statement execute function match_offer_from_new_offers()`,
    `create trigger match_offer_update after update on job_offer
      referencing new table as new_offers for each statement execute function match_offer_from_new_offers()`,
    `create trigger match_person_insert after insert on person
      referencing new table as new_persons for each statement execute function match_person_from_new_persons()`,
    `create trigger match_person_update after update on person
      referencing new table as new_persons for each statement execute function match_person_from_new_persons()`,
    // The counsellor's choice of weights for a person (rules.ts PRESETS); none: « standard ».
    `create table match_setting (
      person_id uuid primary key references person (id) on delete cascade,
      preset text not null,
      updated_at timestamptz not null default now(),
      updated_by_label text not null
    )`,
    // Each person's top suggestions as last computed (nightly and on change): what precision@10 is
    // measured on, and what tells a new strong match from one already notified.
    `create table match_suggestion (
      person_id uuid not null references person (id) on delete cascade,
      offer_id uuid not null references job_offer (id) on delete cascade,
      preset text not null,
      rank smallint not null,
      score double precision not null,
      terms jsonb not null,
      first_suggested_at timestamptz not null default now(),
      computed_at timestamptz not null default now(),
      primary key (person_id, offer_id)
    )`,
    'create index match_suggestion_offer on match_suggestion (offer_id)',
    // Who said what of a suggestion: a counsellor's exclusion (reason required), the person's and
    // the employer's « intéressé » / « pas pour moi », the employer's contact request.
    `create table match_feedback (
      person_id uuid not null references person (id) on delete cascade,
      offer_id uuid not null references job_offer (id) on delete cascade,
      party text not null check (party in ('counsellor', 'person', 'employer')),
      verdict text not null,
      reason text,
      actor_label text not null,
      organisation_id uuid,
      recorded_at timestamptz not null default now(),
      primary key (person_id, offer_id, party)
    )`,
    'create index match_feedback_offer on match_feedback (offer_id)',
    // What came of a suggestion, from real use: the rank and preset it had when the outcome was
    // recorded (null: not a suggestion of the day), so precision@10 counts only what was suggested.
    `create table match_outcome (
      person_id uuid not null references person (id) on delete cascade,
      offer_id uuid not null references job_offer (id) on delete cascade,
      outcome text not null,
      suggested_rank smallint,
      suggested_preset text,
      department_code text,
      recorded_at timestamptz not null default now(),
      recorded_by_label text not null,
      organisation_id uuid,
      primary key (person_id, offer_id, outcome)
    )`,
    'create index match_outcome_recorded on match_outcome (recorded_at)',
    // Offers and seekers per trade and employment zone, from Passerelle's own data (nightly).
    `create table match_tension (
      zone_code text not null,
      metier_code text not null,
      offers integer not null,
      seekers integer not null,
      computed_at timestamptz not null default now(),
      primary key (zone_code, metier_code)
    )`,
    // A re-match of every person: resumable from its last person id.
    `create table match_run (
      id uuid primary key default gen_random_uuid(),
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      status text not null default 'running' check (status in ('running', 'done', 'failed')),
      persons_total integer not null default 0,
      persons_done integer not null default 0,
      last_person_id uuid,
      suggestions integer not null default 0,
      strong_new integer not null default 0,
      error text
    )`,
    // « Se former » (gap-repository.ts): the trainings leading to a métier are found by their ROME codes.
    'create index if not exists catalogue_search_rome on catalogue_search using gin (rome_codes)',
    'analyze match_offer',
    'analyze match_person_target',
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const s of [
    'drop index if exists catalogue_search_rome',
    'drop trigger match_offer_insert on job_offer',
    'drop trigger match_offer_update on job_offer',
    'drop trigger match_person_insert on person',
    'drop trigger match_person_update on person',
    'drop function match_offer_from_new_offers(), match_person_from_new_persons()',
    'drop table match_run, match_tension, match_outcome, match_feedback, match_suggestion, match_setting',
    'drop table match_person_target, match_person, match_offer',
  ])
    await sql.raw(s).execute(db);
}
