import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { DEMO_PASSWORD } from '../src/demo.js';
import { hashPassword } from '../src/modules/identity/credentials.js';

/** Fixtures of the persons module's tests: organisations, members, files, without the demo region. */
export async function organisation(db: Db, kind: string, name = `${kind} ${randomUUID().slice(0, 6)}`) {
  const { rows } = await sql<{ id: string }>`
    insert into organisation (name, kind) values (${name}, ${kind}) returning id`.execute(db);
  return rows[0]!.id;
}

let hash: Promise<string> | null = null;
/** A member of the organisation; returns the e-mail address to sign in with (demo password). */
export async function member(db: Db, organisationId: string, role = 'conseiller') {
  hash ??= hashPassword(DEMO_PASSWORD);
  const email = `f.${randomUUID().slice(0, 8)}@passerelle.test`;
  await sql`
    with u as (insert into app_user (email, first_name, last_name, password_hash)
      values (${email}, 'Camille', 'Conseil', ${await hash}) returning id)
    insert into membership (user_id, organisation_id, role) select u.id, ${organisationId}, ${role} from u`.execute(
    db,
  );
  return email;
}

export async function firstAppellation(db: Db) {
  return (await sql<{ code: string }>`select code from rome_appellation order by code limit 1`.execute(db))
    .rows[0]!.code;
}
