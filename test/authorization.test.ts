/**
 * Generated authorisation matrix: every route × every role × own / other organisation × (for a
 * route on a person's file) the actor's relation to that person. A route missing from POLICY fails
 * the test, so a new route cannot ship without its rule here. Every call is also checked against
 * the route's audit declaration (shared/audit.ts): no route touches audited data undeclared, and an
 * allowed call leaves exactly its audit line(s), a refused one none.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsRepository } from '../src/modules/directory/records-repository.js';
import { AUDITED_ACTIONS, type AuditAction } from '../src/shared/audit.js';
import { Browser, createTestApp, type TestApp } from './app.js';
import { testEngines } from './databases.js';
import { sampleService, sampleStructure } from './directory-fixtures.js';

type Who = 'anonyme' | 'super-admin' | 'administrateur' | 'conseiller' | 'gestionnaire' | 'analyste';
type Target = 'own' | 'other';
/**
 * For personal data, whether the actor has a reason to see this person: they follow the person, the
 * person was oriented to their organisation, or nothing links them. The persons module's routes are
 * marked `personal` and each is tried with every relation.
 */
type Relation = 'follows' | 'oriented-to' | 'none';
type Rule = (who: Who, target: Target, relation: Relation) => boolean;
/** A route on a person's file (its path names `:personId`). */
interface PersonalRoute {
  personal: true;
  rule: Rule;
}
type Policy = Rule | PersonalRoute;
const RELATIONS: Relation[] = ['follows', 'oriented-to', 'none'];
const ruleOf = (p: Policy): Rule => (typeof p === 'function' ? p : p.rule);
const isPersonal = (p: Policy | undefined) => !!p && typeof p !== 'function' && p.personal;

const anyUser: Rule = (who) => who !== 'anonyme';
const superOnly: Rule = (who) => who === 'super-admin';
const ownAdmin: Rule = (who, target) =>
  who === 'super-admin' || (who === 'administrateur' && target === 'own');
const ownMember: Rule = (who, target) => who === 'super-admin' || (who !== 'anonyme' && target === 'own');
const auditReader: Rule = (who) => who === 'super-admin' || who === 'administrateur';
const everyone: Rule = () => true;
/** A person who may join an organisation: the platform super-admin never does. */
const joiner: Rule = (who) => who !== 'anonyme' && who !== 'super-admin';

/** Counsellors and administrators of an accompanying organisation (persons/rights.ts). */
const followsPeople: Rule = (who) => who === 'conseiller' || who === 'administrateur';
const fileReader: Rule = (who, target, relation) =>
  followsPeople(who, target, relation) && relation !== 'none';
const fileReferent: Rule = (who, target, relation) =>
  followsPeople(who, target, relation) && relation === 'follows';
/** Employers' and SIAE's managers (offers/rights.ts): none among the matrix's organisations. */
const publishesOffers: Rule = () => false;
/**
 * Offer feed importers (offers/rights.ts canImportOffers): the managers of the Region, France
 * Travail, employers and SIAE, none among the matrix's organisations, and the super-admin. An
 * import's :id here is a training's: the super-admin gets 404, the others 403 before any lookup.
 */
const importsOfferFeeds: Rule = (who) => who === 'super-admin';

/**
 * The person's own space ('person' access): the matrix's `Who` are staff sessions and anonymous
 * browsers, none signed in as a person, so every one of them is refused (a page redirects to the
 * space's sign-in, a form answers 401). A person's access to their own file only is tried by
 * persons/space.test.ts, with another person's ids.
 */
const personOnly: Rule = () => false;
/** Members of a `commune` organisation (persons/rights.ts, CONTACT_POINT_KINDS): none in the matrix. */
const contactPoint: Rule = () => false;

/** An organisation's administrators and gestionnaires keep its directory records (directory/rights.ts canPublish). */
const keepsDirectory: Rule = (who, target) =>
  (who === 'administrateur' || who === 'gestionnaire') && target === 'own';
/** A record named by its id: its organisation's keepers, or the super-admin (directory/rights.ts mayEdit). */
const editsDirectoryRecord: Rule = (who, target, relation) =>
  who === 'super-admin' || keepsDirectory(who, target, relation);

const POLICY: Record<string, Policy> = {
  'GET /health': everyone,
  'GET /ready': everyone,
  'GET /connexion': everyone,
  'POST /connexion': everyone,
  'GET /mot-de-passe/oubli': everyone,
  'POST /mot-de-passe/oubli': everyone,
  'GET /mot-de-passe/nouveau': everyone,
  'POST /mot-de-passe/nouveau': everyone,
  'GET /accessibilite': everyone,
  'GET /mentions-legales': everyone,
  'GET /donnees-personnelles': everyone,
  'GET /communes/suggestions': everyone,
  'GET /api/v1/referentials/appellations': everyone,
  'GET /api/v1/referentials/communes': everyone,
  'GET /api/v1/referentials/skills': everyone,
  'GET /api/v1/referentials/metiers/:code': everyone,
  'GET /api/v1/referentials/metiers/:code/close': everyone,
  'GET /api/v1/referentials/appellations/:code/metier': everyone,
  'GET /api/v1/referentials/versions': everyone,
  'GET /referentiels': everyone,
  'GET /appellations/suggestions': everyone,
  'POST /deconnexion': anyUser,
  'GET /': anyUser,
  'GET /organisations': anyUser,
  'GET /membres': anyUser,
  'GET /mon-compte': anyUser,
  'POST /mon-compte/profil': anyUser,
  'POST /mon-compte/mot-de-passe': anyUser,
  // Acting for an organisation needs a membership in it; the platform super-admin has none.
  'POST /mon-compte/organisation': (who) => who !== 'anonyme' && who !== 'super-admin',
  'GET /api/v1/me': anyUser,
  'GET /api/v1/organisations': anyUser,
  'GET /organisations/:orgId': anyUser,
  'GET /api/v1/organisations/:orgId': anyUser,
  'GET /organisations/nouvelle': superOnly,
  'POST /organisations': superOnly,
  'POST /api/v1/organisations': superOnly,
  'GET /journal': auditReader,
  'GET /api/v1/audit-log': auditReader,
  'GET /organisations/:orgId/modifier': ownAdmin,
  'POST /organisations/:orgId/modifier': ownAdmin,
  'PATCH /api/v1/organisations/:orgId': ownAdmin,
  'GET /organisations/:orgId/membres': ownMember,
  'GET /api/v1/organisations/:orgId/members': ownMember,
  'POST /organisations/:orgId/membres': ownAdmin,
  'POST /api/v1/organisations/:orgId/members': ownAdmin,
  'POST /organisations/:orgId/membres/:userId/role': ownAdmin,
  'PATCH /api/v1/organisations/:orgId/members/:userId': ownAdmin,
  'POST /organisations/:orgId/membres/:userId/retrait': ownAdmin,
  // The confirmation pages shown without JavaScript before a destructive action (issue 9 §6).
  'GET /organisations/:orgId/membres/:userId/retrait': ownAdmin,
  'GET /organisations/:orgId/invitations/:invitationId/revocation': ownAdmin,
  'GET /organisations/:orgId/jetons/:tokenId/revocation': ownAdmin,
  'POST /organisations/:orgId/invitations/:invitationId/renvoi': ownAdmin,
  'DELETE /api/v1/organisations/:orgId/members/:userId': ownAdmin,
  // Invitations: the organisation's administrators see and revoke them; the matrix's invitation is
  // addressed to someone else, so answering it is refused (403) or not found (404) for everyone.
  'GET /api/v1/organisations/:orgId/invitations': ownAdmin,
  'DELETE /api/v1/organisations/:orgId/invitations/:invitationId': ownAdmin,
  'POST /organisations/:orgId/invitations/:invitationId/revocation': ownAdmin,
  'GET /api/v1/me/invitations': anyUser,
  'POST /api/v1/me/invitations/:invitationId/acceptance': joiner,
  'POST /invitations/:invitationId/acceptation': joiner,
  'POST /api/v1/me/invitations/:invitationId/refusal': anyUser,
  'POST /invitations/:invitationId/refus': anyUser,
  'GET /organisations/:orgId/jetons': ownAdmin,
  'POST /organisations/:orgId/jetons': ownAdmin,
  'GET /api/v1/organisations/:orgId/api-tokens': ownAdmin,
  'POST /api/v1/organisations/:orgId/api-tokens': ownAdmin,
  'POST /organisations/:orgId/jetons/:tokenId/revocation': ownAdmin,
  'DELETE /api/v1/organisations/:orgId/api-tokens/:tokenId': ownAdmin,
  // Training catalogue. The matrix's organisations are a Mission locale and a Cap emploi: they read
  // the catalogue, but neither import feeds, manage a training organisation's offer nor see purchases.
  'GET /formations': anyUser,
  'GET /formations/:id': anyUser,
  'GET /formations/:id/fiche': everyone,
  'GET /formations/communes-suggerees': everyone,
  'GET /mon-offre': anyUser,
  'GET /formations/imports': superOnly,
  'POST /formations/imports': superOnly,
  'GET /formations/imports/:id': anyUser,
  'GET /formations/imports/:id/rejets.csv': anyUser,
  'POST /formations/imports/:id/retrait': superOnly,
  'GET /formations/imports/:id/rapport.json': anyUser,
  'GET /formations/:id/modifier': superOnly,
  'POST /formations/:id/modifier': superOnly,
  'POST /formations/:id/sessions/:sessionId': superOnly,
  'POST /formations/:id/actions/:actionId/sessions': superOnly,
  'GET /financeurs': superOnly,
  'GET /financeurs/achats.csv': superOnly,
  'GET /financeurs/recouvrements.csv': superOnly,
  'GET /api/v1/trainings': anyUser,
  'GET /api/v1/trainings/export.xml': anyUser,
  'GET /api/v1/trainings/export.csv': anyUser,
  'GET /api/v1/trainings/:id': anyUser,
  'PATCH /api/v1/trainings/:id': superOnly,
  'POST /api/v1/trainings/:id/actions/:actionId/sessions': superOnly,
  'PATCH /api/v1/training-sessions/:sessionId': superOnly,
  'POST /api/v1/lheo-imports': superOnly,
  'GET /api/v1/lheo-imports/:id': anyUser,
  'POST /api/v1/lheo-imports/:id/withdrawal': superOnly,
  // Persons (issue 10). The matrix's organisations (Mission locale, Cap emploi) accompany people:
  // their counsellors and administrators hold files; a gestionnaire, an analyst and the platform
  // super-admin never read one (persons/rights.ts). A file is read by its referent organisation
  // ('follows') and the organisations it was shared with ('oriented-to'); only the referent edits
  // and shares it.
  'GET /personnes': followsPeople,
  'GET /personnes/nouvelle': followsPeople,
  'POST /personnes': followsPeople,
  'GET /api/v1/persons': followsPeople,
  'POST /api/v1/persons': followsPeople,
  'GET /personnes/:personId': { personal: true, rule: fileReader },
  'GET /personnes/:personId/historique': { personal: true, rule: fileReader },
  'GET /personnes/:personId/modifier': { personal: true, rule: fileReferent },
  'POST /personnes/:personId/modifier': { personal: true, rule: fileReferent },
  'GET /personnes/:personId/partage': { personal: true, rule: fileReferent },
  'POST /personnes/:personId/partage': { personal: true, rule: fileReferent },
  'GET /api/v1/persons/:personId': { personal: true, rule: fileReader },
  'PATCH /api/v1/persons/:personId': { personal: true, rule: fileReferent },
  'POST /api/v1/persons/:personId/shares': { personal: true, rule: fileReferent },
  'GET /api/v1/persons/:personId/history': { personal: true, rule: fileReader },
  // ROME 4.0 skill suggestions of the person forms (open data, as /appellations/suggestions).
  'GET /competences/suggestions': everyone,
  // Job offers (offers/rights.ts): published ones are read by every signed-in person; employers' and
  // SIAE's administrators and gestionnaires manage theirs. The matrix's organisations accompany
  // people (mission locale, Cap emploi) and publish none, and the super-admin manages import
  // sources, not offers: every management route is refused here (the employers' side is
  // offers/offers.test.ts). `:id` stands for a training there: an offer « not found » to readers.
  'GET /offres': anyUser,
  'GET /offres/:id': anyUser,
  'GET /offres/competences-suggerees': anyUser,
  'POST /offres/:id/etat': publishesOffers,
  'GET /employeur/offres': publishesOffers,
  'GET /employeur/offres/nouvelle': publishesOffers,
  'POST /employeur/offres': publishesOffers,
  'GET /employeur/offres/:id/modifier': publishesOffers,
  'POST /employeur/offres/:id/modifier': publishesOffers,
  'GET /api/v1/job-offers': anyUser,
  'POST /api/v1/job-offers': publishesOffers,
  'GET /api/v1/job-offers/:id': anyUser,
  'PATCH /api/v1/job-offers/:id': publishesOffers,
  'POST /api/v1/job-offers/:id/transitions': publishesOffers,
  'GET /offres/imports': importsOfferFeeds,
  'POST /offres/imports': importsOfferFeeds,
  'GET /offres/imports/:id': importsOfferFeeds,
  'GET /offres/imports/:id/retrait': importsOfferFeeds,
  'POST /offres/imports/:id/retrait': importsOfferFeeds,
  'POST /offres/imports/:id/maintien': importsOfferFeeds,
  'GET /offres/imports/:id/rapport.json': importsOfferFeeds,
  'GET /offres/imports/:id/rapport.csv': importsOfferFeeds,
  'POST /api/v1/job-offers/imports': importsOfferFeeds,
  'GET /api/v1/job-offers/imports': importsOfferFeeds,
  'GET /api/v1/job-offers/imports/:id': importsOfferFeeds,
  'POST /api/v1/job-offers/imports/:id/withdrawal': importsOfferFeeds,
  // RGPD rights (issue 10 §1): exercised through the referent organisation (persons/rights.ts).
  'GET /personnes/:personId/donnees': { personal: true, rule: fileReferent },
  'GET /personnes/:personId/export.json': { personal: true, rule: fileReferent },
  'GET /personnes/:personId/export': { personal: true, rule: fileReferent },
  'POST /personnes/:personId/invitation': { personal: true, rule: fileReferent },
  'POST /personnes/:personId/effacement': { personal: true, rule: fileReferent },
  'GET /api/v1/persons/:personId/export': { personal: true, rule: fileReferent },
  'POST /api/v1/persons/:personId/erasure': { personal: true, rule: fileReferent },
  // The person's own space (issue 10 §2): its sign-in is open to all, the rest to the person only.
  'GET /mon-espace/connexion': everyone,
  'POST /mon-espace/connexion': everyone,
  'GET /mon-espace/lien': everyone,
  'POST /mon-espace/lien': everyone,
  'GET /mon-espace': personOnly,
  'POST /mon-espace/profil': personOnly,
  'POST /mon-espace/visibilite': personOnly,
  'GET /mon-espace/mes-donnees': personOnly,
  'POST /mon-espace/deconnexion': personOnly,
  // The town hall's contact point: members of a commune only, none among the matrix's own
  // (accompanying) organisations; persons/rgpd.test.ts tries a town hall's member.
  'GET /mairie/inscription': contactPoint,
  'POST /mairie/inscription': contactPoint,
  // Matching (issue 11): a person's suggested offers, for the organisations that may read the file.
  'GET /personnes/:personId/suggestions': { personal: true, rule: fileReader },
  'POST /personnes/:personId/suggestions/criteres': { personal: true, rule: fileReader },
  'POST /personnes/:personId/suggestions/:offerId/ecarter': { personal: true, rule: fileReader },
  'POST /personnes/:personId/suggestions/:offerId/retablir': { personal: true, rule: fileReader },
  'POST /personnes/:personId/suggestions/:offerId/suite': { personal: true, rule: fileReader },
  'GET /api/v1/matches/persons/:personId/offers': { personal: true, rule: fileReader },
  'PUT /api/v1/matches/persons/:personId/preset': { personal: true, rule: fileReader },
  'POST /api/v1/matches/persons/:personId/offers/:offerId/exclusion': { personal: true, rule: fileReader },
  'DELETE /api/v1/matches/persons/:personId/offers/:offerId/exclusion': { personal: true, rule: fileReader },
  'POST /api/v1/matches/persons/:personId/offers/:offerId/outcomes': { personal: true, rule: fileReader },
  // « Se former » (issue 11 §2): whoever may read the file (matching/gap-service.ts reads it first).
  'GET /personnes/:personId/se-former': { personal: true, rule: fileReader },
  'GET /personnes/:personId/se-former/formations/:actionId': { personal: true, rule: fileReader },
  'GET /api/v1/matches/persons/:personId/training-gap': { personal: true, rule: fileReader },
  // Match quality (issue 11 §3): analysts and administrators of the Region and France Travail
  // (matching/quality-service.ts), none among the matrix's organisations; aggregates only.
  'GET /analyses/appariement': superOnly,
  'GET /api/v1/matches/quality': superOnly,
  // Matching (issue 11 §3). An offer's candidates: its employer's managers (none among the matrix's
  // organisations: matching/candidates.test.ts tries one) and the counsellors and administrators of
  // accompanying organisations; only the employer answers on a candidate. The person's suggestions
  // are their space's. `:offerId` is left as is here: an allowed caller gets 400, a refused one 403.
  'GET /offres/:offerId/candidats': followsPeople,
  'POST /offres/:offerId/candidats/:ref/avis': publishesOffers,
  'GET /api/v1/matches/offers/:offerId/candidates': followsPeople,
  'POST /api/v1/matches/offers/:offerId/candidates/:ref/verdict': publishesOffers,
  'GET /mon-espace/offres': personOnly,
  'POST /mon-espace/offres/:offerId/avis': personOnly,
  // Pathways (issue 12). Orientations: the counsellors and administrators of the two organisations
  // of a request (`:orientationId` is one the other organisation sent to the actor's); a person's
  // timeline, orientations and accompaniment: the readers of the file.
  'POST /api/v1/orientations': followsPeople,
  'GET /api/v1/orientations': followsPeople,
  'GET /api/v1/orientations/:orientationId': followsPeople,
  'POST /api/v1/orientations/:orientationId/decision': followsPeople,
  'GET /api/v1/persons/:personId/orientations': { personal: true, rule: fileReader },
  'GET /api/v1/persons/:personId/pathway': { personal: true, rule: fileReader },
  'POST /api/v1/persons/:personId/pathway/notes': { personal: true, rule: fileReader },
  'PUT /api/v1/persons/:personId/pathway/members': { personal: true, rule: fileReader },
  'GET /api/v1/pathways/daily-lists': followsPeople,
  'GET /personnes/:personId/orienter': { personal: true, rule: fileReader },
  'POST /personnes/:personId/orienter': { personal: true, rule: fileReader },
  'GET /orientations/nouvelle': followsPeople,
  'GET /orientations': followsPeople,
  'GET /orientations/:orientationId': followsPeople,
  'POST /orientations/:orientationId/decision': followsPeople,
  'GET /personnes/:personId/parcours': { personal: true, rule: fileReader },
  'POST /personnes/:personId/parcours/notes': { personal: true, rule: fileReader },
  'POST /personnes/:personId/parcours/accompagnants': { personal: true, rule: fileReader },
  'POST /personnes/:personId/parcours/accompagnants/:userId/retrait': { personal: true, rule: fileReader },
  'GET /parcours/suivi': followsPeople,
  // IAE (issue 12 §3-5, pathways/iae-*.ts). Eligibility: the file's readers, any authorised
  // prescriber or SIAE (the matrix's organisations are a Mission locale and Cap emploi, both
  // authorised prescribers). Hire, PASS changes, contracts, hours and exits: SIAE only, none among
  // the matrix's organisations (pathways/iae.test.ts tries them). Prolongation decisions and the
  // PASS reads: followers (`:approvalId`, `:prolongationId` left as is: an allowed caller gets 404).
  'GET /personnes/:personId/eligibilite': { personal: true, rule: fileReader },
  'POST /personnes/:personId/eligibilite': { personal: true, rule: fileReader },
  'GET /orientations/:orientationId/embauche': () => false,
  'POST /orientations/:orientationId/embauche': () => false,
  'GET /iae': () => false,
  'GET /pass-iae/:approvalId': followsPeople,
  'POST /pass-iae/:approvalId/suspensions': () => false,
  'POST /pass-iae/:approvalId/prolongations': () => false,
  'POST /pass-iae/:approvalId/contrats': () => false,
  'POST /pass-iae/:approvalId/contrats/:contractId/heures': () => false,
  'POST /pass-iae/:approvalId/contrats/:contractId/sortie': () => false,
  'GET /pass-iae/prolongations': followsPeople,
  'POST /pass-iae/prolongations/:prolongationId/decision': followsPeople,
  'POST /api/v1/eligibility-diagnoses': followsPeople,
  'GET /api/v1/eligibility-diagnoses': followsPeople,
  'GET /api/v1/eligibility-diagnoses/:diagnosisId': followsPeople,
  'POST /api/v1/approvals': () => false,
  'GET /api/v1/approvals': followsPeople,
  'GET /api/v1/approvals/:approvalId': followsPeople,
  'POST /api/v1/approvals/:approvalId/suspensions': () => false,
  'POST /api/v1/approvals/:approvalId/prolongations': () => false,
  'POST /api/v1/prolongations/:prolongationId/decision': followsPeople,
  'POST /api/v1/contracts': () => false,
  'POST /api/v1/contracts/:contractId/hours': () => false,
  'POST /api/v1/exits': () => false,
  'GET /api/v1/exits': followsPeople,
  // Rates and the CTA's basin pages (issue 12 §6): aggregates for any signed-in member; the
  // accord-cadre's targets are entered by the Region's administrators and analysts (none among the
  // matrix's organisations: pathways/rates.test.ts tries one) and the super-admin.
  'GET /api/v1/exit-rates': anyUser,
  'GET /api/v1/cta/:zoneCode': anyUser,
  'POST /api/v1/cta/:zoneCode/commitments': superOnly,
  'GET /cta': anyUser,
  'GET /cta/:zoneCode': anyUser,
  'POST /cta/:zoneCode/engagements': superOnly,
  // Directory (issue 13). The search and the sheets are public: anonymous visitors read the services
  // « mobilisables par les usagers » (the matrix's service is one), members read every service.
  'GET /annuaire': everyone,
  'GET /api/v1/directory/search': everyone,
  'GET /annuaire/services/:serviceId': everyone,
  'GET /annuaire/structures/:structureId': everyone,
  // The schema's records for partners' systems and staff; imports for the Region (none in the matrix) and the super-admin.
  'GET /api/v1/directory/structures': anyUser,
  'GET /api/v1/directory/services': anyUser,
  'GET /annuaire/export/:file': anyUser,
  'POST /api/v1/directory/imports': superOnly,
  'GET /api/v1/directory/imports/:runId': superOnly,
  'GET /annuaire/imports': superOnly,
  'POST /annuaire/imports': superOnly,
  'GET /annuaire/imports/:runId': superOnly,
  'GET /annuaire/ma-structure': keepsDirectory,
  'GET /annuaire/ma-structure/modifier': keepsDirectory,
  'POST /annuaire/ma-structure/modifier': keepsDirectory,
  'GET /annuaire/ma-structure/services/nouveau': keepsDirectory,
  'POST /annuaire/ma-structure/services/nouveau': keepsDirectory,
  'GET /annuaire/ma-structure/services/:serviceId/modifier': editsDirectoryRecord,
  'POST /annuaire/ma-structure/services/:serviceId/modifier': editsDirectoryRecord,
  'GET /annuaire/ma-structure/services/:serviceId/suppression': editsDirectoryRecord,
  'POST /annuaire/ma-structure/services/:serviceId/suppression': editsDirectoryRecord,
  'POST /annuaire/ma-structure/revue': editsDirectoryRecord,
};

/** The kind of the matrix's own organisation: an edit must keep it (a Region may do more). */
let ownKind = 'mission_locale';
/** A ROME appellation and the other organisation, for the persons' bodies. */
const personRefs = { appellation: '', other: '' };

/** Valid input for each writing route, so that only the access rule can refuse it. */
function bodyFor(key: string): Record<string, unknown> {
  const unique = randomUUID().slice(0, 8);
  const invite = {
    email: `matrice.${unique}@passerelle.demo`,
    firstName: 'Léa',
    lastName: 'Matrice',
    role: 'conseiller',
  };
  const personForm = {
    lastName: `Matrice-${unique}`,
    firstName: 'Jeanne',
    birthDate: '1990-01-01',
    wantedJob1: personRefs.appellation,
    legalBasis: 'public_service',
    informedOn: '2026-01-02',
  };
  const bodies: Record<string, Record<string, unknown>> = {
    'POST /connexion': { email: 'inconnu@passerelle.demo', password: 'x' },
    'POST /mot-de-passe/oubli': { email: 'inconnu@passerelle.demo' },
    'POST /mot-de-passe/nouveau': { jeton: 'x.y', password: 'Valide-Mais-2026!' },
    'POST /mon-compte/profil': { firstName: 'Léa', lastName: 'Matrice' },
    'POST /mon-compte/mot-de-passe': { currentPassword: 'faux', newPassword: 'Nouveau-Mot-2026!' },
    'POST /organisations': { name: `Organisation ${unique}`, kind: 'region' },
    'POST /api/v1/organisations': { name: `Organisation ${unique}`, kind: 'region' },
    'POST /organisations/:orgId/modifier': {
      name: `Organisation ${unique}`,
      kind: ownKind,
      siret: '13002526500013',
    },
    'PATCH /api/v1/organisations/:orgId': { phone: '04 00 00 00 00' },
    'POST /organisations/:orgId/membres': invite,
    'POST /api/v1/organisations/:orgId/members': invite,
    'POST /organisations/:orgId/membres/:userId/role': { role: 'analyste' },
    'PATCH /api/v1/organisations/:orgId/members/:userId': { role: 'analyste' },
    'POST /organisations/:orgId/jetons': { name: 'Jeton matrice', role: 'analyste' },
    'POST /api/v1/organisations/:orgId/api-tokens': { name: 'Jeton matrice', role: 'analyste' },
    'POST /formations/:id/modifier': {
      title: 'Titre',
      objective: 'Objectif',
      expectedResults: 'Résultats',
      content: 'Contenu',
    },
    'POST /formations/:id/sessions/:sessionId': { recruitmentState: '2', placesRemaining: '1' },
    'POST /formations/:id/actions/:actionId/sessions': { start: '2027-01-04', end: '2027-03-05' },
    'PATCH /api/v1/trainings/:id': { title: 'Titre modifié' },
    'POST /api/v1/trainings/:id/actions/:actionId/sessions': { start: '2027-01-04', end: '2027-03-05' },
    'PATCH /api/v1/training-sessions/:sessionId': { recruitmentState: '2' },
    'POST /formations/imports/:id/retrait': { decision: 'cancel' },
    'POST /api/v1/lheo-imports/:id/withdrawal': { decision: 'cancel' },
    'POST /personnes': personForm,
    'POST /api/v1/persons': {
      lastName: `Matrice-${unique}`,
      firstName: 'Jeanne',
      birthDate: '1990-01-01',
      wantedJobs: [personRefs.appellation],
      legalBasis: 'public_service',
      informedOn: '2026-01-02',
    },
    'POST /personnes/:personId/modifier': { ...personForm, version: '1' },
    'PATCH /api/v1/persons/:personId': { version: 1, mobilityRadiusKm: 15 },
    'POST /personnes/:personId/partage': { organisationId: personRefs.other, consentOn: '2026-01-03' },
    'POST /api/v1/persons/:personId/shares': { organisationId: personRefs.other, consentOn: '2026-01-03' },
    'POST /api/v1/job-offers': {
      appellationCode: personRefs.appellation,
      title: 'Offre matrice',
      description: 'Texte',
      contractType: 'CDI',
      remote: true,
    },
    'PATCH /api/v1/job-offers/:id': { version: 1, positions: 3 },
    'POST /api/v1/job-offers/:id/transitions': { to: 'published', version: 1 },
    'POST /api/v1/job-offers/imports/:id/withdrawal': { decision: 'cancel' },
    'POST /personnes/:personId/effacement': { confirm: 'Matrice' },
    'POST /api/v1/persons/:personId/erasure': { confirm: 'Matrice' },
    'POST /mon-espace/connexion': { email: 'inconnu@passerelle.demo' },
    'POST /mon-espace/profil': { version: '1', phone: '06 00 00 00 00' },
    'POST /mon-espace/visibilite': { employerVisible: 'true' },
    'POST /personnes/:personId/suggestions/criteres': { preset: 'reconversion' },
    'POST /personnes/:personId/suggestions/:offerId/ecarter': { reason: 'distance' },
    'POST /personnes/:personId/suggestions/:offerId/suite': { outcome: 'contacted' },
    'PUT /api/v1/matches/persons/:personId/preset': { preset: 'reconversion' },
    'POST /api/v1/matches/persons/:personId/offers/:offerId/exclusion': { reason: 'distance' },
    'POST /api/v1/matches/persons/:personId/offers/:offerId/outcomes': { outcome: 'contacted' },
    'POST /mairie/inscription': {
      lastName: `Mairie-${unique}`,
      firstName: 'Paul',
      birthDate: '1990-01-01',
      wantedJob1: personRefs.appellation,
      organisationId: personRefs.other,
      consentOn: '2026-01-03',
    },
    'POST /offres/:offerId/candidats/:ref/avis': { verdict: 'contact' },
    'POST /api/v1/matches/offers/:offerId/candidates/:ref/verdict': { verdict: 'contact' },
    'POST /mon-espace/offres/:offerId/avis': { verdict: 'interested' },
    'POST /api/v1/orientations': {
      personId: randomUUID(),
      targetKind: 'service',
      organisationId: personRefs.other,
      targetLabel: 'Aide à la mobilité',
      message: 'Matrice',
    },
    'POST /personnes/:personId/orienter': {
      targetKind: 'service',
      organisationId: personRefs.other,
      targetLabel: 'Aide à la mobilité',
      message: 'Matrice',
    },
    'POST /api/v1/orientations/:orientationId/decision': {
      to: 'accepted',
      version: 1,
      startOn: '2026-12-01',
    },
    'POST /orientations/:orientationId/decision': { to: 'accepted', version: '1', startOn: '2026-12-01' },
    'POST /api/v1/persons/:personId/pathway/notes': { text: 'Note de la matrice' },
    'PUT /api/v1/persons/:personId/pathway/members': { userId: randomUUID(), role: 'co' },
    'POST /personnes/:personId/parcours/notes': { kind: 'note', text: 'Note de la matrice' },
    'POST /personnes/:personId/parcours/accompagnants': { userId: randomUUID(), role: 'co' },
    // IAE: well-formed bodies, so that the access rule (or a 404 on an unknown id) answers, not the schema.
    'POST /api/v1/eligibility-diagnoses': { personId: randomUUID(), criteria: [] },
    'POST /api/v1/approvals': { personId: randomUUID(), startOn: '2026-01-05', contractKind: 'CDDI' },
    'POST /api/v1/approvals/:approvalId/suspensions': {
      startOn: '2026-01-05',
      endOn: '2026-01-10',
      reason: 'CONTRACT_SUSPENDED',
    },
    'POST /api/v1/approvals/:approvalId/prolongations': {
      endOn: '2029-01-10',
      reason: 'RQTH',
      prescriberOrganisationId: personRefs.other,
    },
    'POST /api/v1/prolongations/:prolongationId/decision': { decision: 'granted', version: 1 },
    'POST /api/v1/contracts': {
      personId: randomUUID(),
      approvalId: randomUUID(),
      kind: 'CDDI',
      startOn: '2026-01-05',
    },
    'POST /api/v1/contracts/:contractId/hours': { month: '2026-01', hours: 10 },
    'POST /api/v1/exits': { contractId: randomUUID(), exitOn: '2026-01-05', reason: 'CDI' },
    'POST /api/v1/cta/:zoneCode/commitments': {
      year: 2026,
      partnerKind: 'mission_locale',
      indicator: 'orientations',
      target: 10,
    },
    'POST /annuaire/ma-structure/modifier': { nom: `Structure ${unique}`, code_insee: '69123' },
    'POST /annuaire/ma-structure/services/nouveau': {
      nom: `Service ${unique}`,
      description: 'Un service de la matrice d’autorisations, décrit assez longuement pour le schéma.',
      thematiques: 'logement-hebergement--louer-un-logement',
      mobilisable_par: 'professionnels',
    },
    'POST /annuaire/ma-structure/services/:serviceId/modifier': {
      nom: `Service ${unique}`,
      description: 'Un service de la matrice d’autorisations, décrit assez longuement pour le schéma.',
      version: '1',
    },
    'POST /annuaire/imports': {},
    'POST /api/v1/directory/imports': { structures: [], services: [] },
    'POST /cta/:zoneCode/engagements': {
      year: '2026',
      partnerKind: 'mission_locale',
      indicator: 'orientations',
      target: '10',
    },
  };
  return bodies[key] ?? {};
}

/** Audit lines one call must leave for one action its route declares. */
function expectedAuditLines(kind: 'read' | 'write', method: string, refused: boolean, succeeded: boolean) {
  if (refused) return [0];
  // A write's line commits with the change, and only with it.
  if (kind === 'write') return [succeeded ? 1 : 0];
  // A read's line comes with a GET answer; a form refused for its content may show the list again.
  return method === 'GET' && succeeded ? [1] : [0, 1];
}

const ROLES_IN_ORG: Exclude<Who, 'anonyme' | 'super-admin'>[] = [
  'administrateur',
  'conseiller',
  'gestionnaire',
  'analyste',
];
const WHO: Who[] = ['anonyme', 'super-admin', ...ROLES_IN_ORG];

describe.each(testEngines())('authorisation matrix on %s', (engine) => {
  let t: TestApp;
  const orgs = { own: '', other: '' };
  const catalogue = { training: '', action: '', session: '', offer: '', zone: '' };
  const sessions = new Map<Who, Browser>();

  async function addUser(orgId: string, role: string) {
    const email = `m.${randomUUID().slice(0, 8)}@passerelle.demo`;
    const hash = (
      await sql<{
        h: string;
      }>`select password_hash as h from app_user where email = 'superadmin@passerelle.demo'`.execute(t.db)
    ).rows[0]!.h;
    const { rows } = await sql<{ id: string }>`
      insert into app_user (email, first_name, last_name, password_hash) values (${email}, 'Test', 'Matrice', ${hash}) returning id`.execute(
      t.db,
    );
    await sql`insert into membership (user_id, organisation_id, role) values (${rows[0]!.id}, ${orgId}, ${role})`.execute(
      t.db,
    );
    return { id: rows[0]!.id, email };
  }
  async function addToken(orgId: string) {
    const { rows } = await sql<{ id: string }>`
      insert into api_token (organisation_id, name, role, token_hash, token_prefix)
      values (${orgId}, 'Jeton à révoquer', 'analyste', ${randomUUID()}, 'psl_xxxxxx') returning id`.execute(
      t.db,
    );
    return rows[0]!.id;
  }
  /** A pending invitation to the organisation, for a person outside the matrix's sessions. */
  async function addInvitation(orgId: string) {
    const email = `i.${randomUUID().slice(0, 8)}@passerelle.demo`;
    const { rows } = await sql<{ id: string }>`
      with u as (insert into app_user (email, first_name, last_name) values (${email}, 'Invitée', 'Matrice') returning id)
      insert into membership_invitation (organisation_id, user_id, email, role, expires_at)
      select ${orgId}, u.id, ${email}, 'conseiller', now() + interval '7 days' from u returning id`.execute(
      t.db,
    );
    return rows[0]!.id;
  }
  /** A request the other organisation sends to `orgId` (a partner's service), waiting for its answer. */
  async function addOrientation(orgId: string) {
    const from = orgId === orgs.own ? orgs.other : orgs.own;
    const { rows } = await sql<{ id: string }>`
      with p as (insert into person (referent_organisation_id, last_name, first_name, name_key, birth_date, wanted_jobs, legal_basis, informed_on)
        values (${from}, 'Orientée', 'Personne', ${`orientee|${randomUUID().slice(0, 8)}`}, '1990-01-01', '{}', 'public_service', '2026-01-02') returning id)
      insert into orientation (person_id, prescriber_organisation_id, prescriber_label, target_kind, target_organisation_id,
        target_label, message, expires_on)
      select p.id, ${from}, 'Matrice', 'service', ${orgId}, 'Aide à la mobilité', 'Matrice', current_date + 60 from p returning id`.execute(
      t.db,
    );
    return rows[0]!.id;
  }
  /**
   * A new directory service of `orgId`'s structure (created first if the organisation has none),
   * mobilisable by users, so that the public may read its sheet: `:serviceId` (an edit or a
   * deletion changes it). Returns the service's and its structure's ids.
   */
  async function addDirectoryService(orgId: string) {
    const records = recordsRepository(t.db);
    const own = (await records.structuresOf(orgId))[0];
    const structure =
      own ??
      (await records.structure(
        (
          await records.writeStructure(
            t.db,
            sampleStructure({ source: 'passerelle', id: `passerelle--${orgId}`, siret: null }),
            orgId,
          )
        ).uuid,
      ))!;
    const unique = randomUUID().slice(0, 8);
    const { uuid } = await records.writeService(
      t.db,
      sampleService({ source: 'passerelle', id: `passerelle--${unique}`, structure_id: structure.id }),
      structure.uuid,
    );
    return { service: uuid, structure: structure.uuid };
  }
  /** A finished import run for `:runId`. */
  async function addImportRun() {
    const { rows } = await sql<{ id: string }>`
      insert into directory_import_run (source, file_name, format, status, actor_label, finished_at)
      values ('dora', 'matrice.json', 'json', 'done', 'Matrice', now()) returning id`.execute(t.db);
    return rows[0]!.id;
  }
  /** What a forbidden write must not change. */
  async function fingerprint() {
    const { rows } = await sql<{ f: string }>`
      select md5(coalesce((select string_agg(id::text || name || coalesce(phone, ''), ',' order by id) from organisation), '')
        || coalesce((select string_agg(user_id::text || organisation_id::text || role, ',' order by user_id, organisation_id) from membership), '')
        || coalesce((select string_agg(id::text || coalesce(revoked_at::text, ''), ',' order by id) from api_token), '')
        || coalesce((select string_agg(id::text || status, ',' order by id) from membership_invitation), '')
        || coalesce((select string_agg(id::text || first_name || last_name || coalesce(password_hash, ''), ',' order by id) from app_user), '')
        || coalesce((select string_agg(id::text || title || content_hash, ',' order by id) from training), '')
        || coalesce((select string_agg(id::text || recruitment_state || coalesce(places_remaining, -1)::text, ',' order by id) from training_session), '')
        || (select count(*)::text from lheo_import)
        || coalesce((select string_agg(id::text || version::text, ',' order by id) from person), '')
        || (select count(*)::text from person_share)
        || coalesce((select string_agg(id::text || version::text, ',' order by id) from job_offer), '')
        || (select count(*)::text from job_offer_import)
        || (select count(*)::text from person where employer_visible)
        || (select count(*)::text from person_account)
        || (select count(*)::text from match_feedback)
        || (select count(*)::text from match_outcome)
        || coalesce((select string_agg(person_id::text || preset, ',' order by person_id) from match_setting), '')
        || coalesce((select string_agg(id::text || version::text, ',' order by id) from orientation), '')
        || (select count(*)::text from pathway_event)
        || (select count(*)::text from pathway_member)
        || coalesce((select string_agg(id::text || version::text, ',' order by id) from directory_structure), '')
        || coalesce((select string_agg(id::text || version::text, ',' order by id) from directory_service), '')
        || (select count(*)::text from directory_import_run)) as f`.execute(t.db);
    return rows[0]!.f;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const { rows } = await sql<{
      id: string;
      kind: string;
    }>`select id, kind from organisation where kind in ('mission_locale', 'cap_emploi') order by name`.execute(
      t.db,
    );
    orgs.own = rows[0]!.id;
    ownKind = rows[0]!.kind;
    orgs.other = rows[1]!.id;
    const ids = await sql<{ training: string; action: string; session: string }>`
      select t.id as training, a.id as action, s.id as session from training t
      join training_action a on a.training_id = t.id join training_session s on s.action_id = a.id
      order by t.lheo_number limit 1`.execute(t.db);
    Object.assign(catalogue, ids.rows[0]);
    personRefs.appellation = (
      await sql<{ code: string }>`select code from rome_appellation order by code limit 1`.execute(t.db)
    ).rows[0]!.code;
    personRefs.other = orgs.other;
    // A published offer for the matching's routes (`:offerId`).
    catalogue.offer = (
      await sql<{
        id: string;
      }>`select id from job_offer where state = 'published' order by id limit 1`.execute(t.db)
    ).rows[0]!.id;
    // An employment zone for the CTA's routes (`:zoneCode`).
    catalogue.zone = (
      await sql<{ code: string }>`select code from employment_zone order by code limit 1`.execute(t.db)
    ).rows[0]!.code;
    sessions.set('anonyme', new Browser(t.app));
    sessions.set('super-admin', await new Browser(t.app).login('superadmin@passerelle.demo'));
    for (const role of ROLES_IN_ORG)
      sessions.set(role, await new Browser(t.app).login((await addUser(orgs.own, role)).email));
    for (const b of sessions.values()) await b.get('/connexion');
  });
  afterAll(() => t.close());

  /**
   * The person `:personId` stands for, seen by `who` of the `target` organisation through
   * `relation`: a file held by the actor's organisation, one shared with it by its referent
   * organisation (the persons module's « oriented to »), or one with no link.
   */
  async function personFor(_who: Who, target: Target, relation: Relation): Promise<string> {
    // A new file each time (an edit moves its version): held by the actor's organisation
    // ('follows'), held by the other one and shared with the actor's ('oriented-to'), or only held
    // by the other one ('none').
    const referent =
      relation === 'follows' ? orgs[target] : orgs.other === orgs[target] ? orgs.own : orgs.other;
    const { rows } = await sql<{ id: string }>`
      insert into person (referent_organisation_id, last_name, first_name, name_key, birth_date, wanted_jobs, legal_basis, informed_on)
      values (${referent}, 'Matrice', 'Personne', ${`matrice|${randomUUID().slice(0, 8)}`}, '1990-01-01',
        array[${personRefs.appellation}]::text[], 'public_service', '2026-01-02') returning id`.execute(t.db);
    const id = rows[0]!.id;
    if (relation === 'oriented-to')
      await sql`insert into person_share (person_id, organisation_id, consent_on, recorded_by_label)
        values (${id}, ${orgs[target]}, '2026-01-02', 'matrice')`.execute(t.db);
    return id;
  }
  async function lastAuditId() {
    return (await sql<{ n: string }>`select coalesce(max(id), 0)::text as n from audit_log`.execute(t.db))
      .rows[0]!.n;
  }

  it('has a rule for every route and no route without a declared access', () => {
    const keys = t.app.routeTable
      .filter((r) => !r.url.startsWith('/static') && !r.url.startsWith('/api/docs'))
      .map((r) => `${r.method} ${r.url}`);
    const undeclared = t.app.routeTable.filter(
      (r) => !r.access && !r.url.startsWith('/static') && !r.url.startsWith('/api/docs'),
    );
    expect(undeclared).toEqual([]);
    expect(keys.filter((k) => !(k in POLICY))).toEqual([]);
    expect(Object.keys(POLICY).filter((k) => !keys.includes(k))).toEqual([]);
    // A route on a person's file is tried with every relation to that person, and only such a route.
    expect(keys.filter((k) => k.includes(':personId') !== isPersonal(POLICY[k]))).toEqual([]);
  });

  it('allows and refuses exactly what the rules say, and a refused write changes nothing', async () => {
    const failures: string[] = [];
    const declared = new Map(t.app.routeTable.map((r) => [`${r.method} ${r.url}`, r.audit]));
    for (const key of Object.keys(POLICY)) {
      const [method, path] = key.split(' ') as [string, string];
      const targets: Target[] = path.includes(':orgId') ? ['own', 'other'] : ['own'];
      const relations: Relation[] = isPersonal(POLICY[key]) ? RELATIONS : ['none'];
      const cases = targets.flatMap((target) => relations.map((relation) => ({ target, relation })));
      const audit: AuditAction[] = declared.get(key) ?? [];
      for (const who of WHO) {
        for (const { target, relation } of cases) {
          const orgId = orgs[target];
          let url = path.replace(':orgId', orgId);
          if (url.includes(':personId'))
            url = url.replace(':personId', await personFor(who, target, relation));
          if (url.includes(':userId')) url = url.replace(':userId', (await addUser(orgId, 'conseiller')).id);
          if (url.includes(':tokenId')) url = url.replace(':tokenId', await addToken(orgId));
          if (url.includes(':invitationId')) url = url.replace(':invitationId', await addInvitation(orgId));
          if (url.includes(':orientationId'))
            url = url.replace(':orientationId', await addOrientation(orgId));
          if (url.includes(':serviceId') || url.includes(':structureId')) {
            const added = await addDirectoryService(orgId);
            url = url.replace(':serviceId', added.service).replace(':structureId', added.structure);
          }
          if (url.includes(':runId')) url = url.replace(':runId', await addImportRun());
          url = url.replace(':file', 'services.json');
          url = url
            .replace(':offerId', catalogue.offer)
            .replace(':id', catalogue.training)
            .replace(':actionId', catalogue.action)
            .replace(':sessionId', catalogue.session)
            .replace(':zoneCode', catalogue.zone);
          let browser = sessions.get(who)!;
          let body = key === 'POST /mon-compte/organisation' ? { organisationId: orgs.own } : bodyFor(key);
          // « Rien à changer » names its record in the body: a service of the actor's organisation.
          if (key === 'POST /annuaire/ma-structure/revue')
            body = { kind: 'service', id: (await addDirectoryService(orgId)).service };
          // Routes that open or close a session get a throwaway one, so the shared sessions survive.
          if (key === 'POST /deconnexion' && who !== 'anonyme') {
            browser = await new Browser(t.app).login(
              who === 'super-admin' ? 'superadmin@passerelle.demo' : (await addUser(orgs.own, who)).email,
            );
          }
          if (key === 'POST /connexion') {
            browser = new Browser(t.app);
            await browser.get('/connexion');
            body = {
              email: (await addUser(orgs.own, 'conseiller')).email,
              password: 'Passerelle-Demo-2026!',
            };
          }
          const before = method === 'GET' ? '' : await fingerprint();
          const auditBefore = await lastAuditId();
          const violationsBefore = t.app.auditViolations.length;
          const res = url.startsWith('/api/')
            ? await browser.api(
                method as 'GET',
                url,
                method === 'GET' || method === 'DELETE' ? undefined : body,
              )
            : method === 'GET'
              ? await browser.get(url)
              : await browser.post(url, body as Record<string, string>);
          const refused =
            res.statusCode === 401 ||
            res.statusCode === 403 ||
            (res.statusCode === 302 && String(res.headers.location).startsWith('/connexion')) ||
            (res.statusCode === 302 && String(res.headers.location).startsWith('/mon-espace/connexion'));
          const allowed = ruleOf(POLICY[key]!)(who, target, relation);
          const label = `${key} as ${who} on ${target} organisation${relations.length > 1 ? ` (${relation})` : ''} → ${res.statusCode}`;
          if (allowed && refused) failures.push(`should be allowed: ${label}`);
          if (!allowed && !refused && res.statusCode !== 404) failures.push(`should be refused: ${label}`);
          if (allowed && res.statusCode >= 500) failures.push(`server error: ${label}`);
          if (!allowed && method !== 'GET' && (await fingerprint()) !== before)
            failures.push(`refused write changed data: ${label}`);
          for (const violation of t.app.auditViolations.slice(violationsBefore))
            failures.push(`audit: ${violation} (${label})`);
          if (audit.length) {
            const { rows } = await sql<{
              action: string;
            }>`select action from audit_log where id > ${auditBefore}::bigint`.execute(t.db);
            const succeeded = !refused && res.statusCode < 400;
            for (const action of audit) {
              const lines = rows.filter((r) => r.action === action).length;
              const expected = expectedAuditLines(AUDITED_ACTIONS[action].kind, method, refused, succeeded);
              if (!expected.includes(lines))
                failures.push(
                  `${lines} « ${action} » audit line(s), expected ${expected.join(' or ')}: ${label}`,
                );
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // Every route × every role × both organisations, with fingerprints and audit counts: ~40 s alone
    // on PGlite here, past the default 60 s when the other files run beside it.
  }, 300_000);
});
