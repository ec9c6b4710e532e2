import { type Kysely, sql } from 'kysely';

/**
 * Issue 10's speed targets: « Mes personnes » over 300,000 files, and the offer import's memory.
 *
 * « Mes personnes » at 300,000 files: the list read every file its organisation holds or
 * was shared (a union of ids, then one heap fetch per file, then a sort) for each page and again for
 * its count — 13 to 35 ms at 20,000 files, linear in the organisation's size (bench/persons.ts).
 *
 * person_access: one row per (organisation, file) it may list — its own files (is_referent) and
 * those shared with it — carrying the sort columns and the list's few filter columns. One btree
 * (organisation_id, last_name, first_name, person_id), covering the filter columns, serves a page by
 * an ordered index scan stopped after offset + 20 rows and the exact count by an index-only scan;
 * the name search has its own trigram index. Kept in step by statement triggers on person and
 * person_share (same SQL on PGlite and PostgreSQL), so the persons module's writes need no change:
 * every write recomputes the rows of the files it touched from person and person_share.
 */
const FILTER_COLUMNS =
  'last_name, first_name, name_key, france_travail_id, situations, birth_date, commune_code, available_from';

const REFRESH_SELECT = (ids: string) => `
  select p.referent_organisation_id, p.id, true, ${FILTER_COLUMNS.split(', ')
    .map((c) => `p.${c}`)
    .join(', ')}
  from person p where p.id in (select id from ${ids})
  union all
  select s.organisation_id, p.id, false, ${FILTER_COLUMNS.split(', ')
    .map((c) => `p.${c}`)
    .join(', ')}
  from person_share s join person p on p.id = s.person_id
  where s.person_id in (select id from ${ids}) and s.organisation_id <> p.referent_organisation_id`;

/** A trigger function recomputing the access rows of the files named by `ids` (a transition table). */
const refreshFunction = (name: string, ids: string) => `
  create function ${name}() returns trigger language plpgsql as $fn$
  begin
    delete from person_access a where a.person_id in (select id from ${ids});
    insert into person_access (organisation_id, person_id, is_referent, ${FILTER_COLUMNS})
    ${REFRESH_SELECT(ids)};
    return null;
  end $fn$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table person_access (
      organisation_id uuid not null references organisation (id) on delete cascade,
      person_id uuid not null references person (id) on delete cascade,
      is_referent boolean not null,
      last_name text not null,
      first_name text not null,
      name_key text not null,
      france_travail_id text,
      situations text[] not null,
      birth_date date not null,
      commune_code text,
      available_from date,
      primary key (organisation_id, person_id)
    )`,
    // The page's order (that of person: last name, first name, id) and, included, every column a
    // filter reads: the count of a filtered list is an index-only scan of the organisation's entries.
    `create index person_access_list on person_access (organisation_id, last_name, first_name, person_id)
      include (is_referent, name_key, france_travail_id, situations, birth_date, commune_code, available_from)`,
    'create index person_access_person on person_access (person_id)',
    // The search box's France Travail id (« or » with the name tokens: a bitmap or of both indexes).
    'create index person_access_france_travail_id on person_access (france_travail_id) where france_travail_id is not null',
    // Name tokens anywhere in the normalised names (like '%tok%'), as before on person.
    'create index person_access_name_trgm on person_access using gin (name_key gin_trgm_ops)',
    `insert into person_access (organisation_id, person_id, is_referent, ${FILTER_COLUMNS})
      ${REFRESH_SELECT('person')}`,
    // Transition tables hold the rows a statement touched: one insert … select per statement
    // rather than one per row (the benchmark inserts 300,000 files in a few statements).
    refreshFunction('person_access_from_new_persons', 'new_persons'),
    refreshFunction('person_access_from_new_shares', '(select person_id as id from new_shares) n'),
    refreshFunction('person_access_from_old_shares', '(select person_id as id from old_shares) o'),
    `create trigger person_access_insert after insert on person
      referencing new table as new_persons for each statement execute function person_access_from_new_persons()`,
    `create trigger person_access_update after update on person
      referencing new table as new_persons for each statement execute function person_access_from_new_persons()`,
    `create trigger person_share_access_insert after insert on person_share
      referencing new table as new_shares for each statement execute function person_access_from_new_shares()`,
    `create trigger person_share_access_update after update on person_share
      referencing new table as new_shares for each statement execute function person_access_from_new_shares()`,
    `create trigger person_share_access_update_old after update on person_share
      referencing old table as old_shares for each statement execute function person_access_from_old_shares()`,
    `create trigger person_share_access_delete after delete on person_share
      referencing old table as old_shares for each statement execute function person_access_from_old_shares()`,
    // The department filter reads the department's communes (a few hundred of 35,000).
    'create index if not exists commune_department on commune (department_code)',
    'analyze person_access',
    // The ids a running offer import has read (a full feed withdraws the source's other offers):
    // held in the database rather than in the importer's memory or one parameter of 1,000,000 ids.
    // Unlogged: written once per record, read once at the end, emptied when the import finishes
    // (a crash's rows are removed by the next import); nothing to keep through a server crash.
    `create unlogged table job_offer_import_seen (
      import_id uuid not null,
      source_id text not null,
      primary key (import_id, source_id)
    )`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const s of [
    'drop table job_offer_import_seen',
    'drop index if exists commune_department',
    'drop trigger person_access_insert on person',
    'drop trigger person_access_update on person',
    'drop trigger person_share_access_insert on person_share',
    'drop trigger person_share_access_update on person_share',
    'drop trigger person_share_access_update_old on person_share',
    'drop trigger person_share_access_delete on person_share',
    'drop function person_access_from_new_persons(), person_access_from_new_shares(), person_access_from_old_shares()',
    'drop table person_access',
  ])
    await sql.raw(s).execute(db);
}
