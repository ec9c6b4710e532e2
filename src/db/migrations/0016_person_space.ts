import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

/**
 * Issue 10 §1 (end) and §2: the person's own space, the RGPD rights, the town hall's contact point.
 * Depends on 0014 (person) and 0003 (organisation) only.
 *
 * - person.employer_visible: the person's own choice that employers may see their profile without
 *   their name (off until they say yes: RGPD art. 25.2, privacy by default).
 * - person.last_activity_at: the last contact (an edit, a share, a sign-in to the space), from which
 *   the retention period runs (persons/retention.ts, PERSON_RETENTION_MONTHS).
 * - person.registered_by_organisation_id / handover_consent_on: a file a town hall registered and
 *   handed to an accompanying organisation, with the day the person agreed to the handover. The town
 *   hall keeps no access: access follows the referent and the shares only (rights.ts).
 * - person_account: the person was invited to their space (invited, first and last sign-in).
 * - person_link: the e-mailed links (invitation, sign-in each time), stored hashed (SHA-256 of a
 *   256-bit random token, as identity's sessions and API tokens), expiring, single use.
 * - person_session: the space's sessions (cookie `passerelle_personne`), token stored hashed.
 * - person_erasure: what stays of an erased file: its former id (the audit lines' subject), its
 *   referent organisation, when and why it was erased, by whom; no name, no contact, no facet.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    alter table person add column employer_visible boolean not null default false;
    alter table person add column last_activity_at timestamptz not null default now();
    alter table person add column registered_by_organisation_id uuid references organisation (id) on delete set null;
    alter table person add column handover_consent_on date;
    create index person_last_activity on person (last_activity_at);

    create table person_account (
      person_id uuid primary key references person (id) on delete cascade,
      invited_at timestamptz not null default now(),
      invited_by_label text not null,
      activated_at timestamptz,
      last_sign_in_at timestamptz
    );

    create table person_link (
      token_hash text primary key,
      person_id uuid not null references person (id) on delete cascade,
      purpose text not null check (purpose in ('invitation', 'sign_in')),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index person_link_person on person_link (person_id);

    create table person_session (
      token_hash text primary key,
      person_id uuid not null references person (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index person_session_person on person_session (person_id);

    create table person_erasure (
      id bigserial primary key,
      person_id uuid not null unique,
      referent_organisation_id uuid references organisation (id) on delete set null,
      reason text not null check (reason in ('request', 'retention')),
      file_created_at timestamptz not null,
      last_activity_at timestamptz not null,
      erased_at timestamptz not null default now(),
      erased_by_label text not null
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table person_erasure, person_session, person_link, person_account`.execute(db);
  await sql`alter table person drop column employer_visible, drop column last_activity_at,
    drop column registered_by_organisation_id, drop column handover_consent_on`.execute(db);
}
