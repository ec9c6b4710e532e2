import type { Kysely } from 'kysely';
import { runScript } from '../script.js';

/**
 * The regional training catalogue, shaped like LHÉO 2.x: formation → action (a place and its
 * conditions) → session (dates). Rows are keyed by their source feed and LHÉO numbers so that an
 * import is an idempotent upsert; rows a full feed no longer contains are marked withdrawn, never
 * deleted (prescriptions and reports keep pointing at them).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table lheo_import (
      id uuid primary key default gen_random_uuid(),
      source text not null,
      mode text not null check (mode in ('full', 'partial')),
      file_name text not null,
      sha256 text not null,
      size_bytes bigint not null,
      status text not null check (status in ('running', 'done', 'failed')),
      error text,
      formations_total integer not null default 0,
      formations_done integer not null default 0,
      counts jsonb not null default '{}',
      rejected_count integer not null default 0,
      created_by uuid references app_user (id) on delete set null,
      organisation_id uuid references organisation (id) on delete set null,
      started_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index lheo_import_resume on lheo_import (source, sha256) where status = 'running';
    create index lheo_import_recent on lheo_import (started_at desc);

    create table lheo_rejection (
      id bigint generated always as identity primary key,
      import_id uuid not null references lheo_import (id) on delete cascade,
      line integer not null,
      col integer not null,
      element text not null,
      record text not null,
      reason text not null
    );
    create index lheo_rejection_import on lheo_rejection (import_id, id);

    create table training_provider (
      id uuid primary key default gen_random_uuid(),
      source text not null,
      siret char(14) not null,
      lheo_number text,
      activity_number text not null,
      name text not null,
      legal_name text not null,
      address jsonb not null,
      contact jsonb not null,
      organisation_id uuid references organisation (id) on delete set null,
      last_import_id uuid,
      updated_at timestamptz not null default now(),
      unique (source, siret)
    );
    create index training_provider_siret on training_provider (siret);
    create index training_provider_organisation on training_provider (organisation_id);

    create table training (
      id uuid primary key default gen_random_uuid(),
      source text not null,
      lheo_number text not null,
      provider_id uuid not null references training_provider (id),
      title text not null,
      objective text not null,
      expected_results text not null,
      content text not null,
      formacodes text[] not null default '{}',
      nsf_codes text[] not null default '{}',
      rome_codes text[] not null default '{}',
      certifying boolean not null,
      rncp_code text,
      rs_code text,
      entry_level text not null,
      exit_level text,
      course_type text not null,
      url text,
      contact jsonb not null,
      status text not null default 'active' check (status in ('active', 'withdrawn')),
      withdrawn_at timestamptz,
      content_hash text not null,
      last_import_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      search_vector tsvector generated always as (
        setweight(to_tsvector('french', f_unaccent(title)), 'A')
        || setweight(to_tsvector('french', f_unaccent(objective || ' ' || expected_results)), 'B')
        || setweight(to_tsvector('french', f_unaccent(content)), 'C')
      ) stored,
      unique (source, lheo_number)
    );
    create index training_search on training using gin (search_vector);
    create index training_provider_fk on training (provider_id);
    create index training_rome on training using gin (rome_codes);
    create index training_formacode on training using gin (formacodes);
    create index training_rncp on training (rncp_code) where rncp_code is not null;

    create table training_action (
      id uuid primary key default gen_random_uuid(),
      training_id uuid not null references training (id) on delete cascade,
      lheo_number text not null,
      rhythm text not null,
      public_codes text[] not null,
      public_info text,
      entry_level_required boolean not null,
      alternance text not null,
      teaching_mode text not null,
      specific_conditions text not null,
      funding_possible boolean not null,
      entries_exits text not null,
      place jsonb,
      commune_code text references commune (code),
      department_code text,
      latitude double precision,
      longitude double precision,
      hours_centre integer check (hours_centre >= 0),
      hours_company integer check (hours_company >= 0),
      price_total numeric(12, 2) check (price_total >= 0),
      price_hourly numeric(10, 2) check (price_hourly >= 0),
      disability_access text,
      recruitment_terms text,
      funder_codes text[] not null default '{}',
      status text not null default 'active' check (status in ('active', 'withdrawn')),
      withdrawn_at timestamptz,
      last_import_id uuid,
      unique (training_id, lheo_number)
    );
    create index training_action_earth on training_action using gist (ll_to_earth(latitude, longitude)) where latitude is not null;
    create index training_action_department on training_action (department_code);
    create index training_action_funders on training_action using gin (funder_codes);

    create table training_session (
      id uuid primary key default gen_random_uuid(),
      action_id uuid not null references training_action (id) on delete cascade,
      lheo_number text not null,
      start_date date not null,
      end_date date not null,
      recruitment_state text not null check (recruitment_state in ('1', '2', '3')),
      places_total integer check (places_total >= 0),
      places_remaining integer check (places_remaining >= 0),
      registration_address jsonb not null,
      status text not null default 'active' check (status in ('active', 'withdrawn')),
      withdrawn_at timestamptz,
      last_import_id uuid,
      check (end_date >= start_date),
      unique (action_id, lheo_number)
    );
    create index training_session_start on training_session (start_date, action_id) where status = 'active';

    create table action_funder (
      action_id uuid not null references training_action (id) on delete cascade,
      funder_code text not null,
      places integer check (places >= 0),
      primary key (action_id, funder_code)
    );
    create index action_funder_code on action_funder (funder_code);

    create table training_word (word text collate "C" primary key);
    create index training_word_trgm on training_word using gin (word gin_trgm_ops);
    `,
  );
}
