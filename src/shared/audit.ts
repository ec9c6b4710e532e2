import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What Passerelle audits, decided once. Each route declares in its `config.audit` the action(s) it
 * performs on audited data; repositories mark, for the request being served, which audited data they
 * read or wrote (markAudited). After the answer the app compares the two (auditCheck): a route that
 * touched audited data without declaring the matching action is a violation, which the authorisation
 * matrix turns into a failing test naming the route (issue 8, hole 13: 345 session edits, a text
 * edit, the members, tokens, audit log, purchases and catalogue exports left no line).
 *
 * Reads are written by the app after a successful answer and before it is sent (identity/hooks.ts); writes
 * by the service, inside the write's own transaction, so the line commits or rolls back with it.
 */

/** Audited data, and why its access is traced. */
export const AUDITED_DATA = {
  members:
    'Noms, adresses électroniques, rôles et dernières connexions des membres : données personnelles. Tracer leur consultation relève de la responsabilité du traitement (RGPD art. 5.2 et 30) ; CNIL, délibération 2021-122 du 14 octobre 2021 (recommandation sur la journalisation) : tracer création, consultation, modification et suppression.',
  api_tokens:
    'Jetons d’API de l’organisation (nom, droits, dernière utilisation) : moyens d’accès d’un système partenaire ; qui les consulte prépare leur usage ou leur révocation (RGPD art. 32, sécurité du traitement).',
  audit_log:
    'Le journal lui-même contient des données personnelles (auteurs, adresses IP) : sa consultation est tracée comme celle de toute donnée personnelle (CNIL, délibération 2021-122).',
  purchases:
    'Achats de places par financeur, département, métier et trimestre : informations de commande publique sensibles, réservées aux analystes de la Région et de France Travail ; leur consultation et leur export sont tracés.',
  catalogue:
    'Export en masse de l’offre de formation, contacts des référents des organismes compris (noms, téléphones, adresses : données personnelles) ; l’extraction en masse est ce que la CNIL demande de tracer en priorité (délibération 2021-122).',
  training_offer:
    'Offre de formation publiée (textes, sessions, places, imports) : elle oriente les prescriptions et les financements ; chaque changement doit pouvoir être attribué à son auteur (RGPD art. 5.2 pour les contacts qu’elle contient ; issue 8 : 345 modifications de sessions sans trace).',
  persons:
    'Dossiers des personnes accompagnées (identité, situation, minima sociaux, handicap, freins) : données personnelles, dont certaines sensibles (RGPD art. 9 et 10). Chaque consultation, création, modification et partage est tracé (RGPD art. 5.2 et 30 ; CNIL, délibération 2021-122 ; issue 10).',
  job_offers:
    'Offres d’emploi des employeurs et des SIAE, et leurs imports : elles engagent l’employeur et orientent les prescriptions ; chaque création, modification, changement d’état et import doit pouvoir être attribué à son auteur (issue 10 : chaque transition tracée).',
  pathways:
    'Parcours des personnes (orientations, diagnostics d’éligibilité IAE et leurs critères administratifs, PASS IAE, contrats, sorties, notes) : données personnelles, dont des critères sensibles (minima sociaux, handicap, justice : RGPD art. 9 et 10). Chaque consultation et chaque changement est tracé (RGPD art. 5.2 et 30 ; CNIL, délibération 2021-122 ; issue 12).',
} as const;
export type AuditedData = keyof typeof AUDITED_DATA;
export type AccessKind = 'read' | 'write';

export interface AuditedActionRule {
  data: AuditedData;
  kind: AccessKind;
  /** What the audit page shows. */
  label: string;
  /** The route parameter naming what was accessed, recorded as the line's subject. */
  subject?: { param: string; type: string };
}

/** Every audited action a route may declare, with its French label for the audit page. */
export const AUDITED_ACTIONS = {
  'members.read': {
    data: 'members',
    kind: 'read',
    label: 'Consultation des membres',
    subject: { param: 'orgId', type: 'organisation' },
  },
  'api_tokens.read': {
    data: 'api_tokens',
    kind: 'read',
    label: 'Consultation des jetons d’API',
    subject: { param: 'orgId', type: 'organisation' },
  },
  'audit_log.read': { data: 'audit_log', kind: 'read', label: 'Consultation du journal d’audit' },
  'purchases.read': { data: 'purchases', kind: 'read', label: 'Consultation des achats de places' },
  'purchases.export': { data: 'purchases', kind: 'read', label: 'Export des achats de places' },
  'trainings.export': { data: 'catalogue', kind: 'read', label: 'Export de l’offre de formation' },
  'training.updated': {
    data: 'training_offer',
    kind: 'write',
    label: 'Modification des textes d’une formation',
  },
  'training_session.updated': {
    data: 'training_offer',
    kind: 'write',
    label: 'Modification d’une session de formation',
  },
  'training_session.created': {
    data: 'training_offer',
    kind: 'write',
    label: 'Ajout d’une session de formation',
  },
  'lheo_import.done': { data: 'training_offer', kind: 'write', label: 'Import d’un flux LHÉO' },
  'lheo_import.withdrawal': {
    data: 'training_offer',
    kind: 'write',
    label: 'Retrait confirmé ou annulé d’un flux LHÉO complet',
  },
  'person.read': {
    data: 'persons',
    kind: 'read',
    label: 'Consultation du dossier d’une personne',
    subject: { param: 'personId', type: 'person' },
  },
  'persons.list': { data: 'persons', kind: 'read', label: 'Consultation d’une liste de personnes' },
  'person.created': { data: 'persons', kind: 'write', label: 'Création du dossier d’une personne' },
  'person.updated': { data: 'persons', kind: 'write', label: 'Modification du dossier d’une personne' },
  'person.shared': {
    data: 'persons',
    kind: 'write',
    label: 'Partage du dossier d’une personne avec une autre organisation',
  },
  'job_offer.created': { data: 'job_offers', kind: 'write', label: 'Création d’une offre d’emploi' },
  'job_offer.updated': { data: 'job_offers', kind: 'write', label: 'Modification d’une offre d’emploi' },
  'job_offer.transition': {
    data: 'job_offers',
    kind: 'write',
    label: 'Changement d’état d’une offre d’emploi (publication, pourvue, clôture)',
  },
  'job_offer_import.done': { data: 'job_offers', kind: 'write', label: 'Import d’un flux d’offres d’emploi' },
  'job_offer_import.withdrawal': {
    data: 'job_offers',
    kind: 'write',
    label: 'Décision sur le retrait qu’un flux complet d’offres d’emploi attendait',
  },
  // RGPD rights, the person's space and the town hall's contact point (issue 10 §1-2).
  'person.exported': {
    data: 'persons',
    kind: 'read',
    label: 'Export du dossier complet d’une personne (droit d’accès)',
    subject: { param: 'personId', type: 'person' },
  },
  'person.erased': {
    data: 'persons',
    kind: 'write',
    label: 'Effacement du dossier d’une personne (RGPD art. 17)',
  },
  'person.purged': {
    data: 'persons',
    kind: 'write',
    label: 'Effacement d’un dossier sans contact depuis la durée de conservation',
  },
  'person.invited': { data: 'persons', kind: 'write', label: 'Invitation d’une personne à son espace' },
  'person.handed_over': {
    data: 'persons',
    kind: 'write',
    label: 'Inscription d’une personne par une mairie et transmission de son dossier',
  },
  'person.space_signed_in': {
    data: 'persons',
    kind: 'write',
    label: 'Connexion d’une personne à son espace',
  },
  'person.self_read': { data: 'persons', kind: 'read', label: 'Consultation de son dossier par la personne' },
  'person.self_exported': {
    data: 'persons',
    kind: 'read',
    label: 'Téléchargement de ses données par la personne',
  },
  'person.self_updated': {
    data: 'persons',
    kind: 'write',
    label: 'Correction de son dossier par la personne',
  },
  // Matching people and jobs (issue 11).
  'person.match_setting': {
    data: 'persons',
    kind: 'write',
    label: 'Choix des critères de suggestion d’offres pour une personne',
  },
  'person.match_feedback': {
    data: 'persons',
    kind: 'write',
    label: 'Avis sur une offre suggérée (écartée, intéressé·e, pas pour moi, demande de contact)',
  },
  'person.match_outcome': {
    data: 'persons',
    kind: 'write',
    label: 'Suite donnée à une offre suggérée (contact, entretien, embauche)',
  },
  'job_offer.candidates': {
    data: 'persons',
    kind: 'read',
    label: 'Consultation des candidats suggérés pour une offre d’emploi',
    subject: { param: 'offerId', type: 'job_offer' },
  },
  'person.match_digest': {
    data: 'persons',
    kind: 'read',
    label: 'Envoi au conseiller référent des offres à fort potentiel et des demandes de mise en relation',
  },
  // Pathways: orientations, IAE eligibility, PASS IAE, contracts and exits (issue 12).
  'orientation.created': {
    data: 'pathways',
    kind: 'write',
    label: 'Orientation d’une personne vers un partenaire',
  },
  'orientation.transition': {
    data: 'pathways',
    kind: 'write',
    label: 'Réponse à une orientation (étude, attente, acceptation, refus, annulation, expiration)',
  },
  'orientation.read': { data: 'pathways', kind: 'read', label: 'Consultation d’une orientation' },
  'orientations.list': { data: 'pathways', kind: 'read', label: 'Consultation d’une liste d’orientations' },
  'pathway.read': {
    data: 'pathways',
    kind: 'read',
    label: 'Consultation du parcours d’une personne',
    subject: { param: 'personId', type: 'person' },
  },
  'pathways.list': { data: 'pathways', kind: 'read', label: 'Consultation des listes de suivi des parcours' },
  'pathway.noted': {
    data: 'pathways',
    kind: 'write',
    label: 'Note ou rendez-vous ajouté au parcours d’une personne',
  },
  'pathway.members': {
    data: 'pathways',
    kind: 'write',
    label: 'Changement du référent ou des co-accompagnants d’une personne',
  },
  'orientations.notified': {
    data: 'pathways',
    kind: 'read',
    label: 'Envoi aux conseillers des nouvelles de leurs orientations (demandes, réponses, expirations)',
  },
  // IAE eligibility, PASS IAE, contracts and exits (issue 12 §3-5): the criteria are sensitive.
  'eligibility.read': {
    data: 'pathways',
    kind: 'read',
    label: 'Consultation des diagnostics d’éligibilité IAE d’une personne',
    subject: { param: 'personId', type: 'person' },
  },
  'eligibility.created': {
    data: 'pathways',
    kind: 'write',
    label: 'Diagnostic d’éligibilité IAE d’une personne',
  },
  'approval.read': {
    data: 'pathways',
    kind: 'read',
    label: 'Consultation de PASS IAE, de contrats ou de sorties en insertion',
  },
  'approval.issued': {
    data: 'pathways',
    kind: 'write',
    label: 'Embauche en insertion : PASS IAE délivré ou repris, contrat',
  },
  'approval.changed': {
    data: 'pathways',
    kind: 'write',
    label: 'Suspension ou prolongation d’un PASS IAE (demande ou décision)',
  },
  'contract.recorded': {
    data: 'pathways',
    kind: 'write',
    label: 'Contrat en insertion ou heures travaillées d’un mois',
  },
  'exit.recorded': {
    data: 'pathways',
    kind: 'write',
    label: 'Sortie d’un salarié en insertion',
  },
} as const satisfies Record<string, AuditedActionRule>;
export type AuditAction = keyof typeof AUDITED_ACTIONS;

export const isAuditAction = (action: string): action is AuditAction => action in AUDITED_ACTIONS;

/** What one request did with audited data. */
export interface AuditTrail {
  /** `data:kind` → details the repository gave (a row count…), merged. */
  touched: Map<`${AuditedData}:${AccessKind}`, Record<string, unknown>>;
  /** Audit lines written during the request (by the services, inside their transactions). */
  written: Set<string>;
  /** Set once the read lines are written, so an error answer does not write them again. */
  closed: boolean;
}

const storage = new AsyncLocalStorage<AuditTrail>();

export const newAuditTrail = (): AuditTrail => ({ touched: new Map(), written: new Set(), closed: false });

/** Runs `fn` (the rest of the request) with `trail` as the request's audit context. */
export function runWithAuditTrail<T>(trail: AuditTrail, fn: () => T): T {
  return storage.run(trail, fn);
}

/**
 * Called by a repository function that reads or writes audited data. Outside a request (CLI, demo
 * seeding) there is no trail and nothing to check.
 */
export function markAudited(data: AuditedData, kind: AccessKind, details: Record<string, unknown> = {}) {
  const trail = storage.getStore();
  if (!trail) return;
  const key = `${data}:${kind}` as const;
  trail.touched.set(key, { ...trail.touched.get(key), ...details });
}

/** Called where an audit line is inserted. */
export function markAuditWritten(action: string) {
  storage.getStore()?.written.add(action);
}

export const declaredActions = (audit: AuditAction | readonly AuditAction[] | undefined): AuditAction[] =>
  audit === undefined ? [] : typeof audit === 'string' ? [audit] : [...audit];

/**
 * Compares what a request touched with what its route declares. Returns the read lines to write
 * (one per audited data read; an undeclared read is still written under its data's first read
 * action, marked `undeclared`, so nothing read goes untraced) and the violations.
 */
export function auditCheck(
  declared: AuditAction[],
  trail: AuditTrail,
  answered: { failed: boolean },
): {
  reads: { action: AuditAction; details: Record<string, unknown>; undeclared: boolean }[];
  violations: string[];
} {
  const reads: { action: AuditAction; details: Record<string, unknown>; undeclared: boolean }[] = [];
  const violations: string[] = [];
  for (const [key, details] of trail.touched) {
    const [data, kind] = key.split(':') as [AuditedData, AccessKind];
    const matching = declared.filter(
      (a) => AUDITED_ACTIONS[a].data === data && AUDITED_ACTIONS[a].kind === kind,
    );
    if (!matching.length) {
      const expected = (Object.keys(AUDITED_ACTIONS) as AuditAction[]).filter(
        (a) => AUDITED_ACTIONS[a].data === data && AUDITED_ACTIONS[a].kind === kind,
      );
      violations.push(
        `${kind === 'read' ? 'lit' : 'modifie'} « ${data} » sans déclarer son action d’audit (${expected.join(' | ')})`,
      );
      if (kind === 'read' && expected[0]) reads.push({ action: expected[0], details, undeclared: true });
      continue;
    }
    if (kind === 'read') reads.push({ action: matching[0]!, details, undeclared: false });
    // A failed write rolled back, its audit line with it; a committed one must have left its line.
    else if (!answered.failed && !matching.some((a) => trail.written.has(a)))
      violations.push(`modifie « ${data} » sans écrire de ligne d’audit (${matching.join(' | ')})`);
  }
  return { reads, violations };
}
