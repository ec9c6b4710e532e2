import { forbidden } from '../../shared/errors.js';
import { type Actor, currentMembership, type OrganisationKind, type Role } from '../identity/model.js';
import { OFFER_PUBLISHER_KINDS, type OfferState } from './rules.js';

/**
 * Who manages and reads job offers (issue 10 §3), decided here once; the service calls these
 * before any read or write, the pages show their links from them.
 */

/**
 * The roles that manage their organisation's offers, as data. The administrator and the gestionnaire
 * (who manages the organisation's offer: trainings/rights.ts) publish; a conseiller does not: in an
 * SIAE the counsellor follows the people in insertion and proposes them to offers, the decision
 * to recruit and to post is the structure's management; an analyst reads aggregates.
 */
export const OFFER_ROLES: Readonly<Record<Role, boolean>> = {
  administrateur: true,
  gestionnaire: true,
  conseiller: false,
  analyste: false,
};

export const PUBLISHER_KINDS: ReadonlySet<OrganisationKind> = new Set<OrganisationKind>(
  OFFER_PUBLISHER_KINDS,
);

/** Whether the actor publishes offers for their organisation (the « Mes offres » link). */
export function canManageOffers(actor: Actor | null): actor is Actor & { organisationId: string } {
  if (!actor || actor.isSuperAdmin || !actor.organisationId || !actor.role || !OFFER_ROLES[actor.role])
    return false;
  const kind = currentMembership(actor)?.organisationKind;
  return !!kind && PUBLISHER_KINDS.has(kind);
}

export function requireOfferManager(actor: Actor): asserts actor is Actor & { organisationId: string } {
  if (!canManageOffers(actor))
    throw forbidden(
      'Les offres d’emploi sont publiées par les administrateurs et gestionnaires des employeurs et des SIAE.',
    );
}

/** The actor manages this offer: it belongs to their organisation (an imported offer has none). */
export const managesOffer = (actor: Actor, offer: { organisationId: string | null }) =>
  canManageOffers(actor) && offer.organisationId === actor.organisationId;

/**
 * Reading an offer. A published offer is public information (France Travail publishes its offers
 * openly): every signed-in person reads it, whatever their organisation. A draft, a filled,
 * closed or expired offer is read by its organisation's managers and by the platform's super-admin
 * (who manages the import sources).
 */
export function canRead(actor: Actor, offer: { organisationId: string | null; state: OfferState }) {
  return offer.state === 'published' || actor.isSuperAdmin || managesOffer(actor, offer);
}

/** The platform imports feeds: the super-admin (and the CLI, which acts as the platform). */
export function requireImporter(actor: Actor) {
  if (!actor.isSuperAdmin)
    throw forbidden('Les imports de flux d’offres sont réservés à l’administration de la plateforme.');
}
