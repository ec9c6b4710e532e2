/**
 * A structure and a service as the data·inclusion schema v1.0.8 writes them
 * (data/data-inclusion/structure.json, service.json): the shape of every import, export and API
 * answer of the directory. Field names are the schema's, in French, on purpose: they are the
 * exchange format, not this code's vocabulary.
 */
export interface DiStructure {
  source: string;
  id: string;
  nom: string;
  date_maj: string;
  siret: string | null;
  adresse: string | null;
  complement_adresse: string | null;
  code_postal: string | null;
  code_insee: string | null;
  commune: string | null;
  latitude: number | null;
  longitude: number | null;
  telephone: string | null;
  courriel: string | null;
  site_web: string | null;
  lien_source: string | null;
  horaires_accueil: string | null;
  accessibilite_lieu: string | null;
  reseaux_porteurs: string[] | null;
  description: string | null;
}

export interface DiService {
  source: string;
  id: string;
  structure_id: string;
  nom: string;
  description: string;
  date_maj: string;
  type: string | null;
  thematiques: string[] | null;
  publics: string[] | null;
  publics_precisions: string | null;
  frais: string | null;
  frais_precisions: string | null;
  conditions_acces: string | null;
  modes_accueil: string[] | null;
  modes_mobilisation: string[] | null;
  mobilisable_par: string[] | null;
  mobilisation_precisions: string | null;
  lien_mobilisation: string | null;
  zone_eligibilite: string[] | null;
  volume_horaire_hebdomadaire: number | null;
  nombre_semaines: number | null;
  adresse: string | null;
  complement_adresse: string | null;
  code_postal: string | null;
  code_insee: string | null;
  commune: string | null;
  latitude: number | null;
  longitude: number | null;
  telephone: string | null;
  courriel: string | null;
  contact_nom_prenom: string | null;
  horaires_accueil: string | null;
  lien_source: string | null;
}

export const STRUCTURE_FIELDS = [
  'source',
  'id',
  'nom',
  'date_maj',
  'siret',
  'adresse',
  'complement_adresse',
  'code_postal',
  'code_insee',
  'commune',
  'latitude',
  'longitude',
  'telephone',
  'courriel',
  'site_web',
  'lien_source',
  'horaires_accueil',
  'accessibilite_lieu',
  'reseaux_porteurs',
  'description',
] as const satisfies readonly (keyof DiStructure)[];

export const SERVICE_FIELDS = [
  'source',
  'id',
  'structure_id',
  'nom',
  'description',
  'date_maj',
  'type',
  'thematiques',
  'publics',
  'publics_precisions',
  'frais',
  'frais_precisions',
  'conditions_acces',
  'modes_accueil',
  'modes_mobilisation',
  'mobilisable_par',
  'mobilisation_precisions',
  'lien_mobilisation',
  'zone_eligibilite',
  'volume_horaire_hebdomadaire',
  'nombre_semaines',
  'adresse',
  'complement_adresse',
  'code_postal',
  'code_insee',
  'commune',
  'latitude',
  'longitude',
  'telephone',
  'courriel',
  'contact_nom_prenom',
  'horaires_accueil',
  'lien_source',
] as const satisfies readonly (keyof DiService)[];

/** The list-valued fields (arrays in JSON; in CSV, values separated by commas). */
export const LIST_FIELDS: ReadonlySet<string> = new Set([
  'reseaux_porteurs',
  'thematiques',
  'publics',
  'modes_accueil',
  'modes_mobilisation',
  'mobilisable_par',
  'zone_eligibilite',
]);
export const NUMBER_FIELDS: ReadonlySet<string> = new Set([
  'latitude',
  'longitude',
  'volume_horaire_hebdomadaire',
  'nombre_semaines',
]);

/** The producer name of records published in Passerelle itself; their ids are `passerelle--<uuid>`. */
export const PASSERELLE_SOURCE = 'passerelle';
