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

/**
 * Who imports offer feeds (France Travail « Offres d'emploi v2 » JSON), modelled on LHÉO feeds
 * (trainings/rights.ts importRights): the platform's super-admin, any source; the administrators
 * and gestionnaires of the Region and France Travail, who bring in France Travail's or a job
 * board's offers for the region (issue 10 §3); and those of employers and SIAE, who bring their
 * own offers from their recruitment software instead of typing them. Each of them imports under
 * sources their organisation owns (job_offer_feed_source): a full feed closes what its source no longer
 * sends, so no one else may empty a source. A conseiller or an analyste never imports.
 */
const FEED_IMPORTER_KINDS: ReadonlySet<OrganisationKind> = new Set<OrganisationKind>([
  'region',
  'france_travail',
  ...OFFER_PUBLISHER_KINDS,
]);

/** Whether the actor imports offer feeds (the « Imports d’offres » link, the import routes). */
export function canImportOffers(actor: Actor | null): actor is Actor {
  if (!actor) return false;
  if (actor.isSuperAdmin) return true;
  if (!actor.organisationId || !actor.role || !OFFER_ROLES[actor.role]) return false;
  const kind = currentMembership(actor)?.organisationKind;
  return !!kind && FEED_IMPORTER_KINDS.has(kind);
}

export function requireImporter(actor: Actor) {
  if (!canImportOffers(actor))
    throw forbidden(
      'Les imports de flux d’offres sont réservés aux administrateurs et gestionnaires de la Région, de France Travail, des employeurs et des SIAE, et à l’administration de la plateforme.',
    );
}

/** An offer feed's source and its owner (null: the platform's). */
export interface OfferSource {
  name: string;
  organisationId: string | null;
}

/**
 * Whether the actor may import under (and so, by a full feed, empty) this source, existing or
 * new (undefined): the super-admin any, an organisation its own, or a new name it then owns.
 */
export function mayImportUnder(actor: Actor, source: OfferSource | undefined): boolean {
  if (!canImportOffers(actor)) return false;
  if (actor.isSuperAdmin || !source) return true;
  return source.organisationId !== null && source.organisationId === actor.organisationId;
}

/** Who reads an import's report: the super-admin, the importers of the organisation that ran it or owns its source. */
export function mayReadImport(
  actor: Actor,
  run: { organisation_id: string | null },
  source: OfferSource | undefined,
): boolean {
  if (!canImportOffers(actor)) return false;
  if (actor.isSuperAdmin) return true;
  return (
    actor.organisationId !== null &&
    (run.organisation_id === actor.organisationId || source?.organisationId === actor.organisationId)
  );
}
