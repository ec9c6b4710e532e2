import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

/**
 * Issue 10 §3: employers' job offers (offers module). Depends on identity's tables (0003) and the
 * referentials (0002), never on 0013: skills are ROME 4.0 OGR codes kept as text.
 *
 * - job_offer: one offer, published by an organisation (employer or SIAE) or imported from a
 *   source (`source`, `source_id`: idempotent re-import; `content_hash`
 *   tells an unchanged record from an updated one). Keyed by ROME appellation (STYLE.md),
 *   the trade (`rome_code`) derived from it; an imported offer may name only its trade.
 *   Contract, experience, level, licences: codes of offers/rules.ts. Salary in monthly gross cents.
 *   `state` follows rules.ts OFFER_TRANSITIONS; `version` refuses a stale edit.
 * - job_offer_transition: every change of state, with who and when (issue 10: every transition logged).
 * - job_offer_import and job_offer_import_issue: an import run of a source's feed and its
 *   rejections and warnings, per record and field (as LHÉO imports do).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table job_offer (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid references organisation (id) on delete restrict,
      source text,
      source_id text,
      created_by uuid references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      state text not null default 'draft' check (state in ('draft', 'published', 'filled', 'closed', 'expired')),
      published_at timestamptz,
      expires_on date,
      appellation_code text,
      rome_code text not null,
      title text not null,
      description text not null,
      commune_code text,
      place_label text,
      remote boolean not null default false,
      contract_type text not null,
      duration_months integer check (duration_months between 1 and 36),
      working_time text check (working_time in ('full_time', 'part_time')),
      weekly_hours numeric(4, 1) check (weekly_hours > 0 and weekly_hours <= 48),
      salary_min_cents bigint check (salary_min_cents >= 0),
      salary_max_cents bigint check (salary_max_cents >= 0),
      salary_label text,
      positions integer not null default 1 check (positions between 1 and 500),
      start_date date,
      required_skills text[] not null default '{}',
      wished_skills text[] not null default '{}',
      driving_licences text[] not null default '{}',
      experience text not null default 'D' check (experience in ('D', 'S', 'E')),
      experience_months integer check (experience_months between 0 and 600),
      education_level text,
      accessible_disability boolean not null default false,
      employer_name text,
      employer_siret text,
      origin_url text,
      source_updated_at timestamptz,
      content_hash text,
      check (salary_min_cents is null or salary_max_cents is null or salary_min_cents <= salary_max_cents),
      check ((source is null) = (source_id is null)),
      check (organisation_id is not null or source is not null)
    );
    create unique index job_offer_source on job_offer (source, source_id) where source is not null;
    create index job_offer_organisation on job_offer (organisation_id, state, updated_at desc);
    create index job_offer_published on job_offer (state, rome_code, commune_code);
    create index job_offer_appellation on job_offer (appellation_code) where appellation_code is not null;

    create table job_offer_transition (
      id bigserial primary key,
      offer_id uuid not null references job_offer (id) on delete cascade,
      occurred_at timestamptz not null default now(),
      from_state text,
      to_state text not null,
      actor_label text not null,
      reason text
    );
    create index job_offer_transition_offer on job_offer_transition (offer_id, id);

    create table job_offer_import (
      id uuid primary key default gen_random_uuid(),
      source text not null,
      file_name text not null,
      full_feed boolean not null default false,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      status text not null default 'running' check (status in ('running', 'done', 'failed')),
      actor_label text not null,
      records integer not null default 0,
      created integer not null default 0,
      updated integer not null default 0,
      unchanged integer not null default 0,
      rejected integer not null default 0,
      withdrawn integer not null default 0,
      error text
    );
    create index job_offer_import_source on job_offer_import (source, started_at desc);

    create table job_offer_import_issue (
      id bigserial primary key,
      import_id uuid not null references job_offer_import (id) on delete cascade,
      record_index integer not null,
      record_id text,
      field text not null,
      severity text not null check (severity in ('rejection', 'warning')),
      message text not null
    );
    create index job_offer_import_issue_import on job_offer_import_issue (import_id, record_index);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table job_offer_import_issue, job_offer_import, job_offer_transition, job_offer`.execute(db);
}
