import { randomUUID } from 'node:crypto';
import { conflict, forbidden, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { normaliseSiret } from '../../shared/siret.js';
import type { Actor } from '../identity/model.js';
import type { DirectoryCore } from './core.js';
import { type DiService, type DiStructure, PASSERELLE_SOURCE } from './records.js';
import {
  type StoredService,
  type StoredStructure,
  schemaService,
  schemaStructure,
} from './records-repository.js';
import { canPublish, requireEditor } from './rights.js';
import { isStale } from './rules.js';
import { checkService, checkStructure, type FieldProblem } from './schema-check.js';

/**
 * What the structure form sends: the schema's own field names (the form names its fields so), all
 * text; the commune is chosen by its INSEE code, the rest of the place comes from the referential.
 */
export interface StructureInput {
  nom?: string;
  siret?: string;
  adresse?: string;
  complement_adresse?: string;
  code_insee?: string;
  telephone?: string;
  courriel?: string;
  site_web?: string;
  horaires_accueil?: string;
  accessibilite_lieu?: string;
  description?: string;
}

/** What the service form sends: texts, and the lists of its checkbox groups. */
export interface ServiceInput {
  nom?: string;
  description?: string;
  type?: string;
  thematiques?: string[];
  publics?: string[];
  publics_precisions?: string;
  frais?: string;
  frais_precisions?: string;
  conditions_acces?: string;
  modes_accueil?: string[];
  modes_mobilisation?: string[];
  mobilisable_par?: string[];
  mobilisation_precisions?: string;
  lien_mobilisation?: string;
  volume_horaire_hebdomadaire?: string;
  nombre_semaines?: string;
  adresse?: string;
  complement_adresse?: string;
  code_insee?: string;
  telephone?: string;
  courriel?: string;
  contact_nom_prenom?: string;
  horaires_accueil?: string;
}

/** What a save of an existing record carries: which one, and the version the form was read at. */
export interface SaveTarget {
  uuid?: string;
  version?: number;
}

/** The French names of the schema's fields, to say which one is refused. */
const FIELD_LABELS: Record<string, string> = {
  nom: 'Nom',
  siret: 'SIRET',
  adresse: 'Adresse',
  complement_adresse: 'Complément d’adresse',
  code_insee: 'Commune',
  code_postal: 'Commune',
  commune: 'Commune',
  latitude: 'Commune',
  longitude: 'Commune',
  telephone: 'Téléphone',
  courriel: 'Courriel',
  site_web: 'Site web',
  horaires_accueil: 'Horaires d’accueil',
  accessibilite_lieu: 'Accessibilité du lieu (lien Acceslibre)',
  description: 'Description',
  type: 'Type de service',
  thematiques: 'Thématiques',
  publics: 'Publics',
  publics_precisions: 'Précisions sur les publics',
  frais: 'Frais',
  frais_precisions: 'Précisions sur les frais',
  conditions_acces: 'Conditions d’accès',
  modes_accueil: 'Modes d’accueil',
  modes_mobilisation: 'Modes de mobilisation',
  mobilisable_par: 'Mobilisable par',
  mobilisation_precisions: 'Précisions sur la mobilisation',
  lien_mobilisation: 'Lien de mobilisation',
  volume_horaire_hebdomadaire: 'Volume horaire hebdomadaire',
  nombre_semaines: 'Nombre de semaines',
  contact_nom_prenom: 'Contact',
};

/**
 * The form's field of a schema field: the place (code postal, commune name, coordinates) is filled
 * from the commune chosen by its INSEE code, so a problem with it names that field.
 */
export const formFieldOf = (field: string): string =>
  field === 'code_postal' || field === 'commune' || field === 'latitude' || field === 'longitude'
    ? 'code_insee'
    : field;

/** The first problem of a record as the refusal of its form's field (the form shows and focuses it). */
function refuse(problems: FieldProblem[]): never {
  const p = problems[0]!;
  const field = formFieldOf(p.field);
  throw invalid(field, `${FIELD_LABELS[p.field] ?? p.field} : ${p.message}.`);
}

const text = (v: string | undefined): string | null => {
  const t = (v ?? '').trim();
  return t ? t : null;
};
const listOf = (v: string[] | undefined): string[] | null => {
  const l = [...new Set((v ?? []).map((x) => x.trim()).filter(Boolean))];
  return l.length ? l : null;
};
/**
 * The upper bounds the schema leaves open: a week has 168 hours; a service of more than ten years
 * (520 weeks) is a typing error, and the column is a 32-bit integer (a bad value never reaches SQL).
 */
const NUMBER_MAX: Record<string, number> = { volume_horaire_hebdomadaire: 168, nombre_semaines: 520 };

function numberOf(field: string, v: string | undefined): number | null {
  const t = (v ?? '').trim().replace(',', '.');
  if (!t) return null;
  const n = Number(t);
  if (!Number.isFinite(n)) throw invalid(field, `${FIELD_LABELS[field]} : un nombre attendu.`);
  const max = NUMBER_MAX[field];
  if (max !== undefined && n > max) throw invalid(field, `${FIELD_LABELS[field]} : au plus ${max}.`);
  return n;
}

/** The structure's record of a Passerelle organisation: one per organisation, keyed by its id. */
export const organisationStructureId = (organisationId: string) => `passerelle--${organisationId}`;

/** Publication of an organisation's structure and services (issue 13 §1). */
export function publishUseCases(core: DirectoryCore) {
  const { db, records, needs, today } = core;

  /** The commune chosen by its INSEE code, refused naming the field when the referential does not know it. */
  async function communeOf(code: string | null) {
    if (!code) return null;
    const c = /^\w{5}$/.test(code) ? await needs.referentials.communeByCode(code) : undefined;
    if (!c)
      throw invalid(
        'code_insee',
        `Commune : le code INSEE « ${code} » n’existe pas. Tapez le nom de la commune et choisissez-la parmi les suggestions.`,
      );
    return c;
  }

  async function loadStructure(uuid: string): Promise<StoredStructure> {
    const s = isUuid(uuid) ? await records.structure(uuid) : null;
    if (!s) throw notFound('Cette structure n’existe pas dans l’annuaire.');
    return s;
  }
  async function loadService(uuid: string): Promise<StoredService> {
    const v = isUuid(uuid) ? await records.service(uuid) : null;
    if (!v) throw notFound('Ce service n’existe pas dans l’annuaire.');
    return v;
  }

  /** Issue 13, bad input: a form read before someone else saved is refused, not silently overwritten. */
  function checkVersion(stored: { version: number }, version: number | undefined) {
    if (version === undefined || !Number.isInteger(version) || version !== stored.version)
      throw conflict(
        'version',
        'La fiche a été modifiée entre-temps par une autre personne : rechargez la page pour repartir de sa dernière version.',
      );
  }

  /** The structure an actor acts on: the one named (any, for the super-admin), else their organisation's. */
  async function ownStructure(actor: Actor, uuid?: string): Promise<StoredStructure | null> {
    if (uuid) {
      const s = await loadStructure(uuid);
      requireEditor(actor, s);
      return s;
    }
    if (!canPublish(actor))
      throw forbidden(
        'Les fiches de l’annuaire sont tenues par les administrateurs et gestionnaires de l’organisation qui les publie.',
      );
    const mine = await records.structuresOf(actor.organisationId);
    return (
      mine.find(
        (s) => s.source === PASSERELLE_SOURCE && s.id === organisationStructureId(s.organisationId!),
      ) ??
      mine[0] ??
      null
    );
  }

  return {
    /** The actor's organisation's structures, each with its services, and which are stale. */
    async ownDirectory(actor: Actor) {
      if (!canPublish(actor))
        throw forbidden(
          'Les fiches de l’annuaire sont tenues par les administrateurs et gestionnaires de l’organisation qui les publie.',
        );
      const on = today();
      const structures = await records.structuresOf(actor.organisationId);
      const result = [];
      for (const s of structures) {
        const services = await records.servicesOfStructure(s.uuid);
        result.push({
          structure: { ...s, stale: isStale(s.date_maj, on) },
          services: services.map((v) => ({ ...v, stale: isStale(v.date_maj, on) })),
        });
      }
      return result;
    },

    /**
     * The structure form's values: the stored structure's, or, before the first publication, the
     * organisation's identity (name, SIRET, commune, e-mail, phone) so that nothing is typed twice.
     */
    async structureForm(actor: Actor, uuid?: string) {
      const s = await ownStructure(actor, uuid);
      if (s) return { uuid: s.uuid, version: s.version, values: structureValues(s) };
      const o = await needs.identity.repo.findOrganisation(
        (actor as { organisationId: string }).organisationId,
      );
      return {
        uuid: undefined,
        version: undefined,
        values: {
          nom: o?.name ?? '',
          siret: o?.siret ?? '',
          code_insee: o?.communeCode ?? '',
          courriel: o?.email ?? '',
          telephone: o?.phone ?? '',
        } satisfies StructureInput,
      };
    },

    /**
     * Creates or updates a structure (issue 13 §1): checked against the data·inclusion schema, the
     * first problem refused naming its form field; date_maj is today (a save is a review).
     */
    async saveStructure(actor: Actor, input: StructureInput, target: SaveTarget = {}) {
      const existing = await ownStructure(actor, target.uuid);
      if (existing && !target.uuid && target.version === undefined)
        throw conflict('nom', 'Votre organisation a déjà sa fiche dans l’annuaire : modifiez-la.');
      if (existing) checkVersion(existing, target.version);
      const organisationId = existing ? existing.organisationId : (actor.organisationId as string);
      const code = text(input.code_insee);
      const commune = await communeOf(code);
      const sameCommune = existing && existing.code_insee === code;
      const siret = text(input.siret);
      const record: DiStructure = {
        ...(existing ? schemaStructure(existing) : { lien_source: null, reseaux_porteurs: null }),
        source: existing?.source ?? PASSERELLE_SOURCE,
        id: existing?.id ?? organisationStructureId(organisationId!),
        nom: (input.nom ?? '').trim(),
        date_maj: today(),
        siret: siret ? normaliseSiret(siret) : null,
        adresse: text(input.adresse),
        complement_adresse: text(input.complement_adresse),
        code_insee: code,
        code_postal: commune?.postalCodes[0] ?? null,
        commune: commune?.name ?? null,
        // An imported structure's own point is kept while its commune stays; else the commune's centre.
        latitude: sameCommune ? existing.latitude : (commune?.latitude ?? null),
        longitude: sameCommune ? existing.longitude : (commune?.longitude ?? null),
        telephone: text(input.telephone),
        courriel: text(input.courriel),
        site_web: text(input.site_web),
        horaires_accueil: text(input.horaires_accueil),
        accessibilite_lieu: text(input.accessibilite_lieu),
        description: text(input.description),
      };
      const problems = checkStructure(record);
      if (problems.length) refuse(problems);
      return db.transaction().execute(async (tx) => {
        if (existing) {
          const now = await tx
            .selectFrom('directory_structure')
            .select('version')
            .where('id', '=', existing.uuid)
            .forUpdate()
            .executeTakeFirst();
          if (!now) throw notFound('Cette structure n’existe plus dans l’annuaire.');
          checkVersion({ version: Number(now.version) }, target.version);
        }
        return records.writeStructure(tx, record, existing ? undefined : organisationId);
      });
    },

    /** The service form's values: a new service's (empty) or the stored one's, with its structure. */
    async serviceForm(actor: Actor, options: { structureUuid?: string; serviceUuid?: string }) {
      if (options.serviceUuid) {
        const v = await loadService(options.serviceUuid);
        requireEditor(actor, v);
        return { structureUuid: v.structureUuid, uuid: v.uuid, version: v.version, values: serviceValues(v) };
      }
      const s = await ownStructure(actor, options.structureUuid);
      if (!s) throw notFound('Publiez d’abord la fiche de votre structure.');
      return {
        structureUuid: s.uuid,
        uuid: undefined,
        version: undefined,
        values: { mobilisable_par: ['professionnels'] } as ServiceInput,
      };
    },

    /** Creates or updates a service of a structure the actor keeps (issue 13 §1), as saveStructure. */
    async saveService(actor: Actor, structureUuid: string, input: ServiceInput, target: SaveTarget = {}) {
      const structure = await loadStructure(structureUuid);
      requireEditor(actor, structure);
      let existing: StoredService | null = null;
      if (target.uuid) {
        existing = await loadService(target.uuid);
        if (existing.structureUuid !== structure.uuid)
          throw notFound('Ce service n’est pas de cette structure.');
        checkVersion(existing, target.version);
      }
      const code = text(input.code_insee);
      const commune = await communeOf(code);
      const record: DiService = {
        ...(existing
          ? schemaService(existing)
          : { zone_eligibilite: null, lien_source: null, latitude: null, longitude: null }),
        source: existing?.source ?? PASSERELLE_SOURCE,
        id: existing?.id ?? `passerelle--${randomUUID()}`,
        structure_id: structure.id,
        nom: (input.nom ?? '').trim(),
        description: (input.description ?? '').trim(),
        date_maj: today(),
        type: text(input.type),
        thematiques: listOf(input.thematiques),
        publics: listOf(input.publics),
        publics_precisions: text(input.publics_precisions),
        frais: text(input.frais),
        frais_precisions: text(input.frais_precisions),
        conditions_acces: text(input.conditions_acces),
        modes_accueil: listOf(input.modes_accueil),
        modes_mobilisation: listOf(input.modes_mobilisation),
        mobilisable_par: listOf(input.mobilisable_par),
        mobilisation_precisions: text(input.mobilisation_precisions),
        lien_mobilisation: text(input.lien_mobilisation),
        volume_horaire_hebdomadaire: numberOf(
          'volume_horaire_hebdomadaire',
          input.volume_horaire_hebdomadaire,
        ),
        nombre_semaines: numberOf('nombre_semaines', input.nombre_semaines),
        adresse: text(input.adresse),
        complement_adresse: text(input.complement_adresse),
        code_insee: code,
        code_postal: commune?.postalCodes[0] ?? null,
        commune: commune?.name ?? null,
        telephone: text(input.telephone),
        courriel: text(input.courriel),
        contact_nom_prenom: text(input.contact_nom_prenom),
        horaires_accueil: text(input.horaires_accueil),
      };
      // The search places a service held in its structure's commune at the structure's point.
      if (existing && existing.code_insee !== code)
        Object.assign(record, { latitude: null, longitude: null });
      const problems = checkService(record);
      if (problems.length) refuse(problems);
      return db.transaction().execute(async (tx) => {
        if (existing) {
          const now = await tx
            .selectFrom('directory_service')
            .select('version')
            .where('id', '=', existing.uuid)
            .forUpdate()
            .executeTakeFirst();
          if (!now) throw notFound('Ce service n’existe plus dans l’annuaire.');
          checkVersion({ version: Number(now.version) }, target.version);
        }
        return records.writeService(tx, record, structure.uuid);
      });
    },

    /** The service, for its deletion's confirmation page (the editor only). */
    async editableService(actor: Actor, uuid: string) {
      const v = await loadService(uuid);
      requireEditor(actor, v);
      return v;
    },

    async deleteService(actor: Actor, uuid: string, version: number | undefined) {
      const v = await loadService(uuid);
      requireEditor(actor, v);
      checkVersion(v, version);
      await db.transaction().execute(async (tx) => {
        const now = await tx
          .selectFrom('directory_service')
          .select('version')
          .where('id', '=', uuid)
          .forUpdate()
          .executeTakeFirst();
        if (!now) throw notFound('Ce service n’existe plus dans l’annuaire.');
        checkVersion({ version: Number(now.version) }, version);
        await records.deleteService(tx, uuid);
      });
    },

    /**
     * « Rien à changer » (issue 13 §5): the record is reviewed as it is, date_maj = today (its
     * version moves, as for any save), so it is no longer stale.
     */
    async markReviewed(actor: Actor, kind: 'structure' | 'service', uuid: string) {
      if (kind === 'structure') {
        const s = await loadStructure(uuid);
        requireEditor(actor, s);
        return db
          .transaction()
          .execute((tx) => records.writeStructure(tx, { ...schemaStructure(s), date_maj: today() }));
      }
      if (kind !== 'service') throw invalid('kind', 'Indiquez « structure » ou « service ».');
      const v = await loadService(uuid);
      requireEditor(actor, v);
      return db
        .transaction()
        .execute((tx) =>
          records.writeService(tx, { ...schemaService(v), date_maj: today() }, v.structureUuid),
        );
    },

    /**
     * A directory service as the target of an orientation (issue 13 §4, pathways): its label, and
     * the Passerelle organisation that receives it (null when its structure is not one's).
     */
    async serviceTarget(uuid: string) {
      const v = isUuid(uuid) ? await records.service(uuid) : null;
      if (!v) return null;
      const o = v.organisationId ? await needs.identity.repo.findOrganisation(v.organisationId) : undefined;
      return {
        uuid: v.uuid,
        label: `${v.nom} — ${v.structureNom}`,
        serviceName: v.nom,
        structureName: v.structureNom,
        organisationId: o ? o.id : null,
        organisationKind: o ? o.kind : null,
        organisationName: o ? o.name : null,
      };
    },
  };
}

/** A stored structure as its form's values. */
function structureValues(s: StoredStructure): StructureInput {
  return {
    nom: s.nom,
    siret: s.siret ?? '',
    adresse: s.adresse ?? '',
    complement_adresse: s.complement_adresse ?? '',
    code_insee: s.code_insee ?? '',
    telephone: s.telephone ?? '',
    courriel: s.courriel ?? '',
    site_web: s.site_web ?? '',
    horaires_accueil: s.horaires_accueil ?? '',
    accessibilite_lieu: s.accessibilite_lieu ?? '',
    description: s.description ?? '',
  };
}

/** A stored service as its form's values. */
function serviceValues(v: StoredService): ServiceInput {
  const t = (x: string | number | null) => (x === null ? '' : String(x));
  return {
    nom: v.nom,
    description: v.description,
    type: t(v.type),
    thematiques: v.thematiques ?? [],
    publics: v.publics ?? [],
    publics_precisions: t(v.publics_precisions),
    frais: t(v.frais),
    frais_precisions: t(v.frais_precisions),
    conditions_acces: t(v.conditions_acces),
    modes_accueil: v.modes_accueil ?? [],
    modes_mobilisation: v.modes_mobilisation ?? [],
    mobilisable_par: v.mobilisable_par ?? [],
    mobilisation_precisions: t(v.mobilisation_precisions),
    lien_mobilisation: t(v.lien_mobilisation),
    volume_horaire_hebdomadaire: t(v.volume_horaire_hebdomadaire),
    nombre_semaines: t(v.nombre_semaines),
    adresse: t(v.adresse),
    complement_adresse: t(v.complement_adresse),
    code_insee: t(v.code_insee),
    telephone: t(v.telephone),
    courriel: t(v.courriel),
    contact_nom_prenom: t(v.contact_nom_prenom),
    horaires_accueil: t(v.horaires_accueil),
  };
}
