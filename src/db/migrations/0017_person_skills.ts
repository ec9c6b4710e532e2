import { type Kysely, sql } from 'kysely';

/**
 * Issue 10 §1: a person's declared skills, ROME 4.0 skill codes (rome_skill.code, migration 0013).
 * An array of codes like wanted_jobs (0014): checked against the loaded skills by the service, not
 * by a foreign key, since a reload of ROME keeps a code that disappears (rome4-repository.ts) and a
 * file must stay readable whatever the referential's version.
 *
 * And person_history.actor_user_id: who acted, so that the history shows their name and
 * organisation (a counsellor walk found the actor's e-mail address there, another organisation's
 * member's included). Rows written before keep their label only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table person add column skills text[] not null default '{}'`.execute(db);
  await sql`alter table person_history add column actor_user_id uuid references app_user (id) on delete set null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table person_history drop column actor_user_id`.execute(db);
  await sql`alter table person drop column skills`.execute(db);
}
