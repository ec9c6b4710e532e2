import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

/**
 * Issue 10 §3: offer imports from the web and the API (offers module), as LHÉO imports are
 * (0007 feed sources). A full feed closes what its source no longer sends, so whoever may import
 * under a source may empty it: each source has one owner.
 *
 * - job_offer_feed_source: a feed's name and the organisation that owns it (null: the platform's, e.g.
 *   France Travail's feed declared by the super-admin). The sources existing offers carry become
 *   the platform's.
 * - job_offer_import: who ran it (organisation_id, to list an organisation's imports), its warnings
 *   count, and a full feed's withdrawal held for confirmation (withdrawal_held: how many offers;
 *   withdrawal_decision once decided).
 * - job_offer_import_held: the offers a held withdrawal would close, fixed when the feed was read,
 *   so a confirmation closes exactly what the person was shown.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table job_offer_feed_source (
      name text primary key,
      organisation_id uuid references organisation (id) on delete restrict,
      created_at timestamptz not null default now()
    );
    insert into job_offer_feed_source (name)
      select distinct source from job_offer where source is not null;

    alter table job_offer_import
      add column organisation_id uuid references organisation (id) on delete set null,
      add column warnings integer not null default 0,
      add column withdrawal_held integer,
      add column withdrawal_decision text check (withdrawal_decision in ('confirmed', 'cancelled'));
    create index job_offer_import_organisation on job_offer_import (organisation_id, started_at desc);

    create table job_offer_import_held (
      import_id uuid not null references job_offer_import (id) on delete cascade,
      offer_id uuid not null references job_offer (id) on delete cascade,
      primary key (import_id, offer_id)
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table job_offer_import_held, job_offer_feed_source`.execute(db);
  await sql`alter table job_offer_import drop column organisation_id, drop column warnings,
    drop column withdrawal_held, drop column withdrawal_decision`.execute(db);
}
