import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

/**
 * Pathways (issue 12, pathways module): orientations between partners, IAE eligibility, PASS IAE,
 * contracts and exits, one timeline per person, and the CTA's commitments. See
 * src/modules/pathways/README.md.
 *
 * - person_share gains `basis` and `until`: a file is shared by consent (issue 10) or because the
 *   organisation accepted an orientation of the person (issue 12 §1: « for the time they need it »),
 *   until a date after which the nightly job removes the share.
 * - siae_position: a position an SIAE offers (« fiche de poste »), the target of an orientation to
 *   an SIAE; `open_places` 0 refuses new orientations to it.
 * - orientation: a prescriber's request to a receiving organisation. `target_kind` says what is
 *   asked (a training session, an SIAE position, a job offer, an immersion, a partner's service, a
 *   workshop) and `target_ref` the id of the thing in its own module (data, so that the directory
 *   and workshop modules plug in without a migration). `state` follows pathways/rules.ts
 *   ORIENTATION_TRANSITIONS; `version` refuses a stale decision (optimistic concurrency).
 *   `accepted_on` and its partial unique index refuse two SIAE accepting the same person the same day.
 * - orientation_transition: every change of state, who (name and organisation) and when.
 * - eligibility_diagnosis and eligibility_criterion: an IAE eligibility diagnosis and its
 *   administrative criteria (data/iae/administrative_criteria.json), with their proof.
 * - approval (PASS IAE), approval_suspension, approval_prolongation: `end_on` is the effective end,
 *   recomputed in the transaction that adds a suspension or grants a prolongation; the status
 *   (valid / future / suspended / expired) is computed at read, never stored.
 * - iae_contract, iae_contract_hours (hours worked per month, AI/ETTI), iae_exit: the exit keeps its
 *   ASP reason, its category and whether it counts (the counting rules of exit-rules.ts, applied at
 *   write), with the SIAE's kind, employment zone and department, so that the rates are one
 *   grouped scan.
 * - pathway_event: the person's timeline across organisations, one row per step, with its author
 *   and organisation. Index (person_id, occurred_on desc, id desc): a timeline is one range scan.
 * - pathway_member: the referent counsellor and the « co-accompagnants » of a person.
 * - cta_commitment: the accord-cadre's targets per basin, partner and year, entered by the Region
 *   or the DREETS, measured against what the pathways record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    alter table person_share add column basis text not null default 'consent' check (basis in ('consent', 'orientation'));
    alter table person_share add column until date;
    create index person_share_until on person_share (until) where until is not null;

    create table siae_position (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisation (id) on delete cascade,
      appellation_code text not null,
      title text not null,
      commune_code text,
      open_places integer not null default 1 check (open_places between 0 and 500),
      active boolean not null default true,
      created_at timestamptz not null default now()
    );
    create index siae_position_organisation on siae_position (organisation_id) where active;

    create table eligibility_diagnosis (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person (id) on delete cascade,
      author_organisation_id uuid not null references organisation (id) on delete restrict,
      author_kind text not null check (author_kind in ('prescriber', 'siae')),
      siae_kind text check (siae_kind in ('AI', 'EI', 'ETTI', 'ACI', 'EITI')),
      author_user_id uuid references app_user (id) on delete set null,
      author_label text not null,
      made_on date not null,
      expires_on date not null,
      created_at timestamptz not null default now(),
      check (expires_on >= made_on),
      check ((author_kind = 'siae') = (siae_kind is not null))
    );
    create index eligibility_diagnosis_person on eligibility_diagnosis (person_id, made_on desc);

    create table eligibility_criterion (
      diagnosis_id uuid not null references eligibility_diagnosis (id) on delete cascade,
      code text not null,
      proof text,
      proof_on date,
      primary key (diagnosis_id, code)
    );

    create table orientation (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person (id) on delete cascade,
      prescriber_organisation_id uuid not null references organisation (id) on delete restrict,
      prescriber_user_id uuid references app_user (id) on delete set null,
      prescriber_label text not null,
      target_kind text not null check (target_kind in ('training_session', 'siae_position', 'job_offer', 'immersion', 'service', 'workshop')),
      target_organisation_id uuid not null references organisation (id) on delete restrict,
      target_ref text,
      target_label text not null,
      immersion_host text,
      immersion_start_on date,
      immersion_end_on date,
      immersion_objective text check (immersion_objective in ('discover', 'confirm', 'recruit')),
      message text not null,
      diagnosis_id uuid references eligibility_diagnosis (id) on delete set null,
      state text not null default 'sent' check (state in ('sent', 'studying', 'on_hold', 'accepted', 'refused', 'expired', 'cancelled')),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      expires_on date not null,
      accepted_on date,
      start_on date,
      refusal_reason text,
      decision_comment text,
      check (immersion_end_on is null or immersion_start_on is null or immersion_end_on >= immersion_start_on),
      check ((state = 'accepted') = (accepted_on is not null))
    );
    create index orientation_target on orientation (target_organisation_id, state, created_at desc);
    create index orientation_prescriber on orientation (prescriber_organisation_id, state, created_at desc);
    create index orientation_person on orientation (person_id, created_at desc);
    create index orientation_open on orientation (expires_on) where state in ('sent', 'studying', 'on_hold');
    -- Issue 12, bad input: « two SIAE accepting the same person the same day » is refused by the
    -- database itself, so that two concurrent acceptances cannot both pass the service's check.
    create unique index orientation_one_siae_a_day on orientation (person_id, accepted_on)
      where target_kind = 'siae_position' and state = 'accepted';

    create table orientation_transition (
      id bigserial primary key,
      orientation_id uuid not null references orientation (id) on delete cascade,
      occurred_at timestamptz not null default now(),
      from_state text,
      to_state text not null,
      actor_user_id uuid references app_user (id) on delete set null,
      actor_label text not null,
      organisation_id uuid references organisation (id) on delete set null,
      reason text,
      comment text
    );
    create index orientation_transition_orientation on orientation_transition (orientation_id, id);

    create sequence approval_number_seq;
    create table approval (
      id uuid primary key default gen_random_uuid(),
      number text not null unique,
      person_id uuid not null references person (id) on delete cascade,
      siae_organisation_id uuid not null references organisation (id) on delete restrict,
      diagnosis_id uuid references eligibility_diagnosis (id) on delete set null,
      start_on date not null,
      base_end_on date not null,
      end_on date not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      created_by_label text not null,
      check (end_on >= base_end_on and base_end_on > start_on)
    );
    create index approval_person on approval (person_id, end_on desc);
    create index approval_siae on approval (siae_organisation_id, end_on);
    create index approval_end on approval (end_on);

    create table approval_suspension (
      id uuid primary key default gen_random_uuid(),
      approval_id uuid not null references approval (id) on delete cascade,
      start_on date not null,
      end_on date not null,
      reason text not null,
      comment text,
      organisation_id uuid references organisation (id) on delete set null,
      created_by_label text not null,
      created_at timestamptz not null default now(),
      check (end_on >= start_on)
    );
    create index approval_suspension_approval on approval_suspension (approval_id, start_on);

    create table approval_prolongation (
      id uuid primary key default gen_random_uuid(),
      approval_id uuid not null references approval (id) on delete cascade,
      start_on date not null,
      end_on date not null,
      reason text not null,
      comment text,
      state text not null default 'requested' check (state in ('requested', 'granted', 'refused')),
      requested_by_organisation_id uuid references organisation (id) on delete set null,
      requested_by_label text not null,
      requested_at timestamptz not null default now(),
      prescriber_organisation_id uuid not null references organisation (id) on delete restrict,
      decided_by_label text,
      decided_at timestamptz,
      decision_comment text,
      version integer not null default 1,
      check (end_on >= start_on)
    );
    create index approval_prolongation_approval on approval_prolongation (approval_id, start_on);
    create index approval_prolongation_prescriber on approval_prolongation (prescriber_organisation_id, state);

    create table iae_contract (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references person (id) on delete cascade,
      siae_organisation_id uuid not null references organisation (id) on delete restrict,
      siae_kind text not null check (siae_kind in ('AI', 'EI', 'ETTI', 'ACI', 'EITI')),
      approval_id uuid references approval (id) on delete set null,
      orientation_id uuid references orientation (id) on delete set null,
      position_id uuid references siae_position (id) on delete set null,
      kind text not null,
      start_on date not null,
      end_on date,
      hours_per_week numeric(4, 1) check (hours_per_week > 0 and hours_per_week <= 48),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      created_by_label text not null,
      check (end_on is null or end_on >= start_on)
    );
    create index iae_contract_person on iae_contract (person_id, start_on desc);
    create index iae_contract_siae on iae_contract (siae_organisation_id, start_on desc);
    create index iae_contract_end on iae_contract (end_on) where end_on is not null;

    create table iae_contract_hours (
      contract_id uuid not null references iae_contract (id) on delete cascade,
      month date not null check (extract(day from month) = 1),
      hours numeric(5, 1) not null check (hours >= 0 and hours <= 300),
      primary key (contract_id, month)
    );

    create table iae_exit (
      id uuid primary key default gen_random_uuid(),
      contract_id uuid not null unique references iae_contract (id) on delete cascade,
      person_id uuid not null references person (id) on delete cascade,
      siae_organisation_id uuid not null references organisation (id) on delete restrict,
      siae_kind text not null,
      zone_code text,
      department_code text,
      exit_on date not null,
      reason text not null,
      category text not null check (category in ('durable', 'transition', 'positive', 'other', 'withdrawn')),
      counted boolean not null,
      hours_worked numeric(7, 1) not null default 0,
      contract_days integer not null,
      comment text,
      created_at timestamptz not null default now(),
      created_by_label text not null
    );
    create index iae_exit_rates on iae_exit (exit_on, siae_organisation_id) include (siae_kind, zone_code, department_code, category, counted);

    create table pathway_event (
      id bigserial primary key,
      person_id uuid not null references person (id) on delete cascade,
      occurred_on date not null,
      recorded_at timestamptz not null default now(),
      kind text not null,
      organisation_id uuid references organisation (id) on delete set null,
      organisation_label text not null,
      author_label text not null,
      summary text not null,
      ref_id text,
      detail jsonb
    );
    create index pathway_event_person on pathway_event (person_id, occurred_on desc, id desc);

    create table pathway_member (
      person_id uuid not null references person (id) on delete cascade,
      user_id uuid not null references app_user (id) on delete cascade,
      organisation_id uuid not null references organisation (id) on delete cascade,
      role text not null check (role in ('referent', 'co')),
      added_at timestamptz not null default now(),
      added_by_label text not null,
      primary key (person_id, user_id)
    );
    create unique index pathway_member_one_referent on pathway_member (person_id) where role = 'referent';
    create index pathway_member_user on pathway_member (user_id, person_id);

    create table cta_commitment (
      id uuid primary key default gen_random_uuid(),
      zone_code text not null,
      year integer not null check (year between 2020 and 2100),
      partner_organisation_id uuid references organisation (id) on delete cascade,
      partner_kind text,
      indicator text not null,
      target numeric(12, 2) not null check (target >= 0),
      entered_by_label text not null,
      entered_at timestamptz not null default now(),
      check ((partner_organisation_id is null) <> (partner_kind is null))
    );
    create unique index cta_commitment_one on cta_commitment (zone_code, year, coalesce(partner_organisation_id::text, partner_kind), indicator);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table cta_commitment, pathway_member, pathway_event, iae_exit, iae_contract_hours, iae_contract,
    approval_prolongation, approval_suspension, approval, orientation_transition, orientation,
    eligibility_criterion, eligibility_diagnosis, siae_position`.execute(db);
  await sql`drop sequence approval_number_seq`.execute(db);
  await sql`alter table person_share drop column basis, drop column until`.execute(db);
}
