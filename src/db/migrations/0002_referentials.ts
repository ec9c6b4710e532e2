import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table region (code text primary key, name text not null);
    create table department (code text primary key, name text not null, region_code text not null);
    create table epci (code text primary key, name text not null);
    create table commune (
      code text primary key check (code ~ '^[0-9][0-9AB][0-9]{3}$'),
      name text not null,
      kind text not null check (kind in ('commune', 'arrondissement')),
      search_text text not null,
      department_code text not null,
      region_code text,
      epci_code text,
      population integer,
      postal_codes text[] not null default '{}',
      latitude double precision not null,
      longitude double precision not null
    );
    create index commune_postal_codes on commune using gin (postal_codes);
    create index commune_earth on commune using gist (ll_to_earth(latitude, longitude));
    create table rome_trade (code text primary key, label text not null, search_text text not null);
    create table rome_appellation (
      code text primary key,
      label text not null,
      rome_code text not null references rome_trade (code),
      search_text text not null
    );
    create index rome_appellation_rome on rome_appellation (rome_code);
    create table referential_load (
      name text primary key,
      source text not null,
      row_count integer not null,
      loaded_at timestamptz not null
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table referential_load, rome_appellation, rome_trade, commune, epci, department, region`.execute(
    db,
  );
}
