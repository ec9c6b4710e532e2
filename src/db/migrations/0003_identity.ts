import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table organisation (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 2 and 200),
      kind text not null,
      siret char(14) check (siret ~ '^[0-9]{14}$'),
      commune_code text references commune (code),
      email text,
      phone text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index organisation_siret on organisation (siret) where siret is not null;
    create index organisation_kind on organisation (kind);
    create index organisation_name_trgm on organisation using gin (lower(f_unaccent(name)) gin_trgm_ops);

    create table app_user (
      id uuid primary key default gen_random_uuid(),
      email text not null,
      first_name text not null,
      last_name text not null,
      password_hash text,
      is_super_admin boolean not null default false,
      is_active boolean not null default true,
      created_at timestamptz not null default now(),
      last_login_at timestamptz
    );
    create unique index app_user_email on app_user (lower(email));

    create table membership (
      user_id uuid not null references app_user (id) on delete cascade,
      organisation_id uuid not null references organisation (id) on delete cascade,
      role text not null check (role in ('administrateur', 'conseiller', 'gestionnaire', 'analyste')),
      created_at timestamptz not null default now(),
      primary key (user_id, organisation_id)
    );
    create index membership_organisation on membership (organisation_id);

    create table user_session (
      id text primary key,
      user_id uuid not null references app_user (id) on delete cascade,
      organisation_id uuid references organisation (id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ip text,
      user_agent text
    );
    create index user_session_user on user_session (user_id);
    create index user_session_expiry on user_session (expires_at);

    create table api_token (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisation (id) on delete cascade,
      name text not null,
      role text not null check (role in ('administrateur', 'conseiller', 'gestionnaire', 'analyste')),
      token_hash text not null unique,
      token_prefix text not null,
      created_by uuid references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_token_organisation on api_token (organisation_id);

    -- Append-only: who did or read what, when, from which organisation.
    create table audit_log (
      id bigint generated always as identity primary key,
      occurred_at timestamptz not null default now(),
      actor_user_id uuid,
      actor_label text,
      actor_organisation_id uuid,
      action text not null,
      subject_type text,
      subject_id text,
      details jsonb not null default '{}',
      ip text
    );
    create index audit_log_occurred on audit_log (occurred_at desc, id desc);
    create index audit_log_actor_org on audit_log (actor_organisation_id, occurred_at desc);
    create index audit_log_subject on audit_log (subject_type, subject_id);

    -- Outbox: state changes recorded in the same transaction, consumed by notifications later.
    create table domain_event (
      id bigint generated always as identity primary key,
      occurred_at timestamptz not null default now(),
      type text not null,
      actor_user_id uuid,
      payload jsonb not null default '{}',
      processed_at timestamptz
    );
    create index domain_event_pending on domain_event (id) where processed_at is null;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table domain_event, audit_log, api_token, user_session, membership, app_user, organisation`.execute(
    db,
  );
}
