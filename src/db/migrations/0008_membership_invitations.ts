import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

/**
 * Issue 8, holes 2 and 4.
 *
 * An organisation administrator could add any existing account (the super-admin's included) as a
 * member at once; adding an existing person is now an invitation that person answers. One row per
 * invitation keeps who invited whom, as what, when, until when, and how it ended: pending, then
 * accepted, declined, revoked (by the organisation) or expired (found expired when invited again).
 * At most one pending invitation per person and organisation.
 *
 * API tokens could create tokens, which outlived their parent's revocation; a token can no longer
 * create one (only a signed-in person manages credentials). A token created by a token was recorded
 * with no creator (created_by null, the creating actor had no user): they are revoked here, as is
 * any token whose creator's account is gone, because nobody answers for them and a partner system
 * gets a new one from its administrator in a minute. Each revocation is written to the audit log.
 *
 * A super-admin is now never a member of an organisation: the only way one became a member was
 * being added by an organisation's administrator (the hole itself), so such memberships are
 * removed, each with its audit line, and the sessions acting under them act for none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table membership_invitation (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisation (id) on delete cascade,
      user_id uuid not null references app_user (id) on delete cascade,
      email text not null,
      role text not null check (role in ('administrateur', 'conseiller', 'gestionnaire', 'analyste')),
      invited_by uuid references app_user (id) on delete set null,
      invited_at timestamptz not null default now(),
      expires_at timestamptz not null,
      status text not null default 'pending'
        check (status in ('pending', 'accepted', 'declined', 'revoked', 'expired')),
      answered_at timestamptz,
      answered_by uuid references app_user (id) on delete set null,
      check ((status = 'pending') = (answered_at is null))
    );
    create unique index membership_invitation_pending
      on membership_invitation (organisation_id, user_id) where status = 'pending';
    create index membership_invitation_user on membership_invitation (user_id) where status = 'pending';
    `,
  );
  await closeWhatTheHolesLeft(db);
}

/** The data part, on its own so that a test can run it over data the holes could have left. */
export async function closeWhatTheHolesLeft(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    insert into audit_log (actor_label, action, subject_type, subject_id, details)
      select 'migration 0008', 'api_token.revoked', 'api_token', id::text,
        jsonb_build_object('organisationId', organisation_id, 'reason', 'jeton sans créateur : créé par un jeton, ou son créateur n’existe plus')
      from api_token where created_by is null and revoked_at is null;
    update api_token set revoked_at = now() where created_by is null and revoked_at is null;

    insert into audit_log (actor_label, action, subject_type, subject_id, details)
      select 'migration 0008', 'membership.removed', 'user', m.user_id::text,
        jsonb_build_object('organisationId', m.organisation_id, 'role', m.role,
          'reason', 'un super-administrateur n’est membre d’aucune organisation')
      from membership m join app_user u on u.id = m.user_id where u.is_super_admin;
    update user_session s set organisation_id = null from app_user u
      where u.id = s.user_id and u.is_super_admin;
    delete from membership m using app_user u where u.id = m.user_id and u.is_super_admin;
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table membership_invitation`.execute(db);
}
