/**
 * LHÉO 2.3 dictionaries used by the catalogue (https://lheo.gouv.fr/2.3/lheo/ — tables dict-*).
 * Codes are what feeds carry; labels are what users read. Formacode has no dictionary here (the
 * thesaurus is licensed by Centre Inffo): Formacode codes are kept and checked for shape only.
 */

/** dict-financeurs (code-financeur). Codes 18-20 exist in 2.3 but their labels are not available here. */
export const FUNDERS: Record<string, string> = {
  '0': 'Autre',
  '1': 'Code(s) obsolète(s)',
  '2': 'Conseil régional',
  '3': 'Fonds européens — FSE',
  '4': 'France Travail',
  '5': 'Entreprise',
  '6': 'ACSÉ (anciennement FASILD)',
  '7': 'Agefiph',
  '8': 'Conseil départemental',
  '9': 'Commune',
  '10': 'Bénéficiaire de l’action',
  '11': 'État — ministère chargé de l’emploi',
  '12': 'État — ministère de l’Éducation nationale',
  '13': 'État — autre',
  '14': 'Fonds européens — autre',
  '15': 'Collectivité territoriale — autre',
  '16': 'OPCA',
  '17': 'OPACIF',
  '18': 'Financeur code 18',
  '19': 'Financeur code 19',
  '20': 'Financeur code 20',
};
/** Funders that buy places for job seekers ("financé pour les demandeurs d’emploi"). */
export const PUBLIC_JOBSEEKER_FUNDERS = ['2', '4', '7', '11'];

/** dict-niveaux: old national levels (1-8) and the 2019 nomenclature (11-18). */
export const LEVELS: Record<string, string> = {
  '0': 'Information non communiquée',
  '1': 'Sans niveau spécifique',
  '2': 'Niveau VI (illettrisme, analphabétisme)',
  '3': 'Niveau V bis (préqualification)',
  '4': 'Niveau V (CAP, BEP)',
  '5': 'Niveau IV (baccalauréat)',
  '6': 'Niveau III (BTS, DUT)',
  '7': 'Niveau II (licence, maîtrise)',
  '8': 'Niveau I (au-delà de la maîtrise)',
  '11': 'Niveau 1 (sans qualification)',
  '12': 'Niveau 2 (savoirs de base)',
  '13': 'Niveau 3 (CAP, BEP)',
  '14': 'Niveau 4 (baccalauréat)',
  '15': 'Niveau 5 (Bac + 2 : BTS, DUT)',
  '16': 'Niveau 6 (Bac + 3 : licence, BUT)',
  '17': 'Niveau 7 (Bac + 5 : master, ingénieur)',
  '18': 'Niveau 8 (doctorat)',
};

/** dict-modalites-enseignement. */
export const TEACHING_MODES: Record<string, string> = {
  '0': 'En présentiel',
  '1': 'Mixte (présentiel et distance)',
  '2': 'À distance',
};

/** dict-etat-recrutement. */
export const RECRUITMENT_STATES: Record<string, string> = { '1': 'Ouvert', '2': 'Fermé', '3': 'Suspendu' };

/** dict-type-parcours (parcours-de-formation). */
export const COURSE_TYPES: Record<string, string> = {
  '1': 'En groupe',
  '2': 'Individualisé',
  '3': 'Modularisé',
  '4': 'Mixte',
};

/** dict-modalites-es (modalites-entrees-sorties). */
export const ENTRY_EXIT_MODES: Record<string, string> = {
  '0': 'Entrées et sorties à dates fixes',
  '1': 'Entrées et sorties permanentes',
};

/** ROME 4 "grands domaines": the first letter of a ROME code. */
export const ROME_DOMAINS: Record<string, string> = {
  A: 'Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux',
  B: 'Arts et façonnage d’ouvrages d’art',
  C: 'Banque, assurance, immobilier',
  D: 'Commerce, vente et grande distribution',
  E: 'Communication, média et multimédia',
  F: 'Construction, bâtiment et travaux publics',
  G: 'Hôtellerie-restauration, tourisme, loisirs et animation',
  H: 'Industrie',
  I: 'Installation et maintenance',
  J: 'Santé',
  K: 'Services à la personne et à la collectivité',
  L: 'Spectacle',
  M: 'Support à l’entreprise',
  N: 'Transport et logistique',
};

export const label = (dictionary: Record<string, string>, code: string | null | undefined) =>
  code == null ? '' : (dictionary[code] ?? `Code ${code}`);
