/** One LHÉO formation as the catalogue keeps it: what the importer reads and the exporter writes. */

export interface LheoAddress {
  lines: string[];
  postalCode: string;
  city: string;
  inseeCode: string | null;
  latitude: number | null;
  longitude: number | null;
  /** <departement>, <region>, <pays>: kept as the feed writes them (INSEE codes, ISO country). */
  department: string | null;
  region: string | null;
  country: string | null;
}

export interface LheoContact {
  civility: string | null;
  /** <nom> (family name); older rows hold « prénom nom » here, from before <prenom> was kept apart. */
  name: string | null;
  firstName: string | null;
  /** <telfixe>, <portable>, <fax>: the first <numtel> of each. */
  phone: string | null;
  mobile: string | null;
  fax: string | null;
  email: string | null;
  web: string | null;
  /** The contact's own <adresse>, when the feed gives one. */
  address: LheoAddress | null;
}

/**
 * An <extras> element kept as the feed wrote it (canonical XML: attributes and text escaped, no
 * insignificant whitespace): CPF eligibility, a funding programme (POEC…), a Carif's own codes.
 * LHÉO leaves their content free (xs:anyType), so the catalogue stores them verbatim and writes
 * them back in place.
 */
export type LheoExtras = string;

/** datecrea / datemaj attributes (free text in LHÉO 2.3, usually AAAAMMJJ). */
export interface LheoStamps {
  createdOn: string | null;
  updatedOn: string | null;
}

/** <organisme-formateur>: who actually teaches, when it is not the responsible organisation. */
export interface LheoTrainer {
  number: string | null;
  siret: string;
  legalName: string;
  contact: LheoContact | null;
  /** <potentiel>: the Formacode codes of what this organisation can teach. */
  potential: string[];
  extras: LheoExtras[];
}

export interface LheoProvider {
  number: string | null;
  siret: string;
  activityNumber: string;
  name: string;
  legalName: string;
  address: LheoAddress;
  contact: LheoContact;
  /** Phones, e-mail and web of <coordonnees-organisme> (its address is `address`). */
  coordinates: LheoContact;
  specificInfo: string | null;
  potential: string[];
  extras: LheoExtras[];
}

export interface LheoSession {
  number: string;
  start: string; // YYYY-MM-DD
  end: string;
  recruitmentState: '1' | '2' | '3';
  /** Not in LHÉO itself: carried in <extras info="passerelle"> so that a round trip keeps them. */
  placesTotal: number | null;
  placesRemaining: number | null;
  registrationAddress: LheoAddress;
  /** <periode-inscription>: when registrations open and close (ISO dates). */
  registrationPeriod: { start: string | null; end: string | null } | null;
  /** The session's <extras> other than Passerelle's own (places). */
  extras: LheoExtras[];
  stamps: LheoStamps;
}

export interface LheoFunder {
  code: string;
  places: number | null;
  /** <extras> of the funder (e.g. « programme-financeur » POEC). */
  extras: LheoExtras[];
}

/** <lieu-de-formation>: an address with the place's name and its own phones and web. */
export type LheoPlace = LheoAddress & {
  name: string | null;
  phone: string | null;
  email: string | null;
  web: string | null;
};

export interface LheoAction {
  number: string;
  rhythm: string;
  publicCodes: string[];
  publicInfo: string | null;
  entryLevelRequired: boolean;
  alternance: string;
  teachingMode: string;
  specificConditions: string;
  fundingPossible: boolean;
  place: LheoPlace | null;
  entriesExits: string;
  url: string | null;
  sessions: LheoSession[];
  /** <adresse-information>: where to ask about the action. */
  informationAddress: LheoAddress | null;
  disabilityAccess: string | null;
  recruitmentTerms: string | null;
  priceHourly: number | null;
  priceTotal: number | null;
  hoursCentre: number | null;
  hoursCompany: number | null;
  /** <langue-formation>: ISO 639-1 codes (FR, EN…). */
  languages: string[];
  /** <code-perimetre-recrutement> (dict-perimetre-recrutement) and its free-text detail. */
  recruitmentArea: string | null;
  recruitmentAreaInfo: string | null;
  /** <duree-indicative>: free text (« 3 mois »), when the hours are not known. */
  indicativeDuration: string | null;
  hoursTotal: number | null;
  /** <conventionnement> (the action is bought under an agreement) and <duree-conventionnee> (hours). */
  contracted: boolean | null;
  contractedHours: number | null;
  trainers: LheoTrainer[];
  funders: LheoFunder[];
  extras: LheoExtras[];
  stamps: LheoStamps;
}

export interface LheoFormation {
  number: string;
  formacodes: string[];
  /** The code-FORMACODE marked tag="principal" (one of `formacodes`). */
  mainFormacode: string | null;
  nsfCodes: string[];
  romeCodes: string[];
  title: string;
  objective: string;
  expectedResults: string;
  content: string;
  certifying: boolean;
  contact: LheoContact;
  courseType: string;
  entryLevel: string;
  rncpCode: string | null;
  rsCode: string | null;
  certifinfoCode: string | null;
  /** <objectif-general-formation> (dict-AIS: certification, professionnalisation…). */
  generalObjective: string | null;
  exitLevel: string | null;
  url: string | null;
  actions: LheoAction[];
  provider: LheoProvider;
  extras: LheoExtras[];
  stamps: LheoStamps;
}

/** Where something in a file is wrong, and why; written to the downloadable import report. */
export interface Rejection {
  line: number;
  column: number;
  element: string;
  record: string;
  reason: string;
}

/**
 * Something the import changed or left out without rejecting the record (a historic commune code
 * resolved, coordinates replaced, an element Passerelle does not keep): listed in the same report.
 */
export type Warning = Rejection;
