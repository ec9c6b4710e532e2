import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

/**
 * Issue 10: the job seeker's file (persons module). Depends only on identity's tables (0003) and
 * the referentials (0002), never on 0013.
 *
 * - person: one file, held by its referent organisation (the one that created it). Situations,
 *   licences, contracts, barriers are codes of persons/rules.ts; wanted jobs are ROME appellation
 *   codes (1 to 5); past jobs a JSON list of { appellationCode, months }. `name_key` (normalised
 *   names) and the birth date, or the France Travail id, find duplicates across organisations.
 *   `version` refuses a stale edit (optimistic concurrency).
 * - person_share: the organisations a file was shared with, with the person's consent date and who
 *   recorded it (RGPD art. 6.1.a and 7.1: the controller must be able to show the consent).
 * - person_history: what happened to the file, shown to those who may read it (the audit log is
 *   the administrators'; this is the counsellors' history).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table person (
      id uuid primary key default gen_random_uuid(),
      referent_organisation_id uuid not null references organisation (id) on delete restrict,
      created_by uuid references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      civility text check (civility in ('madame', 'monsieur')),
      last_name text not null,
      first_name text not null,
      name_key text not null,
      birth_date date not null,
      email text,
      phone text,
      france_travail_id text,
      commune_code text,
      registered_category text check (registered_category in ('A', 'B', 'C', 'D', 'E')),
      situations text[] not null default '{}',
      education_level text,
      driving_licences text[] not null default '{}',
      has_vehicle boolean not null default false,
      mobility_radius_km integer check (mobility_radius_km between 0 and 200),
      mobility_means text[] not null default '{}',
      available_from date,
      working_time text check (working_time in ('full_time', 'part_time', 'any')),
      contract_types text[] not null default '{}',
      wanted_jobs text[] not null default '{}',
      past_jobs jsonb not null default '[]',
      barriers text[] not null default '{}',
      notes text,
      legal_basis text not null check (legal_basis in ('public_service', 'consent')),
      informed_on date not null
    );
    create index person_duplicate_name on person (name_key, birth_date);
    create index person_france_travail_id on person (france_travail_id) where france_travail_id is not null;
    create index person_referent on person (referent_organisation_id, last_name, first_name);
    -- The list searches name tokens anywhere in the normalised names (like '%tok%'): a btree cannot
    -- serve it, a trigram index can (bench/persons.ts: seq scan of every file before).
    create index person_name_trgm on person using gin (name_key gin_trgm_ops);

    create table person_share (
      person_id uuid not null references person (id) on delete cascade,
      organisation_id uuid not null references organisation (id) on delete cascade,
      consent_on date not null,
      recorded_by uuid references app_user (id) on delete set null,
      recorded_by_label text not null,
      shared_at timestamptz not null default now(),
      primary key (person_id, organisation_id)
    );
    create index person_share_organisation on person_share (organisation_id);

    create table person_history (
      id bigserial primary key,
      person_id uuid not null references person (id) on delete cascade,
      occurred_at timestamptz not null default now(),
      action text not null,
      actor_label text,
      organisation_id uuid references organisation (id) on delete set null,
      details jsonb not null default '{}'
    );
    create index person_history_person on person_history (person_id, id);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table person_history, person_share, person`.execute(db);
}
