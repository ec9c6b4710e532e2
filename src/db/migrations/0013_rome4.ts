import type { Kysely } from 'kysely';
import { runScript } from '../script.js';

/**
 * Issue 10 §4: the ROME 4.0 referential (France Travail, v4.60) beside the v3 trades. The rows come
 * from data/referentials/rome4 (load:referentials), never from this migration.
 *
 * - rome_metier: the 1,584 métier codes of ROME 4.0; each one's `code_rome_parent` is one of the 532
 *   v3-compatible trades already in rome_trade, which the training offer and the appellations keep
 *   pointing at (style: key by appellation, trades churn between versions).
 * - rome_skill: savoir-faire and savoir-être (referentiel_competence) and savoirs (referentiel_savoir)
 *   in one table: their code_ogr never collide (checked on v4.60), and a person's declared skill or
 *   an offer's required one may be either. `search_text` is the searchForm of the label (lower case,
 *   no accents), matched by word prefix through a trigram index, as the appellation autocomplete
 *   tolerates accents and case.
 * - rome_metier_skill: coherence_item's links to skills, `core` = coeur_metier (Principale, Émergente
 *   or none); its links to work contexts go to rome_metier_work_context.
 * - rome_mobility: rubrique_mobilite, the close métiers of a métier in France Travail's order
 *   (`numero_ordre`, 1 first).
 * - rome_appellation.metier_code: the ROME 4.0 métier of each appellation (every v3 appellation keeps
 *   its code and its trade). Nullable: an appellation the ROME 4.0 file lacks keeps none.
 * - referential_load.version: the version of the loaded data ('4.60' for ROME 4.0), shown in the UI.
 *
 * The link tables (métier ↔ skill, ↔ work context, mobility) and rome_skill.macro_code carry no
 * foreign keys: PostgreSQL checks a foreign key row by row, and the 90,556 métier ↔ skill links
 * took 6.0 s to insert with their two keys instead of 0.8 s without (PGlite, measured on the shared
 * 2-core machine), a cost every test run pays when it builds its template database. Only the
 * referential loader writes these tables, in one transaction, and it drops any link whose code is
 * unknown (rome4-sources.ts); the tables that point at the referential (appellations here, persons
 * and offers later) keep theirs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    alter table referential_load add column version text;
    create table rome_grand_domain (
      code text primary key check (code ~ '^[A-Z]$'),
      label text not null
    );
    create table rome_domain (
      code text primary key check (code ~ '^[A-Z][0-9]{2}$'),
      label text not null,
      grand_domain_code text not null references rome_grand_domain (code)
    );
    create table rome_metier (
      code text primary key check (code ~ '^[A-Z][0-9]{4}$'),
      label text not null,
      ogr_code text not null,
      trade_code text not null references rome_trade (code),
      domain_code text not null references rome_domain (code),
      ecological_transition text check (ecological_transition in ('vert', 'brun', 'blanc', 'strategique')),
      digital_transition boolean,
      demographic_transition boolean,
      regulated boolean,
      executive boolean,
      definition text,
      access text
    );
    create index rome_metier_trade on rome_metier (trade_code);
    create table rome_skill (
      code text primary key,
      kind text not null check (kind in ('savoir_faire', 'savoir_etre', 'savoir')),
      label text not null,
      category text,
      sub_category text,
      is_macro boolean not null,
      macro_code text,
      definition text,
      search_text text not null
    );
    create index rome_skill_search on rome_skill using gin (search_text gin_trgm_ops);
    create table rome_metier_skill (
      metier_code text not null,
      skill_code text not null,
      core text check (core in ('principale', 'emergente')),
      primary key (metier_code, skill_code)
    );
    create index rome_metier_skill_skill on rome_metier_skill (skill_code);
    create table rome_mobility (
      from_code text not null,
      to_code text not null,
      rank smallint not null check (rank > 0),
      primary key (from_code, to_code)
    );
    create table rome_work_context (
      code text primary key,
      label text not null,
      type_code text not null,
      type_label text not null
    );
    create table rome_metier_work_context (
      metier_code text not null,
      context_code text not null,
      primary key (metier_code, context_code)
    );
    alter table rome_appellation add column metier_code text references rome_metier (code);
    create index rome_appellation_metier on rome_appellation (metier_code);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    alter table rome_appellation drop column metier_code;
    drop table rome_metier_work_context, rome_work_context, rome_mobility, rome_metier_skill, rome_skill,
      rome_metier, rome_domain, rome_grand_domain;
    alter table referential_load drop column version;
  `,
  );
}
