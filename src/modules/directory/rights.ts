import { forbidden } from '../../shared/errors.js';
import { type Actor, currentMembership, type Role } from '../identity/model.js';

/**
 * Who reads and writes the directory (issue 13), decided here once.
 *
 * - Reading: the public (no login) reads the services « mobilisables par les usagers » and their
 *   structures; every signed-in member of an organisation reads them all (professionals mobilise
 *   the others).
 * - Publishing: an organisation's administrators and gestionnaires keep its structure and services
 *   (as they keep its trainings and offers); a conseiller reads; the super-admin may correct any.
 * - Importing a data·inclusion file: the super-admin, and the Region's administrators and
 *   gestionnaires, who coordinate the directory of the region's partners.
 */
export const PUBLISHER_ROLES: Readonly<Record<Role, boolean>> = {
  administrateur: true,
  gestionnaire: true,
  conseiller: false,
  analyste: false,
};

/** A professional: a signed-in member (or the super-admin) reads every service, not only the users' ones. */
export const isProfessional = (actor: Actor | null): actor is Actor =>
  // A member of several organisations who has not chosen one yet is still a professional: reading
  // the directory acts for none of them.
  !!actor && (actor.isSuperAdmin || !!actor.organisationId || actor.memberships.length > 0);

/** Whether the actor keeps their organisation's directory records. */
export function canPublish(actor: Actor | null): actor is Actor & { organisationId: string } {
  return (
    !!actor && !actor.isSuperAdmin && !!actor.organisationId && !!actor.role && PUBLISHER_ROLES[actor.role]
  );
}

/** Whether the actor may change this structure's records (their organisation's, or any for the super-admin). */
export const mayEdit = (actor: Actor, structure: { organisationId: string | null }): boolean =>
  actor.isSuperAdmin || (canPublish(actor) && structure.organisationId === actor.organisationId);

export function requireEditor(actor: Actor, structure: { organisationId: string | null }) {
  if (!mayEdit(actor, structure))
    throw forbidden(
      'Les fiches de l’annuaire sont tenues par les administrateurs et gestionnaires de l’organisation qui les publie.',
    );
}

export function canImport(actor: Actor | null): actor is Actor {
  if (!actor) return false;
  if (actor.isSuperAdmin) return true;
  const m = currentMembership(actor);
  return m?.organisationKind === 'region' && PUBLISHER_ROLES[m.role];
}

export function requireImporter(actor: Actor) {
  if (!canImport(actor))
    throw forbidden(
      'L’import d’un fichier data·inclusion est réservé à la Région (administrateurs, gestionnaires) et à l’administration de la plateforme.',
    );
}
