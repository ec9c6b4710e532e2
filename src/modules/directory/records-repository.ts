import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { labelsOf } from './enums.js';
import { type DiService, type DiStructure, SERVICE_FIELDS, STRUCTURE_FIELDS } from './records.js';

type Executor = Db | Transaction<Database>;
export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/** A stored structure, with the columns the pages need beside the schema's fields. */
export interface StoredStructure extends DiStructure {
  uuid: string;
  organisationId: string | null;
  version: number;
  updatedAt: string;
}
/** A stored service, with its structure's name and the place it is searched at. */
export interface StoredService extends DiService {
  uuid: string;
  structureUuid: string;
  structureNom: string;
  organisationId: string | null;
  version: number;
  updatedAt: string;
}

const iso = (d: unknown): string =>
  d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const list = (v: string[] | null | undefined): string[] | null => (v?.length ? v : null);

function structureOf(r: Record<string, unknown>): StoredStructure {
  return {
    uuid: r.id as string,
    organisationId: (r.organisation_id as string | null) ?? null,
    version: Number(r.version),
    updatedAt: new Date(r.updated_at as string).toISOString(),
    source: r.source as string,
    id: r.source_id as string,
    nom: r.nom as string,
    date_maj: iso(r.date_maj),
    siret: (r.siret as string | null) ?? null,
    adresse: (r.adresse as string | null) ?? null,
    complement_adresse: (r.complement_adresse as string | null) ?? null,
    code_postal: (r.code_postal as string | null) ?? null,
    code_insee: (r.code_insee as string | null) ?? null,
    commune: (r.commune as string | null) ?? null,
    latitude: num(r.latitude),
    longitude: num(r.longitude),
    telephone: (r.telephone as string | null) ?? null,
    courriel: (r.courriel as string | null) ?? null,
    site_web: (r.site_web as string | null) ?? null,
    lien_source: (r.lien_source as string | null) ?? null,
    horaires_accueil: (r.horaires_accueil as string | null) ?? null,
    accessibilite_lieu: (r.accessibilite_lieu as string | null) ?? null,
    reseaux_porteurs: list(r.reseaux_porteurs as string[]),
    description: (r.description as string | null) ?? null,
  };
}

function serviceOf(r: Record<string, unknown>): StoredService {
  const s = {} as Record<string, unknown>;
  for (const f of SERVICE_FIELDS) s[f] = r[f] ?? null;
  return {
    ...(s as unknown as DiService),
    id: r.source_id as string,
    structure_id: r.structure_source_id as string,
    date_maj: iso(r.date_maj),
    thematiques: list(r.thematiques as string[]),
    publics: list(r.publics as string[]),
    modes_accueil: list(r.modes_accueil as string[]),
    modes_mobilisation: list(r.modes_mobilisation as string[]),
    mobilisable_par: list(r.mobilisable_par as string[]),
    zone_eligibilite: list(r.zone_eligibilite as string[] | null),
    latitude: num(r.latitude),
    longitude: num(r.longitude),
    volume_horaire_hebdomadaire: num(r.volume_horaire_hebdomadaire),
    nombre_semaines: num(r.nombre_semaines),
    uuid: r.id as string,
    structureUuid: r.structure_id as string,
    structureNom: r.structure_nom as string,
    organisationId: (r.organisation_id as string | null) ?? null,
    version: Number(r.version),
    updatedAt: new Date(r.updated_at as string).toISOString(),
  };
}

/** A schema record without the keys the stored one has and the schema has not. */
export function schemaStructure(s: StoredStructure): DiStructure {
  return Object.fromEntries(STRUCTURE_FIELDS.map((f) => [f, s[f]])) as unknown as DiStructure;
}
export function schemaService(s: StoredService): DiService {
  return Object.fromEntries(SERVICE_FIELDS.map((f) => [f, s[f]])) as unknown as DiService;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The directory's records (issue 13 §1): writing a structure or a service keyed by its producer and
 * id (an import of the same file twice updates, and changes nothing when nothing changed), with the
 * service's search projection written in the same statement, and reading them back in the schema's
 * shape. Every module path that writes a record (publication, import, demo) goes through here.
 */
export function recordsRepository(db: Db) {
  const structureSelect = (e: Executor) => e.selectFrom('directory_structure').selectAll();
  const serviceSelect = (e: Executor) =>
    e
      .selectFrom('directory_service as v')
      .innerJoin('directory_structure as s', 's.id', 'v.structure_id')
      .selectAll('v')
      .select(['s.source_id as structure_source_id', 's.nom as structure_nom', 's.organisation_id']);

  return {
    async structure(uuid: string, e: Executor = db): Promise<StoredStructure | null> {
      const r = await structureSelect(e).where('id', '=', uuid).executeTakeFirst();
      return r ? structureOf(r as unknown as Record<string, unknown>) : null;
    },
    async structureBySourceId(source: string, id: string, e: Executor = db): Promise<StoredStructure | null> {
      const r = await structureSelect(e)
        .where('source', '=', source)
        .where('source_id', '=', id)
        .executeTakeFirst();
      return r ? structureOf(r as unknown as Record<string, unknown>) : null;
    },
    /** The structures an organisation publishes (normally one; an import may have linked more by SIRET). */
    async structuresOf(organisationId: string, e: Executor = db): Promise<StoredStructure[]> {
      const rows = await structureSelect(e)
        .where('organisation_id', '=', organisationId)
        .orderBy('nom')
        .execute();
      return rows.map((r) => structureOf(r as unknown as Record<string, unknown>));
    },
    async service(uuid: string, e: Executor = db): Promise<StoredService | null> {
      const r = await serviceSelect(e).where('v.id', '=', uuid).executeTakeFirst();
      return r ? serviceOf(r as unknown as Record<string, unknown>) : null;
    },
    async servicesOfStructure(structureUuid: string, e: Executor = db): Promise<StoredService[]> {
      const rows = await serviceSelect(e)
        .where('v.structure_id', '=', structureUuid)
        .orderBy('v.nom')
        .execute();
      return rows.map((r) => serviceOf(r as unknown as Record<string, unknown>));
    },
    /** Of these INSEE codes, those of a known commune (the referential's). */
    async knownCommunes(codes: string[], e: Executor = db): Promise<Set<string>> {
      if (!codes.length) return new Set();
      const rows = await e
        .selectFrom('commune')
        .select('code')
        .where('code', 'in', [...new Set(codes)])
        .execute();
      return new Set(rows.map((r) => r.code));
    },
    /** The organisation whose SIRET this is, to link an imported structure to its Passerelle organisation. */
    async organisationBySiret(siret: string, e: Executor = db): Promise<string | null> {
      const r = await e.selectFrom('organisation').select('id').where('siret', '=', siret).executeTakeFirst();
      return r?.id ?? null;
    },

    /**
     * Writes a structure (schema-valid: the caller checked it), created or updated by (source, id).
     * `organisationId` undefined keeps the stored link; null or an id sets it.
     */
    async writeStructure(
      e: Executor,
      s: DiStructure,
      organisationId?: string | null,
    ): Promise<{ uuid: string; outcome: WriteOutcome }> {
      const existing = await this.structureBySourceId(s.source, s.id, e);
      const link = organisationId === undefined ? (existing?.organisationId ?? null) : organisationId;
      if (
        existing &&
        same(schemaStructure(existing), normaliseStructure(s)) &&
        link === existing.organisationId
      )
        return { uuid: existing.uuid, outcome: 'unchanged' };
      const values = {
        source: s.source,
        source_id: s.id,
        organisation_id: link,
        nom: s.nom,
        siret: s.siret,
        adresse: s.adresse,
        complement_adresse: s.complement_adresse,
        code_postal: s.code_postal,
        code_insee: s.code_insee,
        commune: s.commune,
        latitude: s.latitude,
        longitude: s.longitude,
        telephone: s.telephone,
        courriel: s.courriel,
        site_web: s.site_web,
        lien_source: s.lien_source,
        horaires_accueil: s.horaires_accueil,
        accessibilite_lieu: s.accessibilite_lieu,
        reseaux_porteurs: s.reseaux_porteurs ?? [],
        description: s.description,
        date_maj: s.date_maj,
      };
      if (existing) {
        await e
          .updateTable('directory_structure')
          .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
          .where('id', '=', existing.uuid)
          .execute();
        // The services searched at the structure's place follow it.
        await refreshPlaces(e, sql`v.structure_id = ${existing.uuid}`);
        return { uuid: existing.uuid, outcome: 'updated' };
      }
      const r = await e
        .insertInto('directory_structure')
        .values(values)
        .returning('id')
        .executeTakeFirstOrThrow();
      return { uuid: r.id, outcome: 'created' };
    },

    /**
     * Writes a service of a stored structure (schema-valid: the caller checked it), created or updated
     * by (source, id), with its search projection: the French stems of its name (weight A), its
     * thématiques' labels (B) and its description (C), unaccented; the place it is searched at (its
     * own point, else its commune's, else its structure's); the new stems in the vocabulary.
     */
    async writeService(
      e: Executor,
      v: DiService,
      structureUuid: string,
    ): Promise<{ uuid: string; outcome: WriteOutcome }> {
      const existingRow = await serviceSelect(e)
        .where('v.source', '=', v.source)
        .where('v.source_id', '=', v.id)
        .executeTakeFirst();
      const existing = existingRow ? serviceOf(existingRow as unknown as Record<string, unknown>) : null;
      if (
        existing &&
        existing.structureUuid === structureUuid &&
        same(schemaService(existing), normaliseService(v))
      )
        return { uuid: existing.uuid, outcome: 'unchanged' };
      const themes = labelsOf('thematiques', v.thematiques).join(' ; ');
      const values = {
        source: v.source,
        source_id: v.id,
        structure_id: structureUuid,
        nom: v.nom,
        description: v.description,
        type: v.type,
        thematiques: v.thematiques ?? [],
        publics: v.publics ?? [],
        publics_precisions: v.publics_precisions,
        frais: v.frais,
        frais_precisions: v.frais_precisions,
        conditions_acces: v.conditions_acces,
        modes_accueil: v.modes_accueil ?? [],
        modes_mobilisation: v.modes_mobilisation ?? [],
        mobilisable_par: v.mobilisable_par ?? [],
        mobilisation_precisions: v.mobilisation_precisions,
        lien_mobilisation: v.lien_mobilisation,
        zone_eligibilite: v.zone_eligibilite,
        volume_horaire_hebdomadaire: v.volume_horaire_hebdomadaire,
        nombre_semaines: v.nombre_semaines,
        adresse: v.adresse,
        complement_adresse: v.complement_adresse,
        code_postal: v.code_postal,
        code_insee: v.code_insee,
        commune: v.commune,
        latitude: v.latitude,
        longitude: v.longitude,
        telephone: v.telephone,
        courriel: v.courriel,
        contact_nom_prenom: v.contact_nom_prenom,
        horaires_accueil: v.horaires_accueil,
        lien_source: v.lien_source,
        date_maj: v.date_maj,
        search_vector: sql<string>`setweight(to_tsvector('french', f_unaccent(${v.nom})), 'A')
          || setweight(to_tsvector('french', f_unaccent(${themes})), 'B')
          || setweight(to_tsvector('french', f_unaccent(${v.description})), 'C')`,
      };
      let uuid: string;
      let outcome: WriteOutcome;
      if (existing) {
        await e
          .updateTable('directory_service')
          .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
          .where('id', '=', existing.uuid)
          .execute();
        uuid = existing.uuid;
        outcome = 'updated';
      } else {
        const r = await e
          .insertInto('directory_service')
          .values(values)
          .returning('id')
          .executeTakeFirstOrThrow();
        uuid = r.id;
        outcome = 'created';
      }
      await refreshPlaces(e, sql`v.id = ${uuid}`);
      await sql`insert into directory_word (word)
        select lexeme from unnest((select search_vector from directory_service where id = ${uuid}))
        where length(lexeme) >= 3 on conflict do nothing`.execute(e);
      return { uuid, outcome };
    },

    async deleteService(e: Executor, uuid: string): Promise<void> {
      await e.deleteFrom('directory_service').where('id', '=', uuid).execute();
    },
  };
}

/**
 * The place a service is searched at: its own point; else its own commune's when it is held
 * elsewhere than its structure; else its structure's point; else its structure's commune. The
 * department is that of the commune the service is held in.
 */
async function refreshPlaces(e: Executor, where: ReturnType<typeof sql>) {
  await sql`
    update directory_service v set
      place_latitude = coalesce(v.latitude,
        case when v.code_insee is distinct from s.code_insee then (select latitude from commune where code = v.code_insee) end,
        s.latitude, (select latitude from commune where code = s.code_insee)),
      place_longitude = coalesce(v.longitude,
        case when v.code_insee is distinct from s.code_insee then (select longitude from commune where code = v.code_insee) end,
        s.longitude, (select longitude from commune where code = s.code_insee)),
      place_department = (select department_code from commune where code = coalesce(v.code_insee, s.code_insee))
    from directory_structure s
    where s.id = v.structure_id and ${where}`.execute(e);
}

/** A record as it reads back from the database: empty lists as null (the comparison of an unchanged re-import). */
export function normaliseStructure(s: DiStructure): DiStructure {
  const r = Object.fromEntries(STRUCTURE_FIELDS.map((f) => [f, s[f] ?? null])) as unknown as DiStructure;
  r.reseaux_porteurs = list(r.reseaux_porteurs);
  return r;
}
export function normaliseService(v: DiService): DiService {
  const r = Object.fromEntries(SERVICE_FIELDS.map((f) => [f, v[f] ?? null])) as unknown as DiService;
  for (const f of [
    'thematiques',
    'publics',
    'modes_accueil',
    'modes_mobilisation',
    'mobilisable_par',
    'zone_eligibilite',
  ] as const)
    r[f] = list(r[f]);
  return r;
}
export type RecordsRepository = ReturnType<typeof recordsRepository>;
