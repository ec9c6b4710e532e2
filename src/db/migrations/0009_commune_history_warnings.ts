import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

/**
 * Issue 9, §2: real feeds carry historic INSEE codes and report problems that are not rejections.
 *
 * commune_history: the codes of communes that no longer exist on their own (merged into a
 * "commune nouvelle", associated, delegated, or renumbered), each with the current commune it
 * belongs to and, where the COG still names it, its historic name (a feed's <ville> often carries
 * it). Loaded by `load:referentials` from @etalab/decoupage-administratif (INSEE COG); no foreign
 * key to commune: the two are loaded from different sources and the import checks both.
 *
 * lheo_rejection gains a severity: a warning (a historic code resolved, coordinates replaced, an
 * element Passerelle does not keep) is listed in the same report, beside the rejections, and
 * counted apart on the run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table commune_history (
      code text primary key check (code ~ '^[0-9][0-9AB][0-9]{3}$'),
      name text,
      current_code text not null,
      kind text not null check (kind in ('deleguee', 'associee', 'ancienne')),
      department_code text not null
    );
    create index commune_history_current on commune_history (current_code);

    alter table lheo_rejection add column severity text not null default 'error'
      check (severity in ('error', 'warning'));
    alter table lheo_import add column warning_count integer not null default 0;
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table commune_history`.execute(db);
  await sql`alter table lheo_rejection drop column severity`.execute(db);
  await sql`alter table lheo_import drop column warning_count`.execute(db);
}
