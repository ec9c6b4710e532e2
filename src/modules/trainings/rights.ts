import { forbidden } from '../../shared/errors.js';
import { type Actor, currentMembership } from '../identity/model.js';

/**
 * Who may do what with the training offer. The services enforce these rules and the navigation
 * shows its links from them, so the two never disagree.
 */
const MANAGER_ROLES = new Set(['administrateur', 'gestionnaire']);
const FEED_KINDS = new Set(['region', 'france_travail']);

const manages = (actor: Actor) => actor.role !== null && MANAGER_ROLES.has(actor.role);

/** Feeds (any source) for the Region and France Travail, an OF its own offer only; null: no import. */
export function importRights(actor: Actor): { anySource: boolean } | null {
  if (actor.isSuperAdmin) return { anySource: true };
  const kind = currentMembership(actor)?.organisationKind;
  if (!kind || !manages(actor)) return null;
  if (FEED_KINDS.has(kind)) return { anySource: true };
  if (kind === 'organisme_formation') return { anySource: false };
  return null;
}

/** importRights, or a refusal: routes call it before reading an upload, the service again before importing. */
export function requireImportRights(actor: Actor): { anySource: boolean } {
  const rights = importRights(actor);
  if (!rights)
    throw forbidden(
      'Import réservé aux gestionnaires de la Région, de France Travail et des organismes de formation.',
    );
  return rights;
}

/** The training organisation publishing a training (its managers) and the super-admin. */
export function canManageOffer(actor: Actor | null, organisationId: string | null): boolean {
  if (!actor) return false;
  if (actor.isSuperAdmin) return true;
  return organisationId !== null && actor.organisationId === organisationId && manages(actor);
}

/** Analysts, managers and administrators of the Region and France Travail; the super-admin. */
export function canSeePurchases(actor: Actor | null): boolean {
  if (!actor) return false;
  if (actor.isSuperAdmin) return true;
  const m = currentMembership(actor);
  return !!m && FEED_KINDS.has(m.organisationKind) && m.role !== 'conseiller';
}

export const isTrainingOrganisation = (actor: Actor) =>
  currentMembership(actor)?.organisationKind === 'organisme_formation';
