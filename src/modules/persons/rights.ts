import { forbidden } from '../../shared/errors.js';
import { type Actor, currentMembership, type OrganisationKind, type Role } from '../identity/model.js';

/**
 * Who reads and changes a person's file (issue 10), decided here once; the service calls these
 * before any read, the pages show their links from them.
 *
 * A file is held by its referent organisation (the one that created it) and read by the
 * organisations it was shared with; no one finds another organisation's file by browsing.
 */

/**
 * The roles that follow people, as data. Counsellors and administrators accompany; a gestionnaire
 * manages the organisation's offer and imports (trainings/rights.ts) and an analyst reads
 * aggregates: neither has a reason to read a named file (data minimisation, RGPD art. 5.1.c).
 */
export const FILE_ROLES: Readonly<Record<Role, boolean>> = {
  conseiller: true,
  administrateur: true,
  gestionnaire: false,
  analyste: false,
};

/**
 * The organisations that accompany job seekers and so may hold files: the public employment
 * service (France Travail, Missions locales, Cap emploi: C. trav. L5311-2 ff.), the SIAE
 * (C. trav. L5132-1) and accompanying bodies. A training organisation, an employer, a funder or the
 * Region receives people through orientations (a later issue), never by holding their file.
 */
export const FILE_HOLDER_KINDS: ReadonlySet<OrganisationKind> = new Set<OrganisationKind>([
  'france_travail',
  'mission_locale',
  'cap_emploi',
  'siae_ai',
  'siae_ei',
  'siae_etti',
  'siae_aci',
  'siae_eiti',
  'structure_accompagnement',
]);

/**
 * The platform super-admin administers organisations and accounts, not people: they have no
 * reason to read a job seeker's file, so they are refused like anyone outside it (refusing is
 * safer than reading with an audit line; a legal request goes through the referent organisation).
 */
const followsPeople = (actor: Actor) =>
  !actor.isSuperAdmin && actor.organisationId !== null && actor.role !== null && FILE_ROLES[actor.role];

/** Whether the actor may list and create files at all (the « Mes personnes » link). */
export function canHoldFiles(actor: Actor | null): boolean {
  if (!actor || !followsPeople(actor)) return false;
  const kind = currentMembership(actor)?.organisationKind;
  return !!kind && FILE_HOLDER_KINDS.has(kind);
}

export function requireFileHolder(actor: Actor): asserts actor is Actor & { organisationId: string } {
  if (!canHoldFiles(actor))
    throw forbidden(
      actor.isSuperAdmin
        ? 'Les dossiers des personnes sont réservés aux organisations qui les accompagnent : l’administration de la plateforme n’y a pas accès.'
        : !currentMembership(actor) && actor.memberships.length > 0
          ? // A counsellor of two structures acts for one at a time (home page): say so, not « reserved ».
            'Choisissez d’abord, sur la page d’accueil, l’organisation pour laquelle vous agissez.'
          : 'Les dossiers des personnes sont réservés aux conseillers et administrateurs des organisations qui les accompagnent.',
    );
}

/** How the actor's organisation relates to a file: it holds it, it was shared with it, or neither. */
export type FileRelation = 'referent' | 'shared' | 'none';

export function relationTo(
  actor: Actor,
  file: { referentOrganisationId: string; sharedWith: readonly string[] },
): FileRelation {
  if (!followsPeople(actor) || !actor.organisationId) return 'none';
  if (file.referentOrganisationId === actor.organisationId) return 'referent';
  return file.sharedWith.includes(actor.organisationId) ? 'shared' : 'none';
}

/** Reading: the referent and the organisations it was shared with. */
export function requireReader(relation: FileRelation): asserts relation is 'referent' | 'shared' {
  if (relation === 'none')
    throw forbidden(
      'Ce dossier n’est pas partagé avec votre organisation : demandez à l’organisation référente de le partager.',
    );
}

/**
 * Editing and sharing: the referent organisation only. A shared organisation reads the file
 * without its sensitive facets, so an edit from it could not be made knowing the whole file.
 */
export function requireReferent(relation: FileRelation) {
  requireReader(relation);
  if (relation !== 'referent')
    throw forbidden('Seule l’organisation référente modifie ou partage ce dossier.');
}

/**
 * Sensitive facets (RSA, ASS, AAH, RQTH; health and justice barriers: rules.ts) go to the referent
 * organisation only; a shared organisation receives the file without them, in the API as in the page.
 */
export const seesSensitive = (relation: FileRelation) => relation === 'referent';

/**
 * The fields of a file that may hold a sensitive facet: their values go to the referent only, and
 * so does the mere fact that they changed (the history): a shared organisation told « situations
 * changed » while the situations it sees did not would learn that a sensitive one came or went.
 */
export const SENSITIVE_FIELDS: ReadonlySet<string> = new Set(['situations', 'barriers', 'notes']);

/**
 * The town hall's contact point (issue 10 §2): members of a `commune` organisation register a
 * person who came to the town hall and hand the file to an accompanying organisation, which becomes
 * its referent. The town hall holds no file: once handed over, it has no access (relationTo knows
 * only the referent and the shares), and it never records the sensitive facets (data
 * minimisation, RGPD art. 5.1.c): the referent asks the person for them.
 */
export const CONTACT_POINT_KINDS: ReadonlySet<OrganisationKind> = new Set<OrganisationKind>(['commune']);
/** Who registers at the town hall: its agents (counsellor role) and administrators. */
export const CONTACT_POINT_ROLES: Readonly<Record<Role, boolean>> = {
  conseiller: true,
  administrateur: true,
  gestionnaire: false,
  analyste: false,
};

export function isContactPoint(actor: Actor | null): boolean {
  if (!actor || actor.isSuperAdmin || !actor.organisationId || !actor.role) return false;
  const kind = currentMembership(actor)?.organisationKind;
  return !!kind && CONTACT_POINT_KINDS.has(kind) && CONTACT_POINT_ROLES[actor.role];
}

export function requireContactPoint(actor: Actor): asserts actor is Actor & { organisationId: string } {
  if (!isContactPoint(actor))
    throw forbidden('L’inscription d’une personne au point de contact est réservée aux agents des mairies.');
}

/**
 * The right of access (RGPD art. 15) and erasure (art. 17) are exercised through the controller,
 * i.e. the referent organisation: it exports the whole file (sensitive facets included: they are
 * the person's own data) and erases it.
 */
export const requireRgpdHandler = requireReferent;
