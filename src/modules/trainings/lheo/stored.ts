import type {
  LheoAction,
  LheoAddress,
  LheoContact,
  LheoFormation,
  LheoFunder,
  LheoProvider,
  LheoSession,
  LheoStamps,
} from './model.js';

/**
 * The LHÉO fields kept in the `lheo` jsonb column of each level (migration 0010): what a feed
 * carries beyond the searched columns. `*Lheo` picks them from a mapped formation to store;
 * `stored*` reads them back, with empty values for a row imported before 0010 ('{}').
 */
type Stored = Record<string, unknown>;

const NO_STAMPS: LheoStamps = { createdOn: null, updatedOn: null };

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const orNull = <T>(value: unknown): T | null => (value === undefined ? null : (value as T));

/** An address stored before 0010 lacks department, region and country. */
export const storedAddress = (a: unknown): LheoAddress => {
  const address = a as LheoAddress;
  return {
    ...address,
    department: address.department ?? null,
    region: address.region ?? null,
    country: address.country ?? null,
  };
};

/** A contact stored before 0010 had only name (« prénom nom »), phone, email and web. */
export const storedContact = (c: unknown): LheoContact => {
  const contact = (c ?? {}) as Partial<LheoContact>;
  return {
    civility: contact.civility ?? null,
    name: contact.name ?? null,
    firstName: contact.firstName ?? null,
    phone: contact.phone ?? null,
    mobile: contact.mobile ?? null,
    fax: contact.fax ?? null,
    email: contact.email ?? null,
    web: contact.web ?? null,
    address: contact.address ? storedAddress(contact.address) : null,
  };
};

export const formationLheo = (f: LheoFormation): Stored => ({
  mainFormacode: f.mainFormacode,
  certifinfoCode: f.certifinfoCode,
  generalObjective: f.generalObjective,
  extras: f.extras,
  stamps: f.stamps,
});

export const storedFormation = (s: Stored) => ({
  mainFormacode: orNull<string>(s.mainFormacode),
  certifinfoCode: orNull<string>(s.certifinfoCode),
  generalObjective: orNull<string>(s.generalObjective),
  extras: list<string>(s.extras),
  stamps: (s.stamps as LheoStamps | undefined) ?? NO_STAMPS,
});

export const providerLheo = (p: LheoProvider): Stored => ({
  coordinates: p.coordinates,
  specificInfo: p.specificInfo,
  potential: p.potential,
  extras: p.extras,
});

export const storedProvider = (s: Stored) => ({
  coordinates: storedContact(s.coordinates),
  specificInfo: orNull<string>(s.specificInfo),
  potential: list<string>(s.potential),
  extras: list<string>(s.extras),
});

/** The funders' own extras travel with the action (action_funder holds code and places only). */
export const actionLheo = (a: LheoAction): Stored => ({
  url: a.url,
  informationAddress: a.informationAddress,
  languages: a.languages,
  recruitmentArea: a.recruitmentArea,
  recruitmentAreaInfo: a.recruitmentAreaInfo,
  indicativeDuration: a.indicativeDuration,
  hoursTotal: a.hoursTotal,
  contracted: a.contracted,
  contractedHours: a.contractedHours,
  trainers: a.trainers,
  extras: a.extras,
  stamps: a.stamps,
  funderExtras: Object.fromEntries(a.funders.filter((f) => f.extras.length).map((f) => [f.code, f.extras])),
});

export const storedAction = (s: Stored) => ({
  url: orNull<string>(s.url),
  informationAddress: s.informationAddress ? storedAddress(s.informationAddress) : null,
  languages: list<string>(s.languages),
  recruitmentArea: orNull<string>(s.recruitmentArea),
  recruitmentAreaInfo: orNull<string>(s.recruitmentAreaInfo),
  indicativeDuration: orNull<string>(s.indicativeDuration),
  hoursTotal: orNull<number>(s.hoursTotal),
  contracted: orNull<boolean>(s.contracted),
  contractedHours: orNull<number>(s.contractedHours),
  trainers: list<LheoAction['trainers'][number]>(s.trainers),
  extras: list<string>(s.extras),
  stamps: (s.stamps as LheoStamps | undefined) ?? NO_STAMPS,
});

export const storedFunderExtras = (s: Stored, code: string): LheoFunder['extras'] =>
  list<string>((s.funderExtras as Record<string, unknown> | undefined)?.[code]);

export const sessionLheo = (x: LheoSession): Stored => ({
  registrationPeriod: x.registrationPeriod,
  extras: x.extras,
  stamps: x.stamps,
});

export const storedSession = (s: Stored) => ({
  registrationPeriod: orNull<LheoSession['registrationPeriod']>(s.registrationPeriod),
  extras: list<string>(s.extras),
  stamps: (s.stamps as LheoStamps | undefined) ?? NO_STAMPS,
});
