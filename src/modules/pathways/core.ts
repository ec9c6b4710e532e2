import type { Db } from '../../db/database.js';
import { forbidden } from '../../shared/errors.js';
import { type Actor, currentMembership } from '../identity/model.js';
import { FILE_ROLES } from '../persons/rights.js';
import type { EventsRepository } from './events-repository.js';
import type { PathwaysNeeds } from './needs.js';
import type { OrientationRepository } from './repository.js';

/** Who acted, as the timeline, the transitions and the prescriber read it: « Prénom Nom (Organisation) ». */
export interface ActorNames {
  userId: string | null;
  organisationId: string | null;
  /** « Prénom Nom (Organisation) » */
  label: string;
  organisation: string;
}

/** What the use-case files of the module (orientations, IAE, rates, timeline) share. */
export interface PathwaysCore {
  db: Db;
  needs: PathwaysNeeds;
  today(): string;
  /** Days before an unanswered orientation expires (issue 12 §1: 60 by default, configurable). */
  expiryDays: number;
  events: EventsRepository;
  orientations: OrientationRepository;
  /** The actor's names, read before a transaction (PGlite has one connection: never inside one). */
  names(actor: Actor): Promise<ActorNames>;
}

/**
 * The actor's organisation, for those who follow people (counsellors and administrators, persons
 * FILE_ROLES): analysts and managers handle no one's pathway (data minimisation, RGPD art. 5.1.c).
 */
export function requireFollower(actor: Actor): { organisationId: string; kind: string } {
  const membership = currentMembership(actor);
  if (actor.isSuperAdmin || !membership || !actor.role || !FILE_ROLES[actor.role])
    throw forbidden(
      actor.isSuperAdmin
        ? 'Les parcours des personnes sont réservés aux organisations qui les accompagnent : l’administration de la plateforme n’y a pas accès.'
        : !membership && actor.memberships.length > 0
          ? 'Choisissez d’abord, sur la page d’accueil, l’organisation pour laquelle vous agissez.'
          : 'Les parcours des personnes sont réservés aux conseillers et administrateurs des organisations qui les accompagnent.',
    );
  return { organisationId: membership.organisationId, kind: membership.organisationKind };
}

/** Whether the actor follows people for an organisation (the menu's links, without throwing). */
export function followsPeople(actor: Actor | null): boolean {
  if (!actor || actor.isSuperAdmin || !actor.role || !FILE_ROLES[actor.role]) return false;
  return !!currentMembership(actor);
}
