import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

/**
 * Issue 9 §5: the INSEE employment zone (zonage en zones d'emploi 2020) as an area level of the
 * funders' page beside the department. The rows come from data/referentials (load:referentials),
 * not from this migration.
 *
 * The commune → zone link is its own table rather than a column of commune: the commune
 * referential (2024) is newer than the zoning's commune list, so a commune's zone is sometimes
 * found through another code (a commune déléguée of a commune nouvelle, the commune of a
 * municipal arrondissement), and `resolved_via` keeps how, for an analyst who doubts a figure.
 * A commune with no row has no known zone (overseas collectivities outside the zoning, a few
 * codes the COG no longer knows): the page says « zone non renseignée », never a guess.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table employment_zone (
      code text primary key check (code ~ '^[0-9]{4}$'),
      name text not null
    );
    create table commune_employment_zone (
      commune_code text primary key references commune (code),
      zone_code text not null references employment_zone (code),
      resolved_via text not null check (resolved_via in ('insee', 'commune_deleguee', 'arrondissement'))
    );
    create index commune_employment_zone_zone on commune_employment_zone (zone_code);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table commune_employment_zone, employment_zone`.execute(db);
}
