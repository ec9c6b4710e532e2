/** One LHÉO formation as the catalogue keeps it: what the importer reads and the exporter writes. */

export interface LheoAddress {
  lines: string[];
  postalCode: string;
  city: string;
  inseeCode: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface LheoContact {
  name: string | null;
  phone: string | null;
  email: string | null;
  web: string | null;
}

export interface LheoProvider {
  number: string | null;
  siret: string;
  activityNumber: string;
  name: string;
  legalName: string;
  address: LheoAddress;
  contact: LheoContact;
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
}

export interface LheoFunder {
  code: string;
  places: number | null;
}

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
  place: (LheoAddress & { name: string | null }) | null;
  entriesExits: string;
  sessions: LheoSession[];
  disabilityAccess: string | null;
  recruitmentTerms: string | null;
  priceHourly: number | null;
  priceTotal: number | null;
  hoursCentre: number | null;
  hoursCompany: number | null;
  funders: LheoFunder[];
}

export interface LheoFormation {
  number: string;
  formacodes: string[];
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
  exitLevel: string | null;
  url: string | null;
  actions: LheoAction[];
  provider: LheoProvider;
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
