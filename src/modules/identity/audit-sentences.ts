import { AUDITED_ACTIONS } from '../../shared/audit.js';
import { ROLES, type Role } from './model.js';

/**
 * The audit log read in French (issue 9 §6): each action as a sentence naming people and objects,
 * never a code or a UUID. Rules as data: one template per action. Placeholders:
 * {acteur} who acted; {objet} what the line is about (a member, an organisation, a token, a
 * training… by name, joined by the repository); {organisation} the organisation named in the
 * details; {email}, {role}, {de}, {vers} (roles), {formation} (a session's training), {fichier}.
 */
export const AUDIT_SENTENCES: Record<string, string> = {
  'auth.login': '{acteur} a ouvert une session',
  'auth.login_failed': 'Connexion refusée pour {acteur}',
  'auth.logout': '{acteur} a fermé sa session',
  'auth.password_reset_requested': '{acteur} a demandé un lien pour choisir un nouveau mot de passe',
  'auth.password_set': '{acteur} a choisi son mot de passe par le lien reçu',
  'auth.password_changed': '{acteur} a changé son mot de passe',
  'auth.organisation_chosen': '{acteur} agit désormais pour {objet}',
  'user.profile_updated': '{acteur} a modifié son profil',
  'user.super_admin_created': 'Le compte super-administrateur de {objet} a été créé',
  'organisation.created': '{acteur} a créé l’organisation {objet}',
  'organisation.updated': '{acteur} a modifié les informations de {objet}',
  'membership.invited': '{acteur} a invité {objet} ({email}) à rejoindre {organisation} comme {role}',
  'membership.invitation_resent': '{acteur} a renvoyé l’invitation de {objet} ({email})',
  'membership.invitation_accepted': '{acteur} a accepté l’invitation à rejoindre {organisation}',
  'membership.invitation_declined': '{acteur} a refusé l’invitation à rejoindre {organisation}',
  'membership.invitation_revoked': '{acteur} a annulé l’invitation de {objet} ({email})',
  'membership.role_changed': '{acteur} a changé le rôle de {objet} : {de} → {vers}',
  'membership.removed': '{acteur} a retiré {objet} de {organisation}',
  'api_token.created': '{acteur} a créé le jeton d’API « {objet} » (droits : {role})',
  'api_token.revoked': '{acteur} a révoqué le jeton d’API « {objet} »',
  'person.read': '{acteur} a consulté le dossier de {objet}',
  'members.read': '{acteur} a consulté les membres de {objet}',
  'api_tokens.read': '{acteur} a consulté les jetons d’API de {objet}',
  'audit_log.read': '{acteur} a consulté le journal d’audit',
  'purchases.read': '{acteur} a consulté les achats de places',
  'purchases.export': '{acteur} a exporté les achats de places',
  'trainings.export': '{acteur} a exporté l’offre de formation',
  'training.updated': '{acteur} a modifié les textes de la formation « {objet} »',
  'training_session.updated': '{acteur} a modifié une session de la formation « {formation} »',
  'training_session.created': '{acteur} a ajouté une session à la formation « {formation} »',
  'lheo_import.done': '{acteur} a importé le flux LHÉO « {fichier} »',
  'lheo_import.withdrawal': '{acteur} a décidé du retrait qu’un flux complet LHÉO attendait',
  'persons.list': '{acteur} a consulté une liste de personnes accompagnées',
  'person.created': '{acteur} a créé le dossier de {objet}',
  'person.updated': '{acteur} a modifié le dossier de {objet}',
  'person.shared': '{acteur} a partagé le dossier de {objet} avec {organisation}',
  'job_offer.created': '{acteur} a créé l’offre d’emploi « {objet} »',
  'job_offer.updated': '{acteur} a modifié l’offre d’emploi « {objet} »',
  'job_offer.transition': '{acteur} a changé l’état de l’offre d’emploi « {objet} »',
  'job_offer_import.done': '{acteur} a importé le flux d’offres d’emploi « {fichier} »',
  'job_offer_import.withdrawal':
    '{acteur} a décidé du retrait qu’un flux complet d’offres d’emploi attendait',
  'person.exported': '{acteur} a exporté le dossier complet de {objet} (droit d’accès)',
  'person.erased': '{acteur} a effacé le dossier d’une personne à sa demande',
  'person.purged': 'Un dossier sans contact depuis la durée de conservation a été effacé',
  'person.invited': '{acteur} a invité {objet} à ouvrir son espace',
  'person.handed_over': '{acteur} a inscrit {objet} et transmis son dossier à {organisation}',
  'person.space_signed_in': '{objet} s’est connecté(e) à son espace',
  'person.self_read': 'Une personne a consulté son dossier depuis son espace',
  'person.self_exported': 'Une personne a téléchargé ses données depuis son espace',
  'person.self_updated': '{objet} a corrigé son dossier depuis son espace',
  'person.match_setting': '{acteur} a choisi les critères des offres suggérées à {objet}',
  'person.match_feedback': '{acteur} a donné un avis sur une offre suggérée à {objet}',
  'person.match_outcome': '{acteur} a noté la suite donnée à une offre suggérée à {objet}',
  'job_offer.candidates': '{acteur} a consulté les candidats suggérés pour l’offre « {objet} »',
  'person.match_digest':
    '{acteur} a envoyé à {objet} les offres à fort potentiel et les demandes de mise en relation de ses personnes suivies',
  'orientation.created': '{acteur} a orienté {objet} vers {organisation}',
  'orientation.transition': '{acteur} a changé l’état d’une orientation de {objet}',
  'orientation.read': '{acteur} a consulté une orientation de {objet}',
  'orientations.list': '{acteur} a consulté une liste d’orientations',
  'pathway.read': '{acteur} a consulté le parcours de {objet}',
  'pathways.list': '{acteur} a consulté ses listes de suivi des parcours',
  'pathway.noted': '{acteur} a ajouté une note ou un rendez-vous au parcours de {objet}',
  'pathway.members': '{acteur} a changé le référent ou les co-accompagnants de {objet}',
  'orientations.notified': '{acteur} a envoyé à {objet} les nouvelles de ses orientations',
  'eligibility.read': '{acteur} a consulté les diagnostics d’éligibilité IAE de {objet}',
  'eligibility.created': '{acteur} a établi un diagnostic d’éligibilité IAE de {objet}',
  'approval.read': '{acteur} a consulté des PASS IAE, contrats ou sorties en insertion',
  'approval.issued': '{acteur} a embauché {objet} en insertion (PASS IAE)',
  'approval.changed': '{acteur} a suspendu ou prolongé le PASS IAE de {objet}',
  'contract.recorded': '{acteur} a enregistré un contrat ou des heures en insertion de {objet}',
  'exit.recorded': '{acteur} a enregistré la sortie de {objet}',
};

/** What stands in for a name the log cannot give any more (a deleted object) or never had. */
const UNKNOWN: Record<string, string> = {
  acteur: 'Une personne non identifiée',
  objet: 'un élément supprimé',
  organisation: 'une organisation',
  email: 'adresse inconnue',
  role: 'rôle inconnu',
  de: 'rôle inconnu',
  vers: 'rôle inconnu',
  formation: 'formation supprimée',
  fichier: 'fichier sans nom',
};

export interface AuditLine {
  action: string;
  actorLabel: string | null;
  /** The subject's name, joined by the repository (null when it no longer exists). */
  subjectName: string | null;
  /** The name of the organisation in the details (`details.organisationId`). */
  organisationName: string | null;
  /** The title of the training in the details (`details.trainingId`). */
  trainingTitle: string | null;
  details: Record<string, unknown>;
}

const roleLabel = (value: unknown) =>
  typeof value === 'string' && value in ROLES ? ROLES[value as Role].toLowerCase() : null;
const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

/** The sentence for one audit line. */
export function auditSentence(line: AuditLine): string {
  const values: Record<string, string | null> = {
    acteur: text(line.actorLabel),
    objet: text(line.subjectName),
    organisation: text(line.organisationName),
    email: text(line.details.email),
    role: roleLabel(line.details.role),
    de: roleLabel(line.details.from),
    vers: roleLabel(line.details.to),
    formation: text(line.trainingTitle),
    fichier: text(line.details.fileName),
  };
  const template =
    AUDIT_SENTENCES[line.action] ??
    `{acteur} : ${(AUDITED_ACTIONS as Record<string, { label: string }>)[line.action]?.label ?? `action « ${line.action} »`}`;
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => values[key] ?? UNKNOWN[key] ?? '');
}
