import type { Db } from '../../db/database.js';
import { notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import type { Actor } from '../identity/model.js';
import type { DirectoryCore } from './core.js';
import type { StoredService, StoredStructure } from './records-repository.js';
import { isProfessional, mayEdit } from './rights.js';
import { isStale } from './rules.js';

/**
 * What a sheet offers its reader to do with the service (issue 13 §4): orient a person to it
 * (pathways decides whether the orientation is allowed, on its own form), or, for a partner that
 * is not on Passerelle, mobilise it through its contacts; nothing for the public.
 */
export type OrientOffer = 'orient' | 'contact-partner' | null;

export interface ServiceSheet {
  service: StoredService;
  structure: StoredStructure;
  /** The reader keeps this structure's records (rights.ts mayEdit). */
  editable: boolean;
  /** Not reviewed for 6 months (rules.ts isStale). */
  stale: boolean;
  orient: OrientOffer;
  /** The eligibility area in words: commune, EPCI, department and country names. */
  zone: string[];
}

export interface StructureSheet {
  structure: StoredStructure;
  /** The services the reader may read: all for a professional, those mobilisable by users for the public. */
  services: (StoredService & { stale: boolean })[];
  editable: boolean;
  stale: boolean;
}

const SERVICE_NOT_FOUND = 'Ce service n’existe pas ou n’est pas consultable sans connexion.';
const STRUCTURE_NOT_FOUND = 'Cette structure n’existe pas ou n’est pas consultable sans connexion.';

/** The public reads the services users mobilise themselves (issue 13 §2); professionals read all (rights.ts). */
const readable = (actor: Actor | null, service: { mobilisable_par: string[] | null }) =>
  isProfessional(actor) || (service.mobilisable_par ?? []).includes('usagers');

/**
 * « Orienter une personne vers ce service » is offered to the counsellors and administrators of an
 * organisation other than the service's own (as for a job offer, offers/pages.tsx): the
 * orientation form of pathways decides who may orient. A structure without a Passerelle
 * organisation cannot receive an orientation: its contacts are shown instead.
 */
function orientOffer(actor: Actor | null, structure: StoredStructure): OrientOffer {
  if (!actor || actor.isSuperAdmin || !actor.organisationId) return null;
  if (actor.role !== 'conseiller' && actor.role !== 'administrateur') return null;
  if (!structure.organisationId) return 'contact-partner';
  return structure.organisationId === actor.organisationId ? null : 'orient';
}

/** The sheets of a service and of a structure, for the public and for professionals (issue 13 §1, §5). */
export function sheetUseCases(core: DirectoryCore) {
  const places = placeNamesRepository(core.db);
  return {
    /** A service with its structure; not found (not « forbidden »: nothing revealed) when the reader may not read it. */
    async service(actor: Actor | null, uuid: string): Promise<ServiceSheet> {
      if (!isUuid(uuid)) throw notFound(SERVICE_NOT_FOUND);
      const service = await core.records.service(uuid);
      if (!service || !readable(actor, service)) throw notFound(SERVICE_NOT_FOUND);
      const structure = await core.records.structure(service.structureUuid);
      if (!structure) throw notFound(SERVICE_NOT_FOUND);
      return {
        service,
        structure,
        editable: !!actor && mayEdit(actor, structure),
        stale: isStale(service.date_maj, core.today()),
        orient: orientOffer(actor, structure),
        zone: await places.zoneInWords(service.zone_eligibilite ?? []),
      };
    },

    /** A structure with the services the reader may read; the public reads only those having one for users. */
    async structure(actor: Actor | null, uuid: string): Promise<StructureSheet> {
      if (!isUuid(uuid)) throw notFound(STRUCTURE_NOT_FOUND);
      const structure = await core.records.structure(uuid);
      if (!structure) throw notFound(STRUCTURE_NOT_FOUND);
      const today = core.today();
      const services = (await core.records.servicesOfStructure(uuid))
        .filter((v) => readable(actor, v))
        .map((v) => ({ ...v, stale: isStale(v.date_maj, today) }));
      if (!isProfessional(actor) && !services.length) throw notFound(STRUCTURE_NOT_FOUND);
      return {
        structure,
        services,
        editable: !!actor && mayEdit(actor, structure),
        stale: isStale(structure.date_maj, today),
      };
    },
  };
}

/**
 * The names of the codes of an eligibility area (data·inclusion: COG codes of communes,
 * departments, EPCI, countries, or « france »), read from the referentials' tables.
 */
function placeNamesRepository(db: Db) {
  return {
    async zoneInWords(codes: string[]): Promise<string[]> {
      if (!codes.length) return [];
      const communeCodes = codes.filter((c) => c.length === 5 && !c.startsWith('99'));
      const departmentCodes = codes.filter((c) => c.length <= 3 && c !== 'france');
      const epciCodes = codes.filter((c) => /^\d{9}$/.test(c));
      const [communes, departments, epcis] = await Promise.all([
        communeCodes.length
          ? db
              .selectFrom('commune')
              .select(['code', 'name', 'department_code'])
              .where('code', 'in', communeCodes)
              .execute()
          : [],
        departmentCodes.length
          ? db
              .selectFrom('department')
              .select(['code', 'name'])
              .where('code', 'in', departmentCodes)
              .execute()
          : [],
        epciCodes.length
          ? db.selectFrom('epci').select(['code', 'name']).where('code', 'in', epciCodes).execute()
          : [],
      ]);
      const commune = new Map(communes.map((c) => [c.code, `${c.name} (${c.department_code})`]));
      const department = new Map(departments.map((d) => [d.code, `${d.name} (${d.code})`]));
      const epci = new Map(epcis.map((e) => [e.code, e.name]));
      return codes.map((code) =>
        code === 'france' || code === '99100'
          ? 'France entière'
          : (commune.get(code) ??
            department.get(code) ??
            epci.get(code) ??
            (code.startsWith('99') ? `Pays étranger (code ${code})` : `Code ${code}`)),
      );
    },
  };
}
