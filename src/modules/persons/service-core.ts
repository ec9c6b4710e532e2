import type { Db } from '../../db/database.js';
import { notFound } from '../../shared/errors.js';
import type { Actor } from '../identity/model.js';
import type { InputLookups } from './input.js';
import type { personListRepository } from './list-repository.js';
import type { FileAccess, personRepository } from './repository.js';
import { type FileRelation, seesSensitive } from './rights.js';
import {
  AGE_RULES,
  ageOn,
  type Barrier,
  type Situation,
  sensitiveBarriers,
  sensitiveSituations,
} from './rules.js';
import type { spaceRepository } from './space-repository.js';

/**
 * Who acted, as a file's history and shares show it: the user's name when known, else the label
 * kept (an API token's name, « La personne, depuis son espace »), never an e-mail address: rows
 * written before migration 0017 kept the session's address, another organisation's member's too.
 */
export function actorName(firstName: string | null, lastName: string | null, label: string | null) {
  if (firstName || lastName) return `${firstName ?? ''} ${lastName ?? ''}`.trim();
  if (!label || label.includes('@')) return 'Un membre de l’organisation';
  return label;
}

/**
 * What the persons service's use cases share (service.ts builds it; rgpd-service.ts,
 * space-service.ts and contact-point-service.ts receive it), apart so that none imports service.ts.
 */

/** The person acting in their own space (not an app user: the audit line has no actor). */
export const THE_PERSON = Symbol('the person');

/** The changes of a file, each with its audit line, history line and outbox event. */
export type FileChange =
  | 'person.created'
  | 'person.updated'
  | 'person.shared'
  | 'person.invited'
  | 'person.handed_over'
  | 'person.self_updated';

export /** The file as `relation` may receive it: a shared organisation's without its sensitive facets. */
async function readFileWith(
  repo: ReturnType<typeof personRepository>,
  day: string,
  personId: string,
  relation: 'referent' | 'shared',
) {
  const data = await repo.file(personId);
  if (!data) throw notFound('Dossier introuvable.');
  const { row, labels, skillLabels, shares } = data;
  const full = seesSensitive(relation);
  const age = ageOn(row.birth_date, day);
  return {
    id: row.id,
    version: row.version,
    relation,
    /** Sensitive facets and notes were left out: the organisation reads a shared file. */
    sensitiveOmitted: !full,
    referentOrganisation: { id: row.referent_organisation_id, name: row.referent_name },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    civility: row.civility,
    lastName: row.last_name,
    firstName: row.first_name,
    birthDate: row.birth_date,
    age,
    young: age < AGE_RULES.youngUnder,
    senior: age >= AGE_RULES.seniorFrom,
    email: row.email,
    phone: row.phone,
    franceTravailId: row.france_travail_id,
    commune: row.commune_code
      ? { code: row.commune_code, name: row.commune_name, departmentCode: row.department_code }
      : null,
    registeredCategory: row.registered_category,
    situations: (row.situations as Situation[]).filter((s) => full || !sensitiveSituations.includes(s)),
    educationLevel: row.education_level,
    drivingLicences: row.driving_licences,
    hasVehicle: row.has_vehicle,
    mobilityRadiusKm: row.mobility_radius_km,
    mobilityMeans: row.mobility_means,
    availableFrom: row.available_from,
    workingTime: row.working_time,
    contractTypes: row.contract_types,
    wantedJobs: row.wanted_jobs.map((code) => ({ code, label: labels.get(code) ?? null })),
    pastJobs: row.past_jobs.map((j) => ({ ...j, label: labels.get(j.appellationCode) ?? null })),
    /** Declared ROME 4.0 skills, with their labels (null: a code no longer in the loaded ROME). */
    skills: row.skills.map((code) => ({ code, label: skillLabels.get(code) ?? null })),
    barriers: (row.barriers as Barrier[]).filter((b) => full || !sensitiveBarriers.includes(b)),
    // The referent's working notes may say anything (health, family): they stay with it.
    notes: full ? row.notes : null,
    legalBasis: row.legal_basis,
    informedOn: row.informed_on,
    employerVisible: row.employer_visible,
    shares: full
      ? shares.map((s) => ({
          organisationId: s.organisation_id,
          organisationName: s.name,
          consentOn: s.consent_on,
          recordedBy: actorName(s.recorded_by_first_name, s.recorded_by_last_name, s.recorded_by_label),
          sharedAt: new Date(s.shared_at).toISOString(),
          basis: s.basis,
          until: s.until,
        }))
      : [],
  };
}

export type PersonFile = Awaited<ReturnType<typeof readFileWith>>;

/** What the use cases split into their own files (rgpd-service.ts, space-service.ts) share. */
export interface ServiceCore {
  repo: ReturnType<typeof personRepository>;
  lists: ReturnType<typeof personListRepository>;
  space: ReturnType<typeof spaceRepository>;
  accessFor(actor: Actor, personId: string): Promise<{ access: FileAccess; relation: FileRelation }>;
  readFile(personId: string, relation: 'referent' | 'shared'): Promise<PersonFile>;
  change<T>(
    actor: Actor | typeof THE_PERSON,
    action: FileChange,
    fn: (tx: Db) => Promise<{ personId: string; result: T; details: Record<string, unknown> }>,
  ): Promise<T>;
  lookups(): InputLookups;
  today(): string;
}
