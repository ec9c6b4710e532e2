/** Kinds of partner organisation, with the label users read. SIAE kinds follow the IAE code (L5132-1 ff. Code du travail). */
export const ORGANISATION_KINDS = {
  region: 'Région',
  france_travail: 'Agence France Travail',
  mission_locale: 'Mission locale',
  cap_emploi: 'Cap emploi',
  siae_ai: 'SIAE — Association intermédiaire (AI)',
  siae_ei: 'SIAE — Entreprise d’insertion (EI)',
  siae_etti: 'SIAE — Entreprise de travail temporaire d’insertion (ETTI)',
  siae_aci: 'SIAE — Atelier et chantier d’insertion (ACI)',
  siae_eiti: 'SIAE — Entreprise d’insertion par le travail indépendant (EITI)',
  organisme_formation: 'Organisme de formation',
  employeur: 'Employeur',
  commune: 'Commune / mairie',
  fonds_garantie: 'Opérateur de fonds de garantie (France Active, ADIE)',
  structure_accompagnement: 'Structure d’accompagnement',
} as const;
export type OrganisationKind = keyof typeof ORGANISATION_KINDS;
export const organisationKinds = Object.keys(ORGANISATION_KINDS) as OrganisationKind[];

/** Kinds that are private establishments registered with INSEE: a SIRET is required for them. */
export const SIRET_REQUIRED: ReadonlySet<OrganisationKind> = new Set([
  'siae_ai',
  'siae_ei',
  'siae_etti',
  'siae_aci',
  'siae_eiti',
  'organisme_formation',
  'employeur',
  'fonds_garantie',
]);

export const ROLES = {
  administrateur: 'Administrateur',
  conseiller: 'Conseiller',
  gestionnaire: 'Gestionnaire',
  analyste: 'Analyste',
} as const;
export type Role = keyof typeof ROLES;
export const roles = Object.keys(ROLES) as Role[];

export interface MembershipSummary {
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  role: Role;
}

/** Who is asking: a signed-in user acting for one of their organisations, or a partner system's API token. */
export interface Actor {
  via: 'session' | 'token';
  userId: string | null;
  label: string;
  isSuperAdmin: boolean;
  organisationId: string | null;
  role: Role | null;
  memberships: MembershipSummary[];
  sessionId?: string;
  tokenId?: string;
  ip: string | null;
}

/**
 * Access rule declared next to each route; the service still decides per organisation. 'person':
 * a job seeker signed in to their own space (persons module, issue 10 §2), who is no app user.
 */
export type Access = 'public' | 'user' | 'super-admin' | 'person';

export function isOrgAdmin(actor: Actor, organisationId: string): boolean {
  return actor.isSuperAdmin || (actor.organisationId === organisationId && actor.role === 'administrateur');
}

/** The membership the actor is acting under (its organisation's kind and the role held there). */
export function currentMembership(actor: Actor): MembershipSummary | undefined {
  return actor.memberships.find((m) => m.organisationId === actor.organisationId);
}

export function isMemberOf(actor: Actor, organisationId: string): boolean {
  return actor.isSuperAdmin || actor.organisationId === organisationId;
}

/**
 * A membership invitation, as a state machine written as data: it is created pending, and only a
 * pending one changes, once. The invited person accepts or declines it, the organisation's
 * administrators revoke it, and one found past its expiry when the person is invited again is
 * closed as expired. Nothing else adds an existing account to an organisation (issue 8, hole 2).
 */
export const INVITATION_STATUSES = {
  pending: 'en attente',
  accepted: 'acceptée',
  declined: 'refusée',
  revoked: 'révoquée',
  expired: 'expirée',
} as const;
export type InvitationStatus = keyof typeof INVITATION_STATUSES;
export const INVITATION_TRANSITIONS: Record<InvitationStatus, readonly InvitationStatus[]> = {
  pending: ['accepted', 'declined', 'revoked', 'expired'],
  accepted: [],
  declined: [],
  revoked: [],
  expired: [],
};
/** Seven days, as the account-activation link mailed with it. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;
