import { Faker, fr } from '@faker-js/faker';
import { completeLuhn } from '../../shared/siret.js';
import { searchForm } from '../../shared/text.js';
import type { OrganisationKind } from '../identity/model.js';
import { type DiService, type DiStructure, PASSERELLE_SOURCE } from './records.js';

/** A commune the generator places records in (the referential's `commune` row). */
export interface GeneratorCommune {
  code: string;
  name: string;
  postalCode: string;
  departmentCode: string;
  epciCode: string | null;
  latitude: number;
  longitude: number;
  population: number;
}

/** A Passerelle organisation: it publishes one structure. */
export interface GeneratorOrganisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  siret: string | null;
  communeCode: string | null;
  email: string | null;
  phone: string | null;
}

export interface DirectoryGeneratorInput {
  seed: number;
  /** ISO date the records' `date_maj` are drawn before. */
  today: string;
  communes: GeneratorCommune[];
  organisations: GeneratorOrganisation[];
  /** How many services in all. */
  services: number;
  /** How many structures not on Passerelle (default: about one per four services, beside the organisations'). */
  otherStructures?: number;
}

export interface GeneratedDirectory {
  structures: { record: DiStructure; organisationId: string | null }[];
  services: DiService[];
}

/** What a template of service says; the generator adds place, contact, dates and who mobilises it. */
interface ServiceTemplate {
  nom: string;
  type: 'accompagnement' | 'aide-financiere' | 'aide-materielle' | 'atelier' | 'formation' | 'information';
  thematiques: string[];
  publics: string[];
  /** The sentence that says what the service is ({c}: the commune); generic sentences pad it to 200–600 characters. */
  text: string;
  /** Share mobilisable by the users themselves (default 0.6, issue brief: ≈ 60 %). */
  usagers?: number;
  frais?: { payant: number; precisions: string };
  conditions?: string;
  publicsPrecisions?: string;
  /** Share offered at a distance too (eligibility then the department, or France). */
  remote?: number;
}

/** A kind of structure: its names, networks, producer and the services it typically offers. */
interface StructureProfile {
  key: string;
  source: string;
  names: string[];
  reseaux: string[][];
  description: string;
  /** Offered first, in this order (the service a structure is known for), before the others in random order. */
  first?: ServiceTemplate[];
  services: ServiceTemplate[];
  /** Weight in the draw of the structures not on Passerelle (0: only for Passerelle organisations). */
  weight: number;
  /** Some structures of this kind have no SIRET in their producer's data. */
  siret?: number;
}

const T = {
  alimentation: 'equipement-et-alimentation--alimentation',
  habillement: 'equipement-et-alimentation--habillement',
  electromenager: 'equipement-et-alimentation--electromenager',
  hebergement: 'logement-hebergement--rechercher-une-solution-dhebergement-temporaire',
  louer: 'logement-hebergement--louer-un-logement',
  infoLogement: 'logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement',
  maintien: 'logement-hebergement--se-maintenir-dans-le-logement',
  impayes: 'logement-hebergement--reduire-les-impayes-de-loyer',
  changer: 'logement-hebergement--changer-de-logement',
  budget: 'difficultes-financieres--ameliorer-sa-gestion-budgetaire',
  autonomieBudget: 'difficultes-financieres--acquerir-une-autonomie-budgetaire',
  prevenir: 'difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere',
  surendettement: 'difficultes-financieres--situation-dendettement-surendettement',
  demarches: 'difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives',
  droits: 'difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits',
  discrimination: 'difficultes-administratives-ou-juridiques--connaitre-ses-droits-face-a-une-discrimination',
  judiciaire: 'difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire',
  permis: 'mobilite--preparer-un-permis',
  vehicule: 'mobilite--acceder-a-un-vehicule',
  reparer: 'mobilite--entretenir-reparer-son-vehicule',
  parcoursMobilite: 'mobilite--etre-accompagne-dans-son-parcours-mobilite',
  financerMobilite: 'mobilite--financer-ma-mobilite',
  mobiliteDouce: 'mobilite--mobilite-douce-partagee-collective',
  servicesEnLigne: 'numerique--acceder-a-des-services-en-ligne',
  connexion: 'numerique--acceder-a-une-connexion-internet',
  equipement: 'numerique--acquerir-un-equipement',
  fondamentaux: 'numerique--maitriser-les-fondamentaux-du-numerique',
  cv: 'preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation',
  reseau: 'preparer-sa-candidature--developper-son-reseau',
  organiser: 'preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi',
  valoriser: 'preparer-sa-candidature--valoriser-ses-competences',
  entretien: 'trouver-un-emploi--convaincre-un-recruteur-en-entretien',
  offres: 'trouver-un-emploi--repondre-a-des-offres-demploi',
  spontanees: 'trouver-un-emploi--faire-des-candidatures-spontanees',
  maintienEmploi: 'trouver-un-emploi--maintien-dans-lemploi',
  relancer: 'trouver-un-emploi--suivre-ses-candidatures-et-relancer-les-employeurs',
  decouvrir: 'choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite',
  confirmer: 'choisir-un-metier--confirmer-son-choix-de-metier',
  opportunites: 'choisir-un-metier--connaitre-les-opportunites-demploi',
  pointsForts: 'choisir-un-metier--identifier-ses-points-forts-et-ses-competences',
  trouverFormation: 'se-former--trouver-sa-formation',
  dossierFormation: 'se-former--monter-son-dossier-de-formation',
  francais: 'lecture-ecriture-calcul--maitriser-le-francais',
  calcul: 'lecture-ecriture-calcul--maitriser-le-calcul',
  lienSocial: 'remobilisation--lien-social',
  confiance: 'remobilisation--bien-etre-confiance-en-soi',
  sport: 'remobilisation--activites-sportives-et-culturelles',
  benevolat: 'remobilisation--benevolat-action-citoyenne',
  soins: 'sante--acces-aux-soins',
  addictions: 'sante--addictions',
  santeMentale: 'sante--sante-mentale',
  mdph: 'sante--constituer-un-dossier-mdph-invalidite',
  violences: 'famille--surmonter-conflits-separation-violence',
  parentalite: 'famille--soutien-a-la-parentalite-et-a-leducation',
  garde: 'famille--garde-denfants',
  aidants: 'famille--soutien-aidants',
  creerDefinir: 'creer-une-entreprise--definir-son-projet-de-creation-dentreprise',
  creerStructurer: 'creer-une-entreprise--structurer-son-projet-de-creation-dentreprise',
  creerDevelopper: 'creer-une-entreprise--developper-son-entreprise',
  international: 'souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger',
  aidesEtranger: 'souvrir-a-linternational--sinformer-sur-les-aides-pour-travailler-a-letranger',
} as const;

const JEUNES = ['jeunes'];
const DE = ['demandeurs-emploi'];
const TOUS = ['tous-publics'];
const MINIMA = ['beneficiaires-des-minimas-sociaux'];

// Templates shared by several profiles.
const LOGEMENT_CCAS: ServiceTemplate = {
  nom: 'Aide à l’accès au logement',
  type: 'accompagnement',
  thematiques: [T.louer, T.infoLogement],
  publics: TOUS,
  text: 'Un travailleur social vous aide à constituer votre demande de logement social, à préparer votre dossier de location et à solliciter les aides à l’entrée dans les lieux (dépôt de garantie, premier loyer).',
};
const HEBERGEMENT_URGENCE: ServiceTemplate = {
  nom: 'Hébergement d’urgence et mise à l’abri',
  type: 'accompagnement',
  thematiques: [T.hebergement],
  publics: ['personnes-en-situation-durgence'],
  text: 'Orientation vers une solution d’hébergement d’urgence en lien avec le SIAO et le 115, pour les personnes sans solution pour la nuit ou menacées d’expulsion à {c}.',
  usagers: 0.8,
};
const AIDE_ALIMENTAIRE: ServiceTemplate = {
  nom: 'Aide alimentaire',
  type: 'aide-materielle',
  thematiques: [T.alimentation],
  publics: TOUS,
  text: 'Distribution de colis alimentaires et de produits d’hygiène aux personnes et familles aux ressources modestes, sur inscription après un entretien avec un bénévole.',
  conditions: 'Justificatifs de ressources et de charges à présenter lors de l’inscription.',
  usagers: 0.85,
};
const EPICERIE: ServiceTemplate = {
  nom: 'Épicerie sociale et solidaire',
  type: 'aide-materielle',
  thematiques: [T.alimentation, T.budget],
  publics: ['familles', 'beneficiaires-des-minimas-sociaux'],
  text: 'L’épicerie sociale propose des produits alimentaires et d’hygiène à petit prix, avec un accompagnement budgétaire pour aider à réaliser un projet (payer une dette, équiper son logement).',
  frais: { payant: 1, precisions: 'Participation de 10 à 30 % du prix habituel des produits.' },
  conditions: 'Sur orientation d’un travailleur social, pour une durée de trois à six mois renouvelable.',
  usagers: 0.3,
};
const BUDGET: ServiceTemplate = {
  nom: 'Conseil budgétaire',
  type: 'accompagnement',
  thematiques: [T.budget, T.prevenir],
  publics: TOUS,
  text: 'Un conseiller en économie sociale et familiale vous reçoit pour faire le point sur vos ressources et vos charges, négocier avec vos créanciers et éviter que la situation ne se dégrade.',
};
const DOMICILIATION: ServiceTemplate = {
  nom: 'Domiciliation administrative',
  type: 'accompagnement',
  thematiques: [T.demarches, T.droits],
  publics: ['personnes-en-situation-durgence'],
  text: 'Une adresse pour recevoir votre courrier et faire valoir vos droits (RSA, sécurité sociale, carte d’identité) lorsque vous n’avez pas de domicile stable à {c}.',
  usagers: 0.9,
};
const DEMARCHES_EN_LIGNE: ServiceTemplate = {
  nom: 'Aide aux démarches en ligne',
  type: 'accompagnement',
  thematiques: [T.servicesEnLigne, T.demarches],
  publics: TOUS,
  text: 'Un conseiller vous accompagne pour vos démarches administratives en ligne : CAF, Assurance maladie, impôts, retraite, France Travail, carte grise ou titre de séjour.',
  usagers: 0.95,
};
const ATELIER_NUMERIQUE: ServiceTemplate = {
  nom: 'Ateliers « Premiers pas avec le numérique »',
  type: 'atelier',
  thematiques: [T.fondamentaux],
  publics: TOUS,
  text: 'Des ateliers en petit groupe pour apprendre à utiliser un ordinateur, une tablette ou un smartphone, créer une adresse électronique, naviguer sur internet et se protéger des arnaques.',
  usagers: 0.9,
};
const CV: ServiceTemplate = {
  nom: 'Atelier CV et lettre de motivation',
  type: 'atelier',
  thematiques: [T.cv, T.valoriser],
  publics: DE,
  text: 'En atelier collectif, réalisez ou mettez à jour votre CV et une lettre de motivation adaptée aux offres que vous visez, avec des exemples et des conseils personnalisés.',
  usagers: 0.7,
};
const ENTRETIEN: ServiceTemplate = {
  nom: 'Atelier « Réussir son entretien d’embauche »',
  type: 'atelier',
  thematiques: [T.entretien],
  publics: DE,
  text: 'Préparez vos entretiens d’embauche par des mises en situation filmées, apprenez à présenter votre parcours et à répondre aux questions difficiles des recruteurs.',
};
const PARCOURS_IAE = (activity: string): ServiceTemplate => ({
  nom: `Parcours d’insertion — ${activity}`,
  type: 'accompagnement',
  thematiques: [T.offres, T.valoriser, T.confiance],
  publics: ['demandeurs-emploi', 'beneficiaires-des-minimas-sociaux'],
  text: `Un contrat de travail en insertion (CDDI) de 4 à 24 mois dans le secteur ${activity.toLowerCase()}, avec un accompagnement socioprofessionnel pour lever les freins à l’emploi et construire un projet professionnel.`,
  conditions:
    'Être éligible à l’insertion par l’activité économique (diagnostic réalisé par un prescripteur habilité).',
  usagers: 0.2,
});

const DATES_JEUNES =
  'Jeunes de 16 à 25 ans révolus (jusqu’à 29 ans pour les jeunes en situation de handicap).';

const PROFILES: Record<string, StructureProfile> = {
  mission_locale: {
    key: 'mission_locale',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [['mission-locale']],
    description:
      'La Mission locale accueille, informe et accompagne les jeunes de 16 à 25 ans dans leur insertion professionnelle et sociale : emploi, formation, logement, santé, mobilité.',
    first: [
      {
        nom: 'Contrat d’engagement jeune (CEJ)',
        type: 'accompagnement',
        thematiques: [T.organiser, T.opportunites, T.confiance],
        publics: JEUNES,
        text: 'Un accompagnement intensif de 15 à 20 heures par semaine avec un conseiller référent, une allocation pouvant aller jusqu’à 528 € par mois et des mises en situation professionnelle.',
        publicsPrecisions: DATES_JEUNES,
        conditions: 'Ne pas être en études ni en formation ; être inscrit à la Mission locale.',
      },
      {
        nom: 'Logement des jeunes : conseil et accès',
        type: 'accompagnement',
        thematiques: [T.louer, T.infoLogement, T.hebergement],
        publics: JEUNES,
        text: 'Un conseiller logement aide les jeunes à trouver un logement autonome ou temporaire (foyer de jeunes travailleurs, colocation), à mobiliser les aides Loca-Pass, Visale et les aides de la CAF.',
        publicsPrecisions: DATES_JEUNES,
      },
    ],
    services: [
      {
        nom: 'Aide au permis de conduire des jeunes',
        type: 'aide-financiere',
        thematiques: [T.permis, T.financerMobilite],
        publics: JEUNES,
        text: 'Une aide au financement du permis B pour les jeunes en parcours d’insertion, cumulable avec l’aide de France Travail et le compte personnel de formation, et une préparation au code.',
        usagers: 0.3,
      },
      { ...CV, publics: JEUNES, nom: 'Atelier CV et lettre de motivation des jeunes' },
      {
        nom: 'Découvrir un métier en immersion (PMSMP)',
        type: 'accompagnement',
        thematiques: [T.decouvrir, T.confirmer],
        publics: JEUNES,
        text: 'La Mission locale organise des périodes de mise en situation en milieu professionnel de quelques jours à un mois, pour découvrir un métier ou confirmer un projet chez un employeur.',
      },
      {
        nom: 'Point santé jeunes',
        type: 'accompagnement',
        thematiques: [T.soins, T.santeMentale],
        publics: JEUNES,
        text: 'Une psychologue et une infirmière reçoivent les jeunes sans rendez-vous pour parler de leur santé, les aider à ouvrir leurs droits à l’Assurance maladie et les orienter vers un médecin.',
        usagers: 0.9,
      },
      {
        nom: 'Parrainage vers l’emploi',
        type: 'accompagnement',
        thematiques: [T.reseau, T.relancer],
        publics: JEUNES,
        text: 'Un parrain ou une marraine en activité professionnelle accompagne un jeune pendant six mois : conseils, carnet d’adresses, préparation aux entretiens et suivi des candidatures.',
      },
    ],
    weight: 0,
  },
  france_travail: {
    key: 'france_travail',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [['france-travail']],
    description:
      'L’agence France Travail accompagne les demandeurs d’emploi et les entreprises : inscription, indemnisation, conseil, ateliers, aides à la mobilité et à la formation.',
    first: [
      {
        nom: 'Accompagnement global emploi et social',
        type: 'accompagnement',
        thematiques: [T.organiser, T.demarches, T.maintien],
        publics: ['demandeurs-emploi', 'beneficiaires-des-minimas-sociaux'],
        text: 'Un conseiller France Travail et un travailleur social du Département vous accompagnent ensemble pour lever les difficultés sociales (logement, santé, garde d’enfants) qui freinent votre retour à l’emploi.',
        usagers: 0.2,
      },
    ],
    services: [
      ENTRETIEN,
      {
        nom: 'Aide à la mobilité : permis et déplacements',
        type: 'aide-financiere',
        thematiques: [T.financerMobilite, T.permis],
        publics: DE,
        text: 'Une aide au financement des frais de déplacement, de repas ou d’hébergement pour un entretien d’embauche, une reprise d’emploi ou une formation éloignée, et une aide au permis B jusqu’à 1 200 €.',
        conditions: 'Être inscrit à France Travail ; demande à faire avant la dépense.',
        usagers: 0.5,
      },
      {
        nom: 'Construire son projet de formation',
        type: 'accompagnement',
        thematiques: [T.trouverFormation, T.dossierFormation],
        publics: DE,
        text: 'Votre conseiller vous aide à choisir une formation, à mobiliser votre compte personnel de formation et les financements de la Région, et à monter votre dossier d’inscription.',
      },
      {
        nom: 'Atelier « Créer ou reprendre une entreprise »',
        type: 'atelier',
        thematiques: [T.creerDefinir],
        publics: DE,
        text: 'Un atelier d’une demi-journée pour évaluer votre idée de création d’entreprise, connaître les aides (ARCE, ACRE) et les réseaux d’accompagnement du territoire.',
      },
      {
        nom: 'Job dating et recrutements collectifs',
        type: 'information',
        thematiques: [T.offres, T.entretien],
        publics: DE,
        text: 'Des rencontres avec des employeurs qui recrutent près de chez vous : présentation des postes, entretiens rapides et méthode de recrutement par simulation (MRS) sans CV.',
        usagers: 0.8,
      },
      {
        nom: 'Travailler à l’étranger : information EURES',
        type: 'information',
        thematiques: [T.international, T.aidesEtranger],
        publics: DE,
        text: 'Les conseillers EURES informent sur les offres d’emploi en Europe, les conditions de vie et de travail dans chaque pays et les aides à la mobilité internationale.',
        remote: 0.6,
      },
    ],
    weight: 0,
  },
  cap_emploi: {
    key: 'cap_emploi',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [['cap-emploi-reseau-cheops']],
    description:
      'Cap emploi accompagne les personnes en situation de handicap vers l’emploi et les aide, avec leur employeur, à le conserver.',
    first: [
      {
        nom: 'Accompagnement vers l’emploi des personnes handicapées',
        type: 'accompagnement',
        thematiques: [T.organiser, T.offres],
        publics: ['personnes-en-situation-de-handicap'],
        text: 'Un conseiller spécialisé construit avec vous un projet professionnel compatible avec votre santé, recherche des employeurs et mobilise les aides de l’Agefiph pour compenser le handicap.',
        conditions: 'Reconnaissance de la qualité de travailleur handicapé (RQTH) obtenue ou en cours.',
        usagers: 0.4,
      },
    ],
    services: [
      {
        nom: 'Maintien dans l’emploi',
        type: 'accompagnement',
        thematiques: [T.maintienEmploi],
        publics: ['personnes-en-situation-de-handicap', 'actifs'],
        text: 'Lorsque votre santé menace votre poste, Cap emploi étudie avec vous, votre employeur et le médecin du travail un aménagement de poste, un temps partiel ou une reconversion.',
      },
      {
        nom: 'Information sur la RQTH et les aides de l’Agefiph',
        type: 'information',
        thematiques: [T.mdph, T.droits],
        publics: ['personnes-en-situation-de-handicap'],
        text: 'Une information individuelle sur la reconnaissance de la qualité de travailleur handicapé, la constitution du dossier auprès de la MDPH et les aides de l’Agefiph.',
        usagers: 0.9,
        remote: 0.5,
      },
    ],
    weight: 0,
  },
  siae: {
    key: 'siae',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [],
    description:
      'Structure de l’insertion par l’activité économique : elle salarie des personnes éloignées de l’emploi et les accompagne vers un emploi durable.',
    first: [PARCOURS_IAE('Espaces verts et maraîchage')],
    services: [
      PARCOURS_IAE('Bâtiment et second œuvre'),
      PARCOURS_IAE('Tri et réemploi'),
      {
        nom: 'Découverte des métiers en atelier',
        type: 'atelier',
        thematiques: [T.decouvrir, T.pointsForts],
        publics: DE,
        text: 'Une journée de découverte de nos ateliers pour essayer les métiers, rencontrer l’équipe encadrante et savoir si un parcours d’insertion vous convient.',
        usagers: 0.6,
      },
      {
        nom: 'Remise à niveau et savoirs de base',
        type: 'formation',
        thematiques: [T.francais, T.calcul],
        publics: ['demandeurs-emploi', 'personnes-exilees'],
        text: 'Des séances de français à visée professionnelle et de calcul pendant le temps de travail, pour les salariés en insertion qui en ont besoin.',
        usagers: 0.1,
      },
    ],
    weight: 0,
  },
  commune: {
    key: 'commune',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [['communes', 'ccas-cias']],
    description:
      'La mairie et son centre communal d’action sociale accueillent les habitants pour leurs démarches et l’aide sociale : logement, aides d’urgence, emploi de proximité.',
    first: [LOGEMENT_CCAS],
    services: [
      AIDE_ALIMENTAIRE,
      DOMICILIATION,
      BUDGET,
      {
        nom: 'Point d’accueil emploi de la mairie',
        type: 'information',
        thematiques: [T.offres, T.organiser],
        publics: TOUS,
        text: 'Consultation libre des offres d’emploi du territoire, ordinateurs et imprimante à disposition, et mise en relation avec les employeurs de la commune.',
        usagers: 0.95,
      },
    ],
    weight: 0,
  },
  fonds_garantie: {
    key: 'fonds_garantie',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [['france-active'], ['adie']],
    description:
      'Finance et accompagne les personnes qui créent leur entreprise ou leur emploi sans accès au crédit bancaire classique.',
    first: [
      {
        nom: 'Microcrédit pour créer son entreprise',
        type: 'aide-financiere',
        thematiques: [T.creerStructurer, T.creerDevelopper],
        publics: ['demandeurs-emploi', 'beneficiaires-des-minimas-sociaux'],
        text: 'Un microcrédit jusqu’à 12 000 € et une garantie de prêt bancaire pour lancer votre activité, avec un accompagnement avant et après la création.',
        frais: { payant: 1, precisions: 'Prêt remboursable, au taux indiqué lors de l’étude du dossier.' },
        remote: 0.5,
      },
    ],
    services: [
      {
        nom: 'Microcrédit mobilité',
        type: 'aide-financiere',
        thematiques: [T.financerMobilite, T.vehicule],
        publics: ['actifs', 'demandeurs-emploi'],
        text: 'Un prêt de 300 à 5 000 € pour acheter ou réparer un véhicule, financer le permis de conduire, lorsque la mobilité conditionne l’accès ou le maintien dans l’emploi.',
        frais: { payant: 1, precisions: 'Prêt remboursable sur 6 à 36 mois.' },
        remote: 0.6,
      },
    ],
    weight: 0,
  },
  structure_accompagnement: {
    key: 'structure_accompagnement',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [['reseau-bge'], ['maisons-de-l-emploi']],
    description:
      'Accompagne les porteurs de projet et les personnes en recherche d’emploi du territoire, en lien avec les entreprises.',
    first: [
      {
        nom: 'Accompagnement à la création d’entreprise',
        type: 'accompagnement',
        thematiques: [T.creerDefinir, T.creerStructurer],
        publics: TOUS,
        text: 'Un conseiller vous aide à vérifier la faisabilité de votre projet, à réaliser votre étude de marché et votre prévisionnel financier, et à choisir votre statut juridique.',
      },
    ],
    services: [
      {
        nom: 'Ateliers de la création : statut, financement, commercial',
        type: 'atelier',
        thematiques: [T.creerStructurer],
        publics: TOUS,
        text: 'Un cycle d’ateliers thématiques pour les futurs créateurs : choisir son statut, construire son prévisionnel, trouver ses premiers clients.',
        remote: 0.4,
      },
      {
        nom: 'Relais emploi de proximité',
        type: 'accompagnement',
        thematiques: [T.organiser, T.spontanees],
        publics: DE,
        text: 'Un accueil de proximité pour vos recherches d’emploi : offres locales, candidatures spontanées auprès des entreprises du bassin, préparation des entretiens.',
      },
    ],
    weight: 0,
  },
  region: {
    key: 'region',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [['regions']],
    description:
      'La Région finance la formation des demandeurs d’emploi, l’orientation tout au long de la vie et des aides aux stagiaires de la formation professionnelle.',
    first: [
      {
        nom: 'Formations gratuites pour les demandeurs d’emploi',
        type: 'information',
        thematiques: [T.trouverFormation],
        publics: DE,
        text: 'Le programme régional de formation propose des formations qualifiantes gratuites dans les métiers qui recrutent, avec une rémunération possible pendant la formation.',
        remote: 0.8,
      },
    ],
    services: [
      {
        nom: 'Aide régionale aux frais de transport des stagiaires',
        type: 'aide-financiere',
        thematiques: [T.financerMobilite],
        publics: DE,
        text: 'Une aide aux frais de transport, d’hébergement et de restauration pour les stagiaires d’une formation financée par la Région, selon la distance entre le domicile et le centre.',
        remote: 0.9,
      },
      {
        nom: 'Conseil en évolution professionnelle',
        type: 'accompagnement',
        thematiques: [T.pointsForts, T.confirmer],
        publics: ['actifs'],
        text: 'Un conseil gratuit et confidentiel pour faire le point sur votre situation professionnelle, identifier vos compétences et construire un projet de reconversion.',
        remote: 0.5,
      },
    ],
    weight: 0,
  },
  organisme_formation: {
    key: 'organisme_formation',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [],
    description:
      'Organisme de formation professionnelle continue : qualifications, remises à niveau, préparations aux métiers.',
    first: [
      {
        nom: 'Remise à niveau : français et mathématiques',
        type: 'formation',
        thematiques: [T.francais, T.calcul],
        publics: ['demandeurs-emploi', 'personnes-exilees'],
        text: 'Une formation pour consolider les savoirs de base avant une formation qualifiante ou une reprise d’emploi : expression écrite et orale, calcul professionnel, raisonnement.',
      },
    ],
    services: [
      {
        nom: 'Préparation opérationnelle à l’emploi',
        type: 'formation',
        thematiques: [T.trouverFormation, T.offres],
        publics: DE,
        text: 'Une formation courte, financée par France Travail, qui prépare à un poste proposé par une entreprise qui s’engage à recruter à son issue.',
      },
      {
        nom: 'Français langue étrangère à visée professionnelle',
        type: 'formation',
        thematiques: [T.francais],
        publics: ['personnes-exilees'],
        text: 'Des cours de français pour les personnes non francophones qui veulent travailler : vocabulaire des métiers, compréhension des consignes, échanges avec les collègues et les clients.',
      },
    ],
    weight: 0,
  },
  employeur: {
    key: 'employeur',
    source: PASSERELLE_SOURCE,
    names: [],
    reseaux: [],
    description:
      'Entreprise du territoire qui recrute et ouvre ses portes aux personnes qui découvrent ses métiers.',
    first: [
      {
        nom: 'Découvrir nos métiers en immersion',
        type: 'information',
        thematiques: [T.decouvrir, T.opportunites],
        publics: DE,
        text: 'Nous accueillons des personnes en recherche d’emploi pour une immersion de quelques jours dans nos équipes, afin de découvrir nos métiers et nos conditions de travail.',
        usagers: 0.4,
      },
    ],
    services: [],
    weight: 0,
  },
  // Structures of the region that are not on Passerelle, as DORA and les emplois de l'inclusion list them.
  ccas: {
    key: 'ccas',
    source: 'dora',
    names: ['CCAS de {c}', 'Centre communal d’action sociale de {c}'],
    reseaux: [['ccas-cias']],
    description:
      'Le centre communal d’action sociale anime l’action sociale de la commune : aides facultatives, domiciliation, logement, accompagnement des personnes âgées et des familles.',
    first: [LOGEMENT_CCAS],
    services: [HEBERGEMENT_URGENCE, AIDE_ALIMENTAIRE, BUDGET, DOMICILIATION, EPICERIE],
    weight: 10,
    siret: 0.9,
  },
  caf: {
    key: 'caf',
    source: 'dora',
    names: ['Caf — accueil de {c}', 'Caisse d’allocations familiales — point d’accueil de {c}'],
    reseaux: [['caf']],
    description:
      'La caisse d’allocations familiales verse les prestations familiales et les aides au logement, et soutient les familles.',
    first: [
      {
        nom: 'Aides au logement : information et demande',
        type: 'information',
        thematiques: [T.louer, T.infoLogement],
        publics: TOUS,
        text: 'Information sur l’aide personnalisée au logement (APL), l’allocation de logement et la prime de déménagement, et aide à la demande en ligne sur caf.fr.',
        usagers: 1,
        remote: 0.6,
      },
    ],
    services: [
      {
        nom: 'Rendez-vous des droits',
        type: 'accompagnement',
        thematiques: [T.droits],
        publics: ['familles', 'beneficiaires-des-minimas-sociaux'],
        text: 'Un entretien approfondi avec un conseiller pour examiner l’ensemble de vos droits (prestations familiales, RSA, prime d’activité, complémentaire santé solidaire) et les ouvrir.',
      },
      {
        nom: 'Soutien à la parentalité',
        type: 'accompagnement',
        thematiques: [T.parentalite, T.violences],
        publics: ['familles'],
        text: 'Un travailleur social accompagne les familles qui traversent une séparation, un deuil ou l’arrivée d’un enfant, et les oriente vers la médiation familiale.',
      },
    ],
    weight: 3,
  },
  cpam: {
    key: 'cpam',
    source: 'dora',
    names: ['CPAM — accueil de {c}', 'Assurance maladie — agence de {c}'],
    reseaux: [['cpam']],
    description:
      'La caisse primaire d’assurance maladie rembourse les soins et accompagne l’accès aux droits de santé.',
    first: [
      {
        nom: 'Accès aux soins et aux droits de santé',
        type: 'accompagnement',
        thematiques: [T.soins, T.droits],
        publics: TOUS,
        text: 'La mission accompagnement santé aide les assurés qui renoncent à se soigner : ouverture des droits, complémentaire santé solidaire, recherche d’un médecin traitant.',
      },
    ],
    services: [
      {
        nom: 'Examen de prévention en santé',
        type: 'accompagnement',
        thematiques: [T.soins],
        publics: ['demandeurs-emploi', 'jeunes'],
        text: 'Un bilan de santé gratuit dans un centre d’examens de santé, pour les personnes éloignées du soin, avec un suivi si nécessaire.',
        usagers: 0.9,
      },
    ],
    weight: 2,
  },
  mdph: {
    key: 'mdph',
    source: 'dora',
    names: ['MDPH — antenne de {c}', 'Maison départementale des personnes handicapées — antenne de {c}'],
    reseaux: [['mdph', 'maison-departementale-de-lautonomie']],
    description:
      'La maison départementale des personnes handicapées accueille et informe les personnes handicapées et leurs proches, et instruit leurs demandes.',
    first: [
      {
        nom: 'Aide à la constitution du dossier MDPH',
        type: 'accompagnement',
        thematiques: [T.mdph],
        publics: ['personnes-en-situation-de-handicap'],
        text: 'Un accompagnement pour remplir le formulaire de demande et le certificat médical : RQTH, allocation aux adultes handicapés, orientation professionnelle, carte mobilité inclusion.',
      },
    ],
    services: [
      {
        nom: 'Information des aidants',
        type: 'information',
        thematiques: [T.aidants],
        publics: ['familles'],
        text: 'Information des proches aidants sur le droit au répit, les aides financières et les solutions d’accueil temporaire de la personne aidée.',
        remote: 0.5,
      },
    ],
    weight: 1,
  },
  cidff: {
    key: 'cidff',
    source: 'dora',
    names: [
      'CIDFF — permanence de {c}',
      'Centre d’information sur les droits des femmes et des familles de {c}',
    ],
    reseaux: [['cidff']],
    description:
      'Le CIDFF informe les femmes et les familles sur leurs droits et accompagne les victimes de violences.',
    first: [
      {
        nom: 'Accompagnement des femmes victimes de violences',
        type: 'accompagnement',
        thematiques: [T.violences, T.judiciaire],
        publics: ['femmes'],
        text: 'Écoute, information juridique et accompagnement dans les démarches (dépôt de plainte, ordonnance de protection, hébergement) par une juriste et une psychologue.',
        usagers: 0.9,
      },
    ],
    services: [
      {
        nom: 'Information juridique gratuite',
        type: 'information',
        thematiques: [T.droits, T.discrimination],
        publics: ['femmes', 'familles'],
        text: 'Une juriste répond à vos questions de droit de la famille, du travail ou du logement, et vous aide à connaître vos droits face à une discrimination.',
        usagers: 0.95,
        remote: 0.4,
      },
      {
        nom: 'Emploi des femmes : bureau d’accompagnement individualisé',
        type: 'accompagnement',
        thematiques: [T.organiser, T.confiance],
        publics: ['femmes'],
        text: 'Un accompagnement vers l’emploi ou la formation pour les femmes qui reprennent une activité après une interruption ou une séparation.',
      },
    ],
    weight: 2,
  },
  restos: {
    key: 'restos',
    source: 'soliguide',
    names: ['Restos du cœur de {c}', 'Les Restos du cœur — centre de {c}'],
    reseaux: [['restos-du-coeur']],
    description:
      'Association d’aide alimentaire et d’insertion : distributions, accompagnement vers le logement, l’emploi, l’accès aux droits.',
    first: [AIDE_ALIMENTAIRE],
    services: [
      {
        nom: 'Ateliers de français',
        type: 'atelier',
        thematiques: [T.francais],
        publics: ['personnes-exilees'],
        text: 'Des bénévoles proposent des ateliers de français pour débutants et intermédiaires, pour la vie quotidienne et les démarches.',
        usagers: 0.9,
      },
      {
        nom: 'Accompagnement vers le logement',
        type: 'accompagnement',
        thematiques: [T.louer, T.maintien],
        publics: ['personnes-en-situation-durgence', 'familles'],
        text: 'Les bénévoles du pôle logement aident les personnes accueillies à chercher un logement, à préparer leur dossier et à s’y maintenir.',
      },
    ],
    weight: 3,
  },
  secours_populaire: {
    key: 'secours_populaire',
    source: 'soliguide',
    names: ['Secours populaire — comité de {c}'],
    reseaux: [['secours-populaire']],
    description:
      'Association de solidarité : aide alimentaire, vestimentaire, accès aux vacances, à la culture et aux droits.',
    first: [AIDE_ALIMENTAIRE],
    services: [
      {
        nom: 'Vestiaire solidaire',
        type: 'aide-materielle',
        thematiques: [T.habillement],
        publics: TOUS,
        text: 'Des vêtements pour enfants et adultes, propres et en bon état, contre une participation symbolique, et une tenue pour un entretien d’embauche.',
        frais: { payant: 0.7, precisions: 'Participation symbolique de 1 à 3 € par article.' },
        usagers: 0.9,
      },
      {
        nom: 'Vacances et sorties culturelles',
        type: 'aide-materielle',
        thematiques: [T.sport, T.lienSocial],
        publics: ['familles'],
        text: 'Des journées à la mer, des séjours familiaux et des places de spectacle pour les familles qui ne partent pas en vacances.',
      },
    ],
    weight: 2,
  },
  emmaus: {
    key: 'emmaus',
    source: 'emplois-de-linclusion',
    names: ['Emmaüs {c}', 'Communauté Emmaüs de {c}'],
    reseaux: [['emmaus']],
    description: 'Communauté Emmaüs : accueil, hébergement et activité solidaire autour du réemploi.',
    first: [
      {
        nom: 'Meubles et électroménager à petit prix',
        type: 'aide-materielle',
        thematiques: [T.electromenager, T.habillement],
        publics: TOUS,
        text: 'Une boutique solidaire de meubles, d’électroménager révisé et de vêtements pour équiper un logement à petit prix, avec des bons pour les personnes orientées par un travailleur social.',
        frais: { payant: 1, precisions: 'Prix solidaires ; gratuité sur bon d’un travailleur social.' },
        usagers: 0.9,
      },
    ],
    services: [
      {
        nom: 'Accueil et hébergement en communauté',
        type: 'accompagnement',
        thematiques: [T.hebergement, T.lienSocial],
        publics: ['personnes-en-situation-durgence'],
        text: 'La communauté accueille sans condition des compagnons qui partagent la vie et le travail solidaire, avec un logement, un pécule et un accompagnement.',
      },
    ],
    weight: 1,
  },
  points_conseil_budget: {
    key: 'points_conseil_budget',
    source: 'dora',
    names: ['Point conseil budget de {c}', 'Crésus — point conseil budget de {c}'],
    reseaux: [['points-conseil-budget'], ['points-conseil-budget', 'cresus']],
    description:
      'Le point conseil budget aide gratuitement toute personne qui rencontre des difficultés financières.',
    first: [
      {
        nom: 'Surendettement : accompagnement du dossier',
        type: 'accompagnement',
        thematiques: [T.surendettement],
        publics: TOUS,
        text: 'Un conseiller vous aide à évaluer votre situation, à négocier avec vos créanciers et, si nécessaire, à déposer un dossier de surendettement à la Banque de France.',
        usagers: 0.9,
      },
    ],
    services: [
      {
        nom: 'Impayés de loyer : prévenir l’expulsion',
        type: 'accompagnement',
        thematiques: [T.impayes, T.maintien],
        publics: TOUS,
        text: 'Dès le premier impayé, un accompagnement pour établir un plan d’apurement avec le bailleur, solliciter le fonds de solidarité logement et éviter la procédure d’expulsion.',
      },
      {
        ...BUDGET,
        nom: 'Faire le point sur son budget',
        thematiques: [T.budget, T.autonomieBudget],
        remote: 0.4,
      },
    ],
    weight: 2,
  },
  auto_ecole_sociale: {
    key: 'auto_ecole_sociale',
    source: 'dora',
    names: ['Auto-école sociale de {c}', 'Plateforme mobilité de {c}', 'Wimoov {c}'],
    reseaux: [['mobin'], ['wimoov']],
    description: 'Auto-école associative et plateforme de mobilité pour les personnes en insertion.',
    first: [
      {
        nom: 'Permis B accompagné',
        type: 'formation',
        thematiques: [T.permis],
        publics: ['demandeurs-emploi', 'beneficiaires-des-minimas-sociaux', 'jeunes'],
        text: 'Une formation au code et à la conduite adaptée aux personnes qui ont des difficultés d’apprentissage, en petits groupes, avec un moniteur formé à la pédagogie adaptée.',
        frais: {
          payant: 0.9,
          precisions: 'Participation de 1 à 5 € par heure de conduite selon les ressources.',
        },
        conditions: 'Sur prescription d’un conseiller (France Travail, Mission locale, référent RSA).',
        usagers: 0.2,
      },
    ],
    services: [
      {
        nom: 'Diagnostic et conseil en mobilité',
        type: 'accompagnement',
        thematiques: [T.parcoursMobilite, T.mobiliteDouce],
        publics: DE,
        text: 'Un conseiller évalue vos besoins de déplacement et vos capacités, puis vous propose un parcours : apprentissage du vélo, transports en commun, covoiturage, permis.',
      },
      {
        nom: 'Location solidaire de voitures et scooters',
        type: 'aide-materielle',
        thematiques: [T.vehicule],
        publics: ['demandeurs-emploi', 'actifs'],
        text: 'La location d’un véhicule à petit prix pour se rendre à un emploi, un stage ou une formation, le temps de trouver une solution durable.',
        frais: { payant: 1, precisions: 'De 2 à 8 € par jour selon le véhicule et les ressources.' },
      },
      {
        nom: 'Garage solidaire',
        type: 'aide-materielle',
        thematiques: [T.reparer],
        publics: ['beneficiaires-des-minimas-sociaux'],
        text: 'Des réparations à prix coûtant et des ateliers d’auto-réparation encadrés par un mécanicien pour entretenir votre véhicule.',
        frais: { payant: 1, precisions: 'Pièces au prix coûtant, main-d’œuvre solidaire.' },
      },
    ],
    weight: 2,
  },
  france_services: {
    key: 'france_services',
    source: 'dora',
    names: ['France services de {c}', 'Espace France services — {c}'],
    reseaux: [['france-service']],
    description: 'Un guichet unique de proximité pour les démarches administratives du quotidien.',
    first: [DEMARCHES_EN_LIGNE],
    services: [
      {
        nom: 'Accès libre à internet',
        type: 'aide-materielle',
        thematiques: [T.connexion],
        publics: TOUS,
        text: 'Des ordinateurs connectés, un scanner et une imprimante en libre accès pour vos démarches, avec l’aide d’un conseiller si besoin.',
        usagers: 1,
      },
      {
        nom: 'Permanences des partenaires : impôts, retraite, justice',
        type: 'information',
        thematiques: [T.droits, T.demarches],
        publics: TOUS,
        text: 'Les partenaires (finances publiques, caisse de retraite, conciliateur de justice) tiennent des permanences sur rendez-vous dans l’espace France services.',
        usagers: 0.95,
      },
    ],
    weight: 3,
  },
  numerique: {
    key: 'numerique',
    source: 'dora',
    names: ['Espace numérique de {c}', 'La Fabrique numérique de {c}', 'Cyber-base de {c}'],
    reseaux: [['conseillers-numeriques'], ['espaces-publics-numeriques']],
    description: 'Lieu de médiation numérique : ateliers, aide aux démarches et équipement à petit prix.',
    first: [ATELIER_NUMERIQUE],
    services: [
      DEMARCHES_EN_LIGNE,
      {
        nom: 'Ordinateurs reconditionnés à petit prix',
        type: 'aide-materielle',
        thematiques: [T.equipement],
        publics: MINIMA,
        text: 'Des ordinateurs portables reconditionnés, garantis un an, pour les personnes aux ressources modestes, avec une prise en main.',
        frais: { payant: 1, precisions: 'De 50 à 150 € selon le modèle.' },
      },
    ],
    weight: 3,
  },
  plie: {
    key: 'plie',
    source: 'dora',
    names: ['PLIE de {c}', 'Plan local pour l’insertion et l’emploi de l’agglomération de {c}'],
    reseaux: [['plie']],
    description:
      'Le plan local pour l’insertion et l’emploi accompagne les personnes très éloignées de l’emploi dans un parcours renforcé.',
    first: [
      {
        nom: 'Parcours renforcé vers l’emploi',
        type: 'accompagnement',
        thematiques: [T.organiser, T.offres, T.relancer],
        publics: ['demandeurs-emploi', 'beneficiaires-des-minimas-sociaux'],
        text: 'Un référent unique vous accompagne jusqu’à six mois après votre reprise d’emploi, avec des étapes de formation, d’emploi en insertion et de mise en relation avec les employeurs.',
        conditions:
          'Demandeurs d’emploi de longue durée ou allocataires du RSA résidant sur le territoire du PLIE.',
        usagers: 0.2,
      },
    ],
    services: [
      {
        nom: 'Clauses sociales : emplois dans les marchés publics',
        type: 'information',
        thematiques: [T.opportunites, T.offres],
        publics: DE,
        text: 'Le facilitateur des clauses sociales met en relation les entreprises titulaires des marchés publics avec des candidats en parcours d’insertion.',
      },
    ],
    weight: 2,
  },
  fjt: {
    key: 'fjt',
    source: 'dora',
    names: ['Résidence habitat jeunes de {c}', 'Foyer de jeunes travailleurs de {c}'],
    reseaux: [['residences-fjt']],
    description:
      'La résidence habitat jeunes loge des jeunes en formation, en stage ou en premier emploi et les accompagne vers un logement autonome.',
    first: [
      {
        nom: 'Logement temporaire pour jeunes travailleurs',
        type: 'aide-materielle',
        thematiques: [T.hebergement, T.louer],
        publics: JEUNES,
        text: 'Des studios meublés pour des séjours d’un mois à deux ans, avec un loyer adapté, l’APL et un accompagnement vers un logement autonome.',
        frais: { payant: 1, precisions: 'Redevance mensuelle de 380 à 520 €, APL déduite.' },
        publicsPrecisions: 'Jeunes de 16 à 30 ans en emploi, en formation ou en stage.',
        usagers: 0.9,
      },
    ],
    services: [
      {
        nom: 'Service logement jeunes (CLLAJ)',
        type: 'accompagnement',
        thematiques: [T.infoLogement, T.changer],
        publics: JEUNES,
        text: 'Un accueil, une information et un accompagnement pour les jeunes qui cherchent un logement : droits, aides, annonces, préparation des visites.',
      },
    ],
    weight: 2,
  },
  maison_solidarites: {
    key: 'maison_solidarites',
    source: 'dora',
    names: ['Maison des solidarités de {c}', 'Maison départementale des solidarités de {c}'],
    reseaux: [['maisons-des-solidarites', 'departements']],
    description:
      'Service social du Département : accompagnement social, protection de l’enfance, insertion des allocataires du RSA.',
    first: [
      {
        nom: 'Fonds de solidarité logement',
        type: 'aide-financiere',
        thematiques: [T.maintien, T.impayes, T.louer],
        publics: TOUS,
        text: 'Des aides financières pour accéder à un logement (dépôt de garantie, premier loyer) ou s’y maintenir (impayés de loyer, d’énergie, d’eau), sur demande d’un travailleur social.',
        conditions: 'Sous conditions de ressources, après évaluation sociale.',
        usagers: 0.2,
      },
    ],
    services: [
      {
        nom: 'Accompagnement des allocataires du RSA',
        type: 'accompagnement',
        thematiques: [T.demarches, T.confiance],
        publics: MINIMA,
        text: 'Un référent RSA élabore avec vous un contrat d’engagements réciproques et vous accompagne vers l’autonomie sociale et l’emploi.',
        usagers: 0.2,
      },
      {
        nom: 'Protection maternelle et infantile',
        type: 'accompagnement',
        thematiques: [T.parentalite, T.soins],
        publics: ['familles'],
        text: 'Consultations gratuites de suivi de grossesse et des enfants de moins de six ans, conseils aux parents et agrément des assistantes maternelles.',
        usagers: 0.95,
      },
    ],
    weight: 2,
  },
  information_jeunesse: {
    key: 'information_jeunesse',
    source: 'dora',
    names: ['Point information jeunesse de {c}', 'Bureau information jeunesse de {c}'],
    reseaux: [['reseau-information-jeunesse']],
    description:
      'Information des jeunes sur les études, l’emploi, le logement, la mobilité internationale et les loisirs.',
    first: [
      {
        nom: 'Jobs d’été et premier emploi',
        type: 'information',
        thematiques: [T.offres, T.cv],
        publics: JEUNES,
        text: 'Des offres de jobs d’été et de jobs étudiants, un forum annuel et de l’aide pour rédiger un premier CV.',
        usagers: 1,
      },
    ],
    services: [
      {
        nom: 'Partir à l’étranger : volontariat, études, travail',
        type: 'information',
        thematiques: [T.international, T.aidesEtranger],
        publics: JEUNES,
        text: 'Information sur le service civique européen, le volontariat international, le programme Erasmus+ et les bourses de mobilité.',
        usagers: 1,
        remote: 0.5,
      },
    ],
    weight: 2,
  },
  e2c: {
    key: 'e2c',
    source: 'emplois-de-linclusion',
    names: ['École de la 2e chance de {c}'],
    reseaux: [['ecoles-de-la-deuxieme-chance']],
    description:
      'L’école de la deuxième chance accueille des jeunes sortis du système scolaire sans qualification.',
    first: [
      {
        nom: 'Parcours de remobilisation et d’alternance',
        type: 'formation',
        thematiques: [T.confiance, T.francais, T.decouvrir],
        publics: JEUNES,
        text: 'Un parcours de 6 à 8 mois alternant remise à niveau, stages en entreprise et construction d’un projet professionnel, avec le statut de stagiaire rémunéré.',
        publicsPrecisions: 'Jeunes de 16 à 25 ans sans diplôme ni qualification.',
      },
    ],
    services: [],
    weight: 1,
  },
  csapa: {
    key: 'csapa',
    source: 'dora',
    names: ['CSAPA de {c}', 'Centre de soins en addictologie de {c}'],
    reseaux: [['csapa']],
    description: 'Centre de soins, d’accompagnement et de prévention en addictologie.',
    first: [
      {
        nom: 'Consultations en addictologie',
        type: 'accompagnement',
        thematiques: [T.addictions, T.santeMentale],
        publics: TOUS,
        text: 'Des consultations gratuites et confidentielles avec un médecin, un psychologue et un travailleur social pour les personnes en difficulté avec l’alcool, le tabac, le cannabis ou les jeux.',
        usagers: 0.95,
      },
    ],
    services: [],
    weight: 1,
  },
  lien_social: {
    key: 'lien_social',
    source: 'dora',
    names: ['Centre social de {c}', 'Maison des habitants de {c}'],
    reseaux: [['fcsf']],
    description:
      'Centre social : activités pour tous les âges, accompagnement des familles, lien entre habitants.',
    first: [
      {
        nom: 'Ateliers sociolinguistiques',
        type: 'atelier',
        thematiques: [T.francais, T.lienSocial],
        publics: ['personnes-exilees'],
        text: 'Apprendre le français de la vie quotidienne en petits groupes : se présenter, prendre rendez-vous, comprendre un courrier, se déplacer.',
        usagers: 0.95,
      },
    ],
    services: [
      {
        nom: 'Garde d’enfants ponctuelle',
        type: 'aide-materielle',
        thematiques: [T.garde],
        publics: ['familles', 'demandeurs-emploi'],
        text: 'Une halte-garderie qui accueille les enfants de moins de six ans quelques heures par semaine, le temps d’un entretien d’embauche, d’une formation ou d’une démarche.',
        frais: { payant: 0.8, precisions: 'Tarif selon le quotient familial de la CAF.' },
        usagers: 0.9,
      },
      {
        nom: 'Bénévolat et projets d’habitants',
        type: 'information',
        thematiques: [T.benevolat, T.confiance],
        publics: TOUS,
        text: 'Participer à la vie du quartier, proposer un projet, donner un peu de son temps : le centre social accompagne les habitants qui veulent s’engager.',
        usagers: 1,
      },
    ],
    weight: 2,
  },
};

const SIAE_RESEAUX: Partial<Record<OrganisationKind, string>> = {
  siae_aci: 'aci',
  siae_ei: 'ei',
  siae_etti: 'etti',
  siae_ai: 'ai',
  siae_eiti: 'eiti',
};

const OTHER_PROFILES = Object.values(PROFILES).filter((p) => p.weight > 0);

/** Generic sentences by type of service: they complete a template's own sentence to a believable length. */
const PADDING: Record<ServiceTemplate['type'], string[]> = {
  accompagnement: [
    'Le premier rendez-vous permet de faire le point sur votre situation et vos attentes.',
    'Un suivi régulier est proposé, en entretien individuel, au rythme qui vous convient.',
    'Le conseiller travaille en lien avec les autres partenaires du territoire pour ne pas multiplier les démarches.',
    'L’accompagnement est confidentiel.',
    'Pensez à apporter une pièce d’identité et les documents utiles à votre situation.',
  ],
  'aide-financiere': [
    'La demande est étudiée en commission, généralement sous quinze jours.',
    'L’aide est versée directement au prestataire ou sur votre compte.',
    'Les montants dépendent de vos ressources et de la composition de votre foyer.',
    'Un justificatif de la dépense est demandé.',
  ],
  'aide-materielle': [
    'L’accueil se fait sur les horaires d’ouverture, sans rendez-vous pour une première information.',
    'Les stocks varient selon les dons reçus.',
    'Une orientation par un travailleur social facilite l’accès au service.',
    'Les bénévoles vous accueillent dans un local accessible.',
  ],
  atelier: [
    'Les ateliers réunissent six à douze personnes.',
    'Aucun prérequis n’est demandé : venez comme vous êtes.',
    'Le programme est adapté au niveau du groupe.',
    'Une attestation de participation est remise à la fin du cycle.',
  ],
  formation: [
    'Les entrées se font tout au long de l’année, après un entretien de positionnement.',
    'La formation peut être rémunérée selon votre statut.',
    'Des périodes en entreprise complètent la formation.',
    'Les formateurs adaptent le parcours aux acquis de chacun.',
  ],
  information: [
    'Les informations sont données lors d’une permanence ou par téléphone.',
    'Une documentation est remise à chaque visiteur.',
    'Des réunions d’information collectives ont lieu chaque mois.',
    'Vous pouvez venir accompagné d’un proche ou d’un professionnel.',
  ],
};

const HORAIRES = [
  'Mo-Fr 09:00-12:00,14:00-17:00',
  'Mo-Fr 08:30-12:30,13:30-17:00',
  'Mo-Th 09:00-12:00,13:30-17:30; Fr 09:00-12:00',
  'Mo,Tu,Th,Fr 09:00-12:00,14:00-16:30',
  'Tu,Th 14:00-17:00',
  'We 09:00-12:00; Sa 09:00-12:00',
  'Mo-Fr 09:00-17:00',
  'Tu-Sa 10:00-12:30,14:00-18:00',
];

const DAY = 86_400_000;
const daysBefore = (today: string, days: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) - days * DAY).toISOString().slice(0, 10);
// Memoised: names repeat across thousands of records, and unaccenting is the generator's main cost
// (measured on 100,000 services: 1.7 s of 6.4 s in searchForm before).
const slugs = new Map<string, string>();
const slug = (s: string, max = 40) => {
  const key = `${max}|${s}`;
  let r = slugs.get(key);
  if (r === undefined) {
    r = searchForm(s).replace(/ /g, '-').slice(0, max).replace(/-+$/, '');
    if (slugs.size < 50_000) slugs.set(key, r);
  }
  return r;
};

/** Ids unique within a set: the second « ccas-de-lyon » is « ccas-de-lyon-2 » (a counter per base, not a scan). */
function uniqueIds() {
  const next = new Map<string, number>();
  const used = new Set<string>();
  return (base: string): string => {
    let n = next.get(base) ?? 1;
    let id = n === 1 ? base : `${base}-${n}`;
    // « commune-2 » may be a base of its own: skip what another base took.
    while (used.has(id)) id = `${base}-${++n}`;
    next.set(base, n + 1);
    used.add(id);
    return id;
  };
}
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The profile of a Passerelle organisation, by its kind. */
function profileOf(kind: OrganisationKind): StructureProfile {
  if (kind.startsWith('siae_')) return PROFILES.siae!;
  return PROFILES[kind] ?? PROFILES.structure_accompagnement!;
}

/** The networks of a Passerelle organisation (issue brief: from its kind; a BGE, an ADIE by its name). */
function reseauxOf(o: GeneratorOrganisation): string[] {
  const siae = SIAE_RESEAUX[o.kind];
  if (siae) return [siae];
  switch (o.kind) {
    case 'fonds_garantie':
      return /adie/i.test(o.name) ? ['adie'] : ['france-active'];
    case 'structure_accompagnement':
      return /maison de l.emploi/i.test(o.name) ? ['maisons-de-l-emploi'] : ['reseau-bge'];
    case 'organisme_formation':
      return /afpa/i.test(o.name) ? ['afpa'] : [];
    default:
      return profileOf(o.kind).reseaux[0] ?? [];
  }
}

/**
 * A directory of the region at any size, seeded and pure (the same input gives the same records on
 * every machine): one structure per Passerelle organisation (source « passerelle »), the region's
 * other partners as DORA, Soliguide or les emplois de l’inclusion list them, and services fitting
 * each structure. Places are drawn by population; a quarter of the records are older than 6 months
 * (rules.ts STALE_AFTER_MONTHS), so that freshness shows. Every record is valid against the
 * data·inclusion schema v1.0.8 (tested on 5,000). The demo (≈ 300 services) and the search
 * benchmark (100,000) draw from it.
 */
export function generateDirectory(input: DirectoryGeneratorInput): GeneratedDirectory {
  const f = new Faker({ locale: [fr] });
  f.seed(input.seed);
  const communes = [...input.communes].sort(
    (a, b) => b.population - a.population || a.code.localeCompare(b.code),
  );
  if (!communes.length) return { structures: [], services: [] };
  const byCode = new Map(communes.map((c) => [c.code, c]));
  // Weighted by the square root of population: big towns have more partners, villages some.
  const cumulative: number[] = [];
  let total = 0;
  for (const c of communes) {
    total += Math.sqrt(Math.max(1, c.population));
    cumulative.push(total);
  }
  const drawCommune = (): GeneratorCommune => {
    const x = f.number.float({ min: 0, max: total });
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return communes[lo]!;
  };
  const towns = bigTowns(communes);
  const profileWeights = OTHER_PROFILES.map((p) => ({ value: p, weight: p.weight }));
  // A quarter older than 6 months (stale), the rest within: over the last 18 months.
  const dateMaj = () =>
    daysBefore(
      input.today,
      f.datatype.boolean(0.25) ? f.number.int({ min: 190, max: 545 }) : f.number.int({ min: 0, max: 175 }),
    );

  const structures: GeneratedDirectory['structures'] = [];
  const structureId = uniqueIds();
  const plans: { record: DiStructure; commune: GeneratorCommune; templates: ServiceTemplate[] }[] = [];

  const place = (c: GeneratorCommune) => ({
    adresse: f.location.streetAddress(),
    complement_adresse: f.datatype.boolean(0.15)
      ? f.helpers.arrayElement(['Bâtiment A', '1er étage', 'Rez-de-chaussée', 'Entrée par la cour'])
      : null,
    code_postal: c.postalCode,
    code_insee: c.code,
    commune: c.name,
    // The commune's point, jittered by up to ~1 km: the structure is in town, not at the town hall.
    latitude: round(c.latitude + f.number.float({ min: -0.009, max: 0.009 }), 6),
    longitude: round(c.longitude + f.number.float({ min: -0.012, max: 0.012 }), 6),
  });
  const templatesOf = (p: StructureProfile) => [...(p.first ?? []), ...f.helpers.shuffle([...p.services])];

  for (const o of input.organisations) {
    const c = (o.communeCode && byCode.get(o.communeCode)) || drawCommune();
    const profile = profileOf(o.kind);
    const id = `${PASSERELLE_SOURCE}--${o.id}`;
    structureId(id);
    const domain = slug(o.name);
    const record: DiStructure = {
      source: PASSERELLE_SOURCE,
      id,
      nom: o.name.slice(0, 150),
      date_maj: dateMaj(),
      siret: o.siret,
      ...place(c),
      telephone: o.phone,
      courriel: o.email,
      site_web: f.datatype.boolean(0.8) ? `https://www.${domain}.fr` : null,
      lien_source: null,
      horaires_accueil: f.helpers.arrayElement(HORAIRES),
      accessibilite_lieu: f.datatype.boolean(0.4)
        ? `https://acceslibre.beta.gouv.fr/app/${c.departmentCode}-${slug(c.name, 30)}/a/${domain}/`
        : null,
      reseaux_porteurs: reseauxOf(o),
      description: profile.description,
    };
    if (!record.reseaux_porteurs?.length) record.reseaux_porteurs = null;
    structures.push({ record, organisationId: o.id });
    plans.push({ record, commune: c, templates: templatesOf(profile) });
  }

  const others =
    input.otherStructures ?? Math.max(10, Math.round(input.services / 4) - input.organisations.length);
  for (let i = 0; i < others; i++) {
    // The region's big towns first get a CCAS each: housing help near every large town (issue 13,
    // « search "logement" within 20 km of a commune finds the right services »).
    const town = towns[i];
    const profile = town ? PROFILES.ccas! : f.helpers.weightedArrayElement(profileWeights);
    const c = town ?? drawCommune();
    const nom = f.helpers.arrayElement(profile.names).replace('{c}', c.name).slice(0, 150);
    const id = structureId(`${profile.source}--${slug(nom, 60)}`);
    const domain = slug(nom.split(/ — | de /)[0] ?? nom, 30);
    const siret = f.datatype.boolean(profile.siret ?? 0.8)
      ? completeLuhn(f.string.numeric({ length: 13, allowLeadingZeros: false }))
      : null;
    const record: DiStructure = {
      source: profile.source,
      id,
      nom,
      date_maj: dateMaj(),
      siret,
      ...place(c),
      telephone: f.datatype.boolean(0.9) ? f.phone.number({ style: 'national' }) : null,
      courriel: f.datatype.boolean(0.8) ? `contact@${domain}-${slug(c.name, 25)}.fr` : null,
      site_web: f.datatype.boolean(0.6) ? `https://www.${domain}-${slug(c.name, 25)}.fr` : null,
      lien_source: sourceLink(profile.source, id),
      horaires_accueil: f.datatype.boolean(0.8) ? f.helpers.arrayElement(HORAIRES) : null,
      accessibilite_lieu: f.datatype.boolean(0.3)
        ? `https://acceslibre.beta.gouv.fr/app/${c.departmentCode}-${slug(c.name, 30)}/a/${slug(nom, 40)}/`
        : null,
      reseaux_porteurs: f.helpers.arrayElement(profile.reseaux),
      description: profile.description,
    };
    structures.push({ record, organisationId: null });
    plans.push({ record, commune: c, templates: templatesOf(profile) });
  }

  // Services in rounds: each structure's first template, then each one's second…, so that every
  // structure offers at least its main service and the count is met exactly. When every template is
  // used, the rounds start again with the same templates held in other communes (« permanence »).
  const services: DiService[] = [];
  const serviceId = uniqueIds();
  const longest = plans.reduce((m, p) => Math.max(m, p.templates.length), 0);
  for (let r = 0; longest && services.length < input.services; r++) {
    for (const plan of plans) {
      if (services.length >= input.services) break;
      const repeat = r >= longest;
      if (!repeat && r >= plan.templates.length) continue;
      const template = plan.templates[r % plan.templates.length]!;
      services.push(serviceOf(template, plan.record, plan.commune, repeat ? drawCommune() : null));
    }
  }
  return { structures, services };

  function serviceOf(
    t: ServiceTemplate,
    s: DiStructure,
    c: GeneratorCommune,
    elsewhere: GeneratorCommune | null,
  ): DiService {
    const held = elsewhere ?? (f.datatype.boolean(0.08) ? drawCommune() : null);
    const where = held ?? c;
    const nom = (held ? `${t.nom} — permanence de ${held.name}` : t.nom)
      .replace('{c}', where.name)
      .slice(0, 150);
    const id = serviceId(`${s.id}--${slug(nom, 60)}`);
    const remote = t.remote !== undefined && f.datatype.boolean(t.remote);
    const onlyRemote = remote && f.datatype.boolean(0.3);
    const usagers = f.datatype.boolean(t.usagers ?? 0.6);
    const mobilisablePar = usagers
      ? f.datatype.boolean(0.9)
        ? ['professionnels', 'usagers']
        : ['usagers']
      : ['professionnels'];
    const modes: string[] = f.helpers.arrayElements(['telephoner', 'envoyer-un-courriel', 'se-presenter'], {
      min: 1,
      max: 3,
    });
    const link = f.datatype.boolean(0.3);
    if (link) modes.push('utiliser-lien-mobilisation');
    const payant = t.frais ? f.datatype.boolean(t.frais.payant) : f.datatype.boolean(0.03);
    const weekly =
      t.type === 'atelier'
        ? { volume: f.helpers.arrayElement([1.5, 2, 3, 4, 6]), weeks: f.number.int({ min: 2, max: 12 }) }
        : t.type === 'formation'
          ? { volume: f.helpers.arrayElement([20, 24, 28, 30, 35]), weeks: f.number.int({ min: 4, max: 30 }) }
          : null;
    // Eligibility: the commune for a CCAS's own aid, else the department (the services of the
    // Region: its departments are unknown here, so France when at a distance).
    const zone = onlyRemote
      ? f.datatype.boolean(0.4)
        ? ['france']
        : [where.departmentCode]
      : s.reseaux_porteurs?.includes('ccas-cias')
        ? [where.code]
        : where.epciCode && f.datatype.boolean(0.3)
          ? [where.epciCode]
          : [where.departmentCode];
    const contact = f.datatype.boolean(0.5);
    const point = held
      ? {
          adresse: f.location.streetAddress(),
          complement_adresse: null,
          code_postal: held.postalCode,
          code_insee: held.code,
          commune: held.name,
          latitude: round(held.latitude + f.number.float({ min: -0.008, max: 0.008 }), 6),
          longitude: round(held.longitude + f.number.float({ min: -0.011, max: 0.011 }), 6),
        }
      : {
          adresse: null,
          complement_adresse: null,
          code_postal: null,
          code_insee: null,
          commune: null,
          latitude: null,
          longitude: null,
        };
    return {
      source: s.source,
      id,
      structure_id: s.id,
      nom,
      description: describe(t, where.name),
      date_maj: dateMaj(),
      type: t.type,
      thematiques: t.thematiques,
      publics: t.publics,
      publics_precisions: t.publicsPrecisions ?? null,
      frais: payant ? 'payant' : 'gratuit',
      frais_precisions: payant
        ? (t.frais?.precisions ?? 'Participation demandée selon les ressources.')
        : null,
      conditions_acces: t.conditions ?? null,
      modes_accueil: onlyRemote
        ? ['a-distance']
        : remote
          ? ['en-presentiel', 'a-distance']
          : ['en-presentiel'],
      modes_mobilisation: modes,
      mobilisable_par: mobilisablePar,
      mobilisation_precisions: usagers
        ? null
        : f.helpers.arrayElement([
            'Sur orientation d’un professionnel, avec la fiche de liaison.',
            'Le prescripteur transmet la demande par courriel avec l’accord de la personne.',
            null,
          ]),
      lien_mobilisation: link ? `https://dora.inclusion.beta.gouv.fr/services/${id.slice(0, 120)}` : null,
      zone_eligibilite: zone,
      volume_horaire_hebdomadaire: weekly?.volume ?? null,
      nombre_semaines: weekly?.weeks ?? null,
      ...point,
      telephone: contact ? (s.telephone ?? f.phone.number({ style: 'national' })) : null,
      courriel: contact && s.courriel ? s.courriel : null,
      contact_nom_prenom: contact ? f.person.fullName() : null,
      horaires_accueil: f.datatype.boolean(0.6) ? f.helpers.arrayElement(HORAIRES) : s.horaires_accueil,
      lien_source: serviceLink(s.source, id),
    };
  }

  /** The template's sentence, then generic ones of its type, to 200–600 characters (DORA's own range). */
  function describe(t: ServiceTemplate, communeName: string): string {
    let text = t.text.replace('{c}', communeName);
    for (const sentence of f.helpers.shuffle([...PADDING[t.type]])) {
      if (text.length >= 200 && f.datatype.boolean(0.5)) break;
      if (text.length + sentence.length + 1 > 600) break;
      text += ` ${sentence}`;
    }
    return text;
  }
}

/** Distance between two points in km (haversine; the generator needs no more precision). */
function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 12_742 * Math.asin(Math.sqrt(h));
}

/** How many big towns get their CCAS first, and how far apart they are (a suburb is its city's). */
export const BIG_TOWNS = { count: 6, apartKm: 25 } as const;

/**
 * The region's big towns: the most populated communes, each at least 25 km from the ones before
 * (Villeurbanne is Lyon's), by population. `communes` sorted by population, largest first.
 */
export function bigTowns<C extends GeneratorCommune>(communes: readonly C[]): C[] {
  const towns: C[] = [];
  for (const c of communes) {
    if (towns.length >= BIG_TOWNS.count) break;
    if (towns.every((t) => distanceKm(t, c) >= BIG_TOWNS.apartKm)) towns.push(c);
  }
  return towns;
}

/** The record's page at its producer (lien_source), from its id. */
function serviceLink(source: string, id: string): string | null {
  // Ids are slugs already (source, « -- », slugs of names, or a Passerelle uuid).
  const local = id.slice(id.indexOf('--') + 2);
  return source === 'dora' ? `https://dora.inclusion.beta.gouv.fr/services/${local}` : null;
}

function sourceLink(source: string, id: string): string | null {
  const local = id.slice(id.indexOf('--') + 2);
  switch (source) {
    case 'dora':
      return `https://dora.inclusion.beta.gouv.fr/structures/${local}`;
    case 'soliguide':
      return `https://soliguide.fr/fr/fiche/${local}`;
    case 'emplois-de-linclusion':
      return `https://emplois.inclusion.beta.gouv.fr/company/${local}/card`;
    default:
      return null;
  }
}
