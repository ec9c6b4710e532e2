import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import type { Db } from '../../db/database.js';
import { closeWhatTheHolesLeft } from '../../db/migrations/0008_membership_invitations.js';

/** What migration 0008 does to data the holes of issue 8 (2 and 4) may have left behind. */
describe.each(testEngines())('migration 0008 on %s', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine));
  });
  afterAll(() => drop());

  it('revokes tokens nobody created (made by a token) and removes memberships of super-admins, auditing each', async () => {
    const { rows: orgs } = await sql<{ id: string }>`
      insert into organisation (name, kind) values ('Mission locale Test', 'mission_locale') returning id`.execute(
      db,
    );
    const org = orgs[0]!.id;
    const { rows: users } = await sql<{ id: string; super: boolean }>`
      insert into app_user (email, first_name, last_name, is_super_admin)
      values ('super@test.fr', 'Su', 'Per', true), ('admin@test.fr', 'Ad', 'Min', false)
      returning id, is_super_admin as super`.execute(db);
    const superId = users.find((u) => u.super)!.id;
    const adminId = users.find((u) => !u.super)!.id;
    await sql`insert into membership (user_id, organisation_id, role)
      values (${superId}, ${org}, 'conseiller'), (${adminId}, ${org}, 'administrateur')`.execute(db);
    await sql`insert into user_session (id, user_id, organisation_id, expires_at)
      values ('s1', ${superId}, ${org}, now() + interval '1 hour')`.execute(db);
    await sql`insert into api_token (organisation_id, name, role, token_hash, token_prefix, created_by) values
      (${org}, 'Par une personne', 'administrateur', 'h1', 'psl_a', ${adminId}),
      (${org}, 'Par un jeton', 'administrateur', 'h2', 'psl_b', null)`.execute(db);

    await closeWhatTheHolesLeft(db as unknown as Kysely<unknown>);

    const tokens = await sql<{ name: string; revoked: boolean }>`
      select name, revoked_at is not null as revoked from api_token order by name`.execute(db);
    expect(tokens.rows).toEqual([
      { name: 'Par un jeton', revoked: true },
      { name: 'Par une personne', revoked: false },
    ]);
    const members = await sql<{ user_id: string }>`select user_id from membership`.execute(db);
    expect(members.rows).toEqual([{ user_id: adminId }]);
    const session = await sql<{ organisation_id: string | null }>`
      select organisation_id from user_session where id = 's1'`.execute(db);
    expect(session.rows[0]!.organisation_id).toBeNull();
    const audit = await sql<{ action: string; actor_label: string }>`
      select action, actor_label from audit_log order by id`.execute(db);
    expect(audit.rows).toEqual([
      { action: 'api_token.revoked', actor_label: 'migration 0008' },
      { action: 'membership.removed', actor_label: 'migration 0008' },
    ]);

    // Running it again changes nothing.
    await closeWhatTheHolesLeft(db as unknown as Kysely<unknown>);
    const again = await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(db);
    expect(again.rows[0]!.n).toBe(2);
  });
});
