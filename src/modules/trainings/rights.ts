import { AppError, forbidden } from '../../shared/errors.js';
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

/**
 * Who asks for an import: a person (page, API: their acting organisation and role), or the
 * platform itself (the import CLI and the demo seed, run by whoever holds the server and its
 * database).
 */
export type Importer = { kind: 'platform' } | { kind: 'person'; actor: Actor };
export const PLATFORM: Importer = { kind: 'platform' };

/**
 * A feed source and its owner (table lheo_source). An organisation's source belongs to the
 * organisation whose import created it; a declared Carif-Oref feed belongs to the platform, and
 * may name the organisation that operates it. A full feed withdraws what its source no longer
 * sends, so whoever may import under a source may empty it: hence one owner per source.
 */
export interface FeedSource {
  name: string;
  kind: 'organisation' | 'carif_oref';
  organisationId: string | null;
}

/** A training organisation's own offer comes under `of-<SIRET>`: no other organisation may create that name. */
export const OWN_OFFER_PREFIX = 'of-';

/** Whether this importer may import (and so, with a full feed, withdraw) under an existing source. */
export function mayImportUnder(by: Importer, source: FeedSource): boolean {
  if (by.kind === 'platform' || by.actor.isSuperAdmin) return true;
  if (!importRights(by.actor) || !by.actor.organisationId) return false;
  // An organisation's own source, or the declared feed it operates.
  return source.organisationId === by.actor.organisationId;
}

/**
 * The owner a new source gets when this importer's import creates it: the platform and the
 * super-admin declare Carif-Oref feeds, an organisation creates its own sources.
 */
export function newSourceOwner(by: Importer, name: string): FeedSource {
  if (by.kind === 'platform' || by.actor.isSuperAdmin)
    return { name, kind: 'carif_oref', organisationId: null };
  const kind = currentMembership(by.actor)?.organisationKind;
  if (
    !importRights(by.actor) ||
    !by.actor.organisationId ||
    (name.startsWith(OWN_OFFER_PREFIX) && kind !== 'organisme_formation')
  )
    throw sourceRefused(name, 'ce nom de source est réservé à l’offre d’un organisme de formation.');
  return { name, kind: 'organisation', organisationId: by.actor.organisationId };
}

/** mayImportUnder, or a refusal naming the `source` field. */
export function requireSourceRights(by: Importer, source: FeedSource): void {
  if (mayImportUnder(by, source)) return;
  throw sourceRefused(
    source.name,
    source.kind === 'carif_oref'
      ? 'c’est un flux Carif-Oref déclaré : seuls le super-administrateur et l’organisation qui l’opère peuvent y importer.'
      : 'elle appartient à une autre organisation : elle seule peut y importer ou en retirer des formations.',
  );
}

const sourceRefused = (name: string, why: string) =>
  new AppError('forbidden', `Import refusé sous la source « ${name} » : ${why}`, 'source');

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
