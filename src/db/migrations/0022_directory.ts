import type { Kysely } from 'kysely';
import { runScript } from '../script.js';

/**
 * Directory of the region's partners (issue 13, directory module), in the data·inclusion schema
 * v1.0.8 (data/data-inclusion/): columns carry the schema's field names so that import and export
 * are a plain mapping.
 *
 * - directory_structure: a structure (« structure » of the schema), keyed by the producer
 *   (`source`) and the producer's id (`source_id`, the schema's `id`): an import of the same file
 *   twice updates instead of adding. `organisation_id` is the Passerelle organisation that publishes
 *   it (records published here have source 'passerelle'); an imported structure gets one when its
 *   SIRET is an organisation's.
 * - directory_service: a service (« service » of the schema) of a structure. The search columns are
 *   a projection written with the record: `search_vector` (name A, thématiques' labels B,
 *   description C; French stems of unaccented text), the effective point (the service's own place,
 *   else its structure's) with its department, indexed by GiST on ll_to_earth for radius search.
 * - directory_word: the stems of the services' texts, for typo correction (pg_trgm), refreshed by
 *   every write (as training_word for the catalogue).
 * - directory_import_run: one import of a data·inclusion file: counts and every rejected record
 *   with every problem found in it.
 * - directory_review_notice: when an organisation was last reminded of its records older than
 *   6 months (issue 13 §5), so the nightly job does not remind it every night.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table directory_structure (
      id uuid primary key default gen_random_uuid(),
      source text not null check (length(source) between 1 and 100),
      source_id text not null check (length(source_id) between 1 and 300),
      organisation_id uuid references organisation (id),
      nom text not null,
      siret char(14) check (siret ~ '^[0-9]{14}$'),
      adresse text,
      complement_adresse text,
      code_postal text,
      code_insee text,
      commune text,
      latitude double precision,
      longitude double precision,
      telephone text,
      courriel text,
      site_web text,
      lien_source text,
      horaires_accueil text,
      accessibilite_lieu text,
      reseaux_porteurs text[] not null default '{}',
      description text,
      date_maj date not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source, source_id)
    );
    create index directory_structure_organisation on directory_structure (organisation_id);
    create index directory_structure_siret on directory_structure (siret) where siret is not null;
    create index directory_structure_nom_trgm on directory_structure using gin (lower(f_unaccent(nom)) gin_trgm_ops);

    create table directory_service (
      id uuid primary key default gen_random_uuid(),
      source text not null check (length(source) between 1 and 100),
      source_id text not null check (length(source_id) between 1 and 300),
      structure_id uuid not null references directory_structure (id) on delete cascade,
      nom text not null,
      description text not null,
      type text,
      thematiques text[] not null default '{}',
      publics text[] not null default '{}',
      publics_precisions text,
      frais text,
      frais_precisions text,
      conditions_acces text,
      modes_accueil text[] not null default '{}',
      modes_mobilisation text[] not null default '{}',
      mobilisable_par text[] not null default '{}',
      mobilisation_precisions text,
      lien_mobilisation text,
      zone_eligibilite text[],
      volume_horaire_hebdomadaire double precision,
      nombre_semaines integer,
      adresse text,
      complement_adresse text,
      code_postal text,
      code_insee text,
      commune text,
      latitude double precision,
      longitude double precision,
      telephone text,
      courriel text,
      contact_nom_prenom text,
      horaires_accueil text,
      lien_source text,
      date_maj date not null,
      search_vector tsvector not null default ''::tsvector,
      place_latitude double precision,
      place_longitude double precision,
      place_department text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source, source_id)
    );
    create index directory_service_structure on directory_service (structure_id);
    create index directory_service_vector on directory_service using gin (search_vector);
    create index directory_service_thematiques on directory_service using gin (thematiques);
    create index directory_service_earth on directory_service using gist (ll_to_earth(place_latitude, place_longitude))
      where place_latitude is not null;
    create index directory_service_date_maj on directory_service (date_maj);
    -- Remote services around a commune: those whose eligibility area names the commune, its
    -- department, its EPCI or France (no area: France). Without it the search reads every row.
    create index directory_service_remote_zone on directory_service
      using gin ((coalesce(zone_eligibilite, '{france}'::text[]))) where 'a-distance' = any(modes_accueil);

    create table directory_word (word text collate "C" primary key);
    create index directory_word_trgm on directory_word using gin (word gin_trgm_ops);

    create table directory_import_run (
      id uuid primary key default gen_random_uuid(),
      source text not null,
      file_name text not null,
      format text not null check (format in ('json', 'csv')),
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      status text not null default 'running' check (status in ('running', 'done', 'failed')),
      structures_created integer not null default 0,
      structures_updated integer not null default 0,
      services_created integer not null default 0,
      services_updated integer not null default 0,
      unchanged integer not null default 0,
      rejected integer not null default 0,
      rejections jsonb not null default '[]',
      error text,
      user_id uuid references app_user (id),
      actor_label text not null
    );
    create index directory_import_run_started on directory_import_run (started_at desc);

    create table directory_review_notice (
      organisation_id uuid primary key references organisation (id),
      sent_at timestamptz not null,
      stale_count integer not null
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    'drop table directory_review_notice, directory_import_run, directory_word, directory_service, directory_structure',
  );
}
