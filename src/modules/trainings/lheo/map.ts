import { isValidSiret } from '../../../shared/siret.js';
import {
  COURSE_TYPES,
  ENTRY_EXIT_MODES,
  FUNDERS,
  GENERAL_OBJECTIVES,
  LEVELS,
  RECRUITMENT_AREAS,
  RECRUITMENT_STATES,
  TEACHING_MODES,
} from '../dictionaries.js';
import { type CommuneFound, checkCoordinates } from './communes.js';
import { unkeptElements } from './elements.js';
import type {
  LheoAction,
  LheoAddress,
  LheoContact,
  LheoExtras,
  LheoFormation,
  LheoFunder,
  LheoProvider,
  LheoSession,
  LheoStamps,
  LheoTrainer,
  Rejection,
  Warning,
} from './model.js';
import type { XmlNode } from './reader.js';
import { checkNumber, DATE_RANGE, formatBound, NUMERIC_FIELDS, type NumericField } from './rules.js';

export interface ResolvedPlace {
  communeCode: string;
  department: string;
  latitude: number;
  longitude: number;
}

/** What the mapper needs to know about the referentials to check codes. */
export interface MappingContext {
  isRomeCode(code: string): boolean;
  isCommune(code: string): boolean;
  /**
   * The commune of an address: its INSEE code when current, else today's commune of a historic
   * code, else the commune its postal code and town name designate (note: what was resolved, for
   * the report); or why none is found.
   */
  resolveCommune(
    address: Pick<LheoAddress, 'postalCode' | 'city' | 'inseeCode'>,
  ): CommuneFound | { error: string };
  /** The commune and point of a place of training, or null when no commune matches. */
  resolvePlace(address: LheoAddress): ResolvedPlace | null;
  /** When set, only formations of this training organisation are accepted (an OF uploads its own offer). */
  restrictToSiret?: string | null;
}

/** A fault that stops reading the current record (session, action or formation) at once. */
class RecordError extends Error {
  constructor(
    readonly node: XmlNode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What is found wrong in the record being read (a session, an action, a formation), all of it:
 * a feed's author fixes a record once when the report lists its every problem, not one per import.
 * Helpers record an error and go on with a placeholder value (the record is rejected anyway);
 * RecordError remains for the faults past which reading makes no sense. Mapping is synchronous,
 * so one stack of scopes, module-wide, serves every import; it keeps the helpers' signatures
 * (required(node, name)…) as they are.
 */
interface Scope {
  errors: { node: XmlNode; message: string }[];
  warnings: { node: XmlNode; message: string }[];
}
const scopes: Scope[] = [];
const scope = (): Scope => {
  const current = scopes.at(-1);
  if (!current) throw new Error('LHÉO mapping helper used outside mapFormation');
  return current;
};
/** Records an error of the current record; reading goes on. */
function fault(node: XmlNode, message: string): void {
  scope().errors.push({ node, message });
}
/** Records a warning: the record is kept, and the report says what was changed or left out. */
function warn(node: XmlNode, message: string): void {
  scope().warnings.push({ node, message });
}

/** What the reports of a formation gather: its rejections and warnings, each naming its record. */
interface Report {
  rejections: Rejection[];
  warnings: Warning[];
}

/**
 * Reads one record (`record` names it in the report) in a scope of its own: every error it holds
 * rejects it with all of them listed; its warnings are listed whatever happens. Null when rejected.
 */
function within<T>(report: Report, record: string, read: () => T): T | null {
  const current: Scope = { errors: [], warnings: [] };
  scopes.push(current);
  let value: T | null = null;
  try {
    value = read();
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    current.errors.push({ node: error.node, message: error.message });
  } finally {
    scopes.pop();
  }
  for (const w of current.warnings) report.warnings.push(problem(w.node, w.message, record));
  if (!current.errors.length) return value;
  for (const e of current.errors) report.rejections.push(problem(e.node, e.message, record));
  return null;
}

const all = (node: XmlNode, name: string) => node.children.filter((c) => c.name === name);
const one = (node: XmlNode, name: string) => node.children.find((c) => c.name === name) ?? null;
const textOf = (node: XmlNode, name: string) => one(node, name)?.text || null;
/** A value quoted in a rejection, cut short: a hostile 100,000-character code must not fill the report. */
const quote = (value: string, max = 30) => (value.length > max ? `${value.slice(0, max)}…` : value);

function required(node: XmlNode, name: string, max = 3000): string {
  const value = textOf(node, name);
  if (!value) {
    fault(node, `<${name}> obligatoire absent ou vide`);
    return '';
  }
  if (value.length > max) fault(one(node, name)!, `<${name}> dépasse ${max} caractères`);
  return value;
}

function code(node: XmlNode, name: string, dictionary: Record<string, string>, optional = false): string {
  const value = textOf(node, name);
  if (!value) {
    if (!optional) fault(node, `<${name}> obligatoire absent`);
    return '';
  }
  if (!(value in dictionary)) {
    fault(one(node, name)!, `<${name}> : code « ${quote(value)} » inconnu du dictionnaire LHÉO`);
    return '';
  }
  return value;
}

function bool(node: XmlNode, name: string): boolean {
  const value = textOf(node, name);
  if (value !== '0' && value !== '1') fault(one(node, name) ?? node, `<${name}> doit valoir 0 ou 1`);
  return value === '1';
}

/** A number checked against its rule (rules.ts): a value out of range rejects the record that holds it. */
function numeric(element: XmlNode | null, field: NumericField): number | null {
  if (!element?.text) return null;
  const checked = checkNumber(field, element.text);
  if (!('error' in checked)) return checked.value;
  fault(element, checked.error);
  return null;
}

function lheoDate(node: XmlNode, name: string): string {
  const element = one(node, name);
  const value = element?.text ?? '';
  const m = value.match(/^(\d{4})(\d{2})(\d{2})$/);
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  if (!m || Number.isNaN(Date.parse(iso)) || new Date(iso).toISOString().slice(0, 10) !== iso) {
    fault(element ?? node, `<${name}> : date « ${quote(value)} » invalide (format AAAAMMJJ)`);
    return '';
  }
  if (iso < DATE_RANGE.min || iso > DATE_RANGE.max) {
    fault(
      element ?? node,
      `<${name}> : date « ${value} » hors des bornes (du ${DATE_RANGE.min.split('-').reverse().join('/')} au ${DATE_RANGE.max.split('-').reverse().join('/')})`,
    );
    return '';
  }
  return iso;
}

/**
 * A date that may be unknown: LHÉO writes 00000000 for « not known » (and feeds 99999999 for « no
 * end »), as the AFPA record's registration period does (<debut>00000000</debut>).
 */
function openDate(node: XmlNode, name: string): string | null {
  const value = textOf(node, name);
  return !value || value === '00000000' || value === '99999999' ? null : lheoDate(node, name);
}

/**
 * An address, its commune resolved: a historic INSEE code becomes today's, a postal code put in
 * <code-INSEE-commune> (or an unknown code) gives way to the postal code and the town, each with a
 * warning; only an address whose commune cannot be found is an error. Coordinates far from the
 * commune are replaced by its point, with a warning.
 */
function address(node: XmlNode | null, where: string, context: MappingContext): LheoAddress {
  if (!node) {
    fault(
      { name: where, attrs: {}, children: [], text: '', line: 0, column: 0 },
      `<adresse> absente dans <${where}>`,
    );
    return {
      lines: [],
      postalCode: '',
      city: '',
      inseeCode: null,
      latitude: null,
      longitude: null,
      department: null,
      region: null,
      country: null,
    };
  }
  const lines = all(node, 'ligne')
    .map((l) => l.text)
    .filter(Boolean);
  if (!lines.length) fault(node, `<ligne> obligatoire absente dans l’adresse de <${where}>`);
  const postalCode = required(node, 'codepostal', 5);
  const postalValid = /^\d{5}$/.test(postalCode);
  if (postalCode && !postalValid)
    fault(one(node, 'codepostal')!, `<codepostal> « ${quote(postalCode)} » invalide`);
  const city = required(node, 'ville', 50);
  const inseeNode = one(node, 'code-INSEE-commune');
  let inseeCode = inseeNode?.text || null;
  let commune: CommuneFound | null = null;
  if (inseeCode && !postalValid) {
    if (!context.isCommune(inseeCode))
      fault(inseeNode!, `<code-INSEE-commune> : commune « ${quote(inseeCode)} » inconnue`);
  } else if (postalValid && city) {
    const found = context.resolveCommune({ postalCode, city, inseeCode });
    if ('error' in found) {
      // Without a code, a commune is needed only for a place of training (action(), which says so).
      if (inseeCode) fault(inseeNode!, found.error);
    } else {
      commune = found;
      if (found.note) warn(inseeNode ?? node, found.note);
      if (inseeCode) inseeCode = found.code;
    }
  }
  const geo = one(node, 'geolocalisation');
  let latitude: number | null = null;
  let longitude: number | null = null;
  if (geo) {
    const latitudeNode = one(geo, 'latitude');
    const longitudeNode = one(geo, 'longitude');
    if (!latitudeNode?.text || !longitudeNode?.text)
      fault(geo, '<geolocalisation> : latitude ou longitude absente');
    latitude = numeric(latitudeNode, 'latitude');
    longitude = numeric(longitudeNode, 'longitude');
    if (latitude !== null && longitude !== null && commune) {
      const checked = checkCoordinates({ latitude, longitude }, commune);
      if (checked.warning) warn(geo, checked.warning);
      ({ latitude, longitude } = checked);
    }
  }
  return {
    lines,
    postalCode,
    city,
    inseeCode,
    latitude,
    longitude,
    department: textOf(node, 'departement'),
    region: textOf(node, 'region'),
    country: textOf(node, 'pays'),
  };
}

/**
 * An address that only informs (a contact's, the information address): kept as the feed gives it,
 * without the commune check that places and registrations get. Real feeds fill these with
 * placeholders (the DAEU record's contact: « 00000 », « - ») that must not reject the formation.
 * An address the schema could not hold (no line, no 5-character postcode, no town) is not kept.
 */
function looseAddress(node: XmlNode | null): LheoAddress | null {
  if (!node) return null;
  const lines = all(node, 'ligne')
    .map((l) => l.text)
    .filter(Boolean);
  const postalCode = textOf(node, 'codepostal') ?? '';
  const city = textOf(node, 'ville') ?? '';
  if (!lines.length || postalCode.length !== 5 || !city || city.length > 50) return null;
  const geo = one(node, 'geolocalisation');
  const coordinate = (name: 'latitude' | 'longitude') => {
    const text = geo && textOf(geo, name);
    const checked = text ? checkNumber(name, text) : null;
    return checked && 'value' in checked ? checked.value : null;
  };
  const latitude = coordinate('latitude');
  const longitude = coordinate('longitude');
  return {
    lines,
    postalCode,
    city,
    inseeCode: textOf(node, 'code-INSEE-commune'),
    latitude: latitude !== null && longitude !== null ? latitude : null,
    longitude: latitude !== null && longitude !== null ? longitude : null,
    department: textOf(node, 'departement'),
    region: textOf(node, 'region'),
    country: textOf(node, 'pays'),
  };
}

const escapeXml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** An element back to canonical XML (the reader trimmed its text and dropped namespace prefixes). */
function rawXml(node: XmlNode): string {
  const attrs = Object.entries(node.attrs)
    .filter(([name]) => name !== 'xmlns' && !name.startsWith('xmlns:'))
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
    .join('');
  const inner = escapeXml(node.text) + node.children.map(rawXml).join('');
  return inner ? `<${node.name}${attrs}>${inner}</${node.name}>` : `<${node.name}${attrs}/>`;
}

/** The <extras> children of an element, kept verbatim (LHÉO lets each Carif put anything there). */
const extrasOf = (node: XmlNode, skip: (extras: XmlNode) => boolean = () => false): LheoExtras[] =>
  all(node, 'extras')
    .filter((x) => !skip(x))
    .map(rawXml);

const stampsOf = (node: XmlNode): LheoStamps => ({
  createdOn: node.attrs.datecrea?.trim() || null,
  updatedOn: node.attrs.datemaj?.trim() || null,
});

/** The first <urlweb> of an element holding web addresses (<web>, <url-action>, <url-formation>). */
const urlOf = (node: XmlNode | null) => (node ? textOf(node, 'urlweb') : null);

/** An optional 0/1 element (conventionnement): null when absent. */
function optionalBool(node: XmlNode, name: string): boolean | null {
  return one(node, name) ? bool(node, name) : null;
}

function formacodeList(node: XmlNode | null): string[] {
  return (node ? all(node, 'code-FORMACODE') : []).map((c) => {
    if (!/^\d{5}$/.test(c.text))
      throw new RecordError(c, `<code-FORMACODE> « ${quote(c.text)} » invalide (5 chiffres)`);
    return c.text;
  });
}

const NO_CONTACT: LheoContact = {
  civility: null,
  name: null,
  firstName: null,
  phone: null,
  mobile: null,
  fax: null,
  email: null,
  web: null,
  address: null,
};

function contact(coordonnees: XmlNode | null): LheoContact {
  if (!coordonnees) return NO_CONTACT;
  const phone = (name: string) => {
    const tel = one(coordonnees, name);
    return tel ? textOf(tel, 'numtel') : null;
  };
  return {
    civility: textOf(coordonnees, 'civilite'),
    name: textOf(coordonnees, 'nom'),
    firstName: textOf(coordonnees, 'prenom'),
    phone: phone('telfixe'),
    mobile: phone('portable'),
    fax: phone('fax'),
    email: textOf(coordonnees, 'courriel'),
    web: urlOf(one(coordonnees, 'web')),
    address: looseAddress(one(coordonnees, 'adresse')),
  };
}

function session(node: XmlNode, context: MappingContext): LheoSession {
  const number = node.attrs.numero?.trim();
  if (!number) throw new RecordError(node, 'attribut numero absent sur <session>');
  const periode = one(node, 'periode');
  if (!periode) fault(node, '<periode> obligatoire absente');
  const start = periode ? lheoDate(periode, 'debut') : '';
  const end = periode ? lheoDate(periode, 'fin') : '';
  if (start && end && end < start) fault(one(periode!, 'fin')!, `<fin> (${end}) avant <debut> (${start})`);
  const extras = all(node, 'extras').flatMap((x) => all(x, 'extra'));
  const placesTotal = numeric(
    extras.find((e) => e.attrs.info === 'places-totales') ?? null,
    'places-totales',
  );
  const placesRemaining = numeric(
    extras.find((e) => e.attrs.info === 'places-restantes') ?? null,
    'places-restantes',
  );
  if (placesTotal !== null && placesRemaining !== null && placesRemaining > placesTotal)
    fault(node, `places restantes (${placesRemaining}) supérieures aux places totales (${placesTotal})`);
  const registration = one(node, 'adresse-inscription');
  const registrationPeriod = one(node, 'periode-inscription');
  const registrationDates = registrationPeriod && one(registrationPeriod, 'periode');
  if (registrationPeriod && !registrationDates)
    throw new RecordError(registrationPeriod, '<periode> absente dans <periode-inscription>');
  return {
    number,
    start,
    end,
    recruitmentState: (code(node, 'etat-recrutement', RECRUITMENT_STATES, true) || '1') as '1' | '2' | '3',
    placesTotal,
    placesRemaining,
    registrationAddress: address(
      registration && one(registration, 'adresse'),
      'adresse-inscription',
      context,
    ),
    registrationPeriod: registrationDates
      ? { start: openDate(registrationDates, 'debut'), end: openDate(registrationDates, 'fin') }
      : null,
    // Passerelle's own extras (places) are read above, not kept twice.
    extras: extrasOf(node, (x) => x.attrs.info === 'passerelle'),
    stamps: stampsOf(node),
  };
}

function trainer(node: XmlNode): LheoTrainer {
  const siretNode = one(node, 'SIRET-formateur');
  const siret = (siretNode && textOf(siretNode, 'SIRET'))?.replace(/\s/g, '') ?? '';
  if (!isValidSiret(siret))
    throw new RecordError(
      siretNode ?? node,
      `<organisme-formateur> : SIRET « ${quote(siret)} » invalide (14 chiffres, clé de Luhn)`,
    );
  const contactNode = one(node, 'contact-formateur');
  return {
    number: node.attrs.numero ?? null,
    siret,
    legalName: required(node, 'raison-sociale-formateur', 250),
    contact: contactNode ? contact(one(contactNode, 'coordonnees')) : null,
    potential: formacodeList(one(node, 'potentiel')),
    extras: extrasOf(node),
  };
}

function funders(node: XmlNode): LheoFunder[] {
  const seen = new Map<string, LheoFunder>();
  for (const f of all(node, 'organisme-financeur')) {
    const funderCode = code(f, 'code-financeur', FUNDERS);
    const element = one(f, 'nb-places-financees');
    const places = numeric(element, 'nb-places-financees');
    const previous = seen.get(funderCode);
    const sum = previous ? (previous.places ?? 0) + (places ?? 0) : places;
    const extras = [...(previous?.extras ?? []), ...extrasOf(f)];
    // One funder listed twice: its places add up, and the sum keeps to the same bound.
    if (sum !== null && sum > NUMERIC_FIELDS['nb-places-financees'].max)
      fault(
        element ?? f,
        `<nb-places-financees> : ${sum} places pour le financeur ${funderCode} dépassent le maximum ${formatBound(NUMERIC_FIELDS['nb-places-financees'].max)}`,
      );
    seen.set(funderCode, { code: funderCode, places: sum, extras });
  }
  return [...seen.values()];
}

function action(
  node: XmlNode,
  context: MappingContext,
  report: Report,
  record: string,
): { action: LheoAction; place: ResolvedPlace | null } {
  const number = node.attrs.numero?.trim();
  if (!number) throw new RecordError(node, 'attribut numero absent sur <action>');
  const publicCodes = all(node, 'code-public-vise')
    .map((c) => c.text)
    .filter(Boolean);
  if (!publicCodes.length) fault(node, '<code-public-vise> obligatoire absent');
  for (const c of all(node, 'code-public-vise'))
    if (c.text && !/^\d{5}$/.test(c.text))
      fault(
        c,
        `<code-public-vise> « ${quote(c.text)} » invalide : un code Formacode de 5 chiffres est attendu (le texte va dans <info-public-vise>)`,
      );
  const lieu = one(node, 'lieu-de-formation');
  const coordonnees = lieu && one(lieu, 'coordonnees');
  const placeContact = coordonnees && contact(coordonnees);
  const place = coordonnees
    ? {
        ...address(one(coordonnees, 'adresse'), 'lieu-de-formation', context),
        name: textOf(coordonnees, 'nom'),
        phone: placeContact?.phone ?? null,
        email: placeContact?.email ?? null,
        web: placeContact?.web ?? null,
      }
    : null;
  const resolved = place && context.resolvePlace(place);
  // An address with a code that leads nowhere has said why already (address()).
  if (place && !resolved && !place.inseeCode && place.postalCode && place.city) {
    const why = context.resolveCommune(place);
    fault(
      lieu!,
      `<lieu-de-formation> : aucune commune ne correspond (${place.postalCode} ${quote(place.city)})${'error' in why ? ` : ${why.error}` : ''}`,
    );
  }
  const sessions: LheoSession[] = [];
  const numbers = new Set<string>();
  for (const s of all(node, 'session')) {
    const label = `${record} / action ${quote(number, 100)} / session ${quote(s.attrs.numero ?? '?', 100)}`;
    const mapped = within(report, label, () => {
      const read = session(s, context);
      if (numbers.has(read.number)) fault(s, `session « ${quote(read.number)} » en double dans l’action`);
      return read;
    });
    if (!mapped) continue;
    numbers.add(mapped.number);
    sessions.push(mapped);
  }
  if (!sessions.length) fault(node, 'aucune session valide');
  const information = one(node, 'adresse-information');
  const languages = all(node, 'langue-formation').flatMap((l) => {
    if (/^[A-Za-z]{2}$/.test(l.text)) return [l.text.toUpperCase()];
    fault(l, `<langue-formation> « ${quote(l.text)} » invalide (code ISO 639-1 de 2 lettres)`);
    return [];
  });
  const indicativeDuration = textOf(node, 'duree-indicative');
  if (indicativeDuration && indicativeDuration.length > 150)
    fault(one(node, 'duree-indicative')!, '<duree-indicative> dépasse 150 caractères');
  const mapped: LheoAction = {
    number,
    rhythm: required(node, 'rythme-formation'),
    publicCodes,
    publicInfo: textOf(node, 'info-public-vise'),
    entryLevelRequired: bool(node, 'niveau-entree-obligatoire'),
    alternance: required(node, 'modalites-alternance'),
    teachingMode: code(node, 'modalites-enseignement', TEACHING_MODES),
    specificConditions: required(node, 'conditions-specifiques'),
    fundingPossible: bool(node, 'prise-en-charge-frais-possible'),
    place,
    entriesExits: code(node, 'modalites-entrees-sorties', ENTRY_EXIT_MODES),
    url: urlOf(one(node, 'url-action')),
    sessions,
    informationAddress: looseAddress(information && one(information, 'adresse')),
    disabilityAccess: textOf(node, 'acces-handicapes'),
    recruitmentTerms: textOf(node, 'modalites-recrutement'),
    priceHourly: numeric(one(node, 'prix-horaire-TTC'), 'prix-horaire-TTC'),
    priceTotal: numeric(one(node, 'prix-total-TTC'), 'prix-total-TTC'),
    hoursCentre: numeric(one(node, 'nombre-heures-centre'), 'nombre-heures-centre'),
    hoursCompany: numeric(one(node, 'nombre-heures-entreprise'), 'nombre-heures-entreprise'),
    languages,
    recruitmentArea: code(node, 'code-perimetre-recrutement', RECRUITMENT_AREAS, true) || null,
    recruitmentAreaInfo: textOf(node, 'infos-perimetre-recrutement'),
    indicativeDuration,
    hoursTotal: numeric(one(node, 'nombre-heures-total'), 'nombre-heures-total'),
    contracted: optionalBool(node, 'conventionnement'),
    contractedHours: numeric(one(node, 'duree-conventionnee'), 'duree-conventionnee'),
    trainers: all(node, 'organisme-formateur').map((t) => trainer(t)),
    funders: funders(node),
    extras: extrasOf(node),
    stamps: stampsOf(node),
  };
  return { action: mapped, place: resolved };
}

function provider(node: XmlNode | null, formation: XmlNode, context: MappingContext): LheoProvider {
  if (!node) throw new RecordError(formation, '<organisme-formation-responsable> obligatoire absent');
  const siretNode = one(node, 'SIRET-organisme-formation');
  const siret = (siretNode && textOf(siretNode, 'SIRET'))?.replace(/\s/g, '') ?? '';
  if (!isValidSiret(siret))
    fault(siretNode ?? node, `<SIRET> « ${quote(siret)} » invalide (14 chiffres, clé de Luhn)`);
  else if (context.restrictToSiret && siret !== context.restrictToSiret)
    fault(
      siretNode ?? node,
      `SIRET ${siret} : ce n’est pas celui de votre organisme (${context.restrictToSiret})`,
    );
  const coordonnees = one(node, 'coordonnees-organisme');
  const contactNode = one(node, 'contact-organisme');
  const coordinates = coordonnees && one(coordonnees, 'coordonnees');
  // The organisation's own phones and web; its address is `address`, so not read twice here.
  const reachable =
    coordinates &&
    contact({ ...coordinates, children: coordinates.children.filter((c) => c.name !== 'adresse') });
  return {
    number: node.attrs.numero ?? null,
    siret,
    activityNumber: required(node, 'numero-activite', 11),
    name: required(node, 'nom-organisme', 250),
    legalName: required(node, 'raison-sociale', 250),
    address: address(coordinates && one(coordinates, 'adresse'), 'coordonnees-organisme', context),
    contact: contact(contactNode && one(contactNode, 'coordonnees')),
    coordinates: reachable ?? NO_CONTACT,
    specificInfo: textOf(node, 'renseignements-specifiques'),
    potential: formacodeList(one(node, 'potentiel')),
    extras: extrasOf(node),
  };
}

const byNumber = (a: { number: string }, b: { number: string }) =>
  a.number < b.number ? -1 : a.number > b.number ? 1 : 0;

function problem(node: XmlNode, reason: string, record: string): Rejection {
  return { line: node.line, column: node.column, element: node.name, record, reason };
}

/**
 * Maps one <formation> to the catalogue's shape. An invalid session or action is rejected alone
 * (the rest of the formation is kept); an invalid formation is rejected whole. Every problem of a
 * record is reported, not only the first: each rejection says where (line, column, element),
 * which record (LHÉO numbers) and why. Warnings list what was kept otherwise than written
 * (a commune resolved, coordinates replaced) and every element left out (elements.ts).
 */
export function mapFormation(
  node: XmlNode,
  context: MappingContext,
): {
  formation: LheoFormation | null;
  places: (ResolvedPlace | null)[];
  rejections: Rejection[];
  warnings: Warning[];
} {
  const report: Report = { rejections: [], warnings: [] };
  const number = node.attrs.numero?.trim() ?? '';
  const record = `formation ${quote(number, 100) || '(sans numéro)'}`;
  let places: (ResolvedPlace | null)[] = [];
  const formation = within(report, record, (): LheoFormation => {
    for (const unkept of unkeptElements(node)) warn(unkept.node, unkept.message);
    if (!number) throw new RecordError(node, 'attribut numero absent sur <formation>');
    if (number.length > 100) throw new RecordError(node, 'numéro de formation trop long');
    const domaine = one(node, 'domaine-formation');
    if (!domaine) fault(node, '<domaine-formation> obligatoire absent');
    /** The codes of <domaine-formation> named `name`, each invalid one an error. */
    const codes = (name: string, valid: (code: string) => boolean, why: string) =>
      (domaine ? all(domaine, name) : [])
        .filter((c) => {
          if (!valid(c.text)) fault(c, `<${name}> « ${quote(c.text)} » ${why}`);
          return valid(c.text);
        })
        .map((c) => c.text);
    const formacodes = codes('code-FORMACODE', (c) => /^\d{5}$/.test(c), 'invalide (5 chiffres)');
    const mainFormacode =
      (domaine ? all(domaine, 'code-FORMACODE') : []).find((c) => c.attrs.tag === 'principal')?.text ?? null;
    const nsfCodes = codes('code-NSF', (c) => /^\d{3}[a-z]?$/i.test(c), 'invalide');
    const romeCodes = codes('code-ROME', context.isRomeCode, 'inconnu du ROME');
    const certification = one(node, 'certification');
    const rncp = certification && textOf(certification, 'code-RNCP')?.replace(/^RNCP/i, '');
    const rs = certification && textOf(certification, 'code-RS')?.replace(/^RS/i, '');
    if (rncp && !/^\d{1,6}$/.test(rncp))
      fault(one(certification, 'code-RNCP')!, `<code-RNCP> « ${quote(rncp)} » invalide`);
    if (rs && !/^\d{1,6}$/.test(rs))
      fault(one(certification, 'code-RS')!, `<code-RS> « ${quote(rs)} » invalide`);
    const certifinfo = certification && textOf(certification, 'code-CERTIFINFO');
    if (certifinfo && !/^\d{1,10}$/.test(certifinfo))
      fault(
        one(certification, 'code-CERTIFINFO')!,
        `<code-CERTIFINFO> « ${quote(certifinfo)} » invalide (10 chiffres au plus)`,
      );
    const contactFormation = one(node, 'contact-formation');
    const urlNode = one(node, 'url-formation');
    const title = required(node, 'intitule-formation', 255);
    const objective = required(node, 'objectif-formation');
    const expectedResults = required(node, 'resultats-attendus');
    const content = required(node, 'contenu-formation');
    const certifying = bool(node, 'certifiante');
    const courseType = code(node, 'parcours-de-formation', COURSE_TYPES);
    const entryLevel = code(node, 'code-niveau-entree', LEVELS);
    const exitLevel = code(node, 'code-niveau-sortie', LEVELS, true) || null;
    const actions: LheoAction[] = [];
    const actionPlaces: (ResolvedPlace | null)[] = [];
    const numbers = new Set<string>();
    for (const a of all(node, 'action')) {
      const mapped = within(report, `${record} / action ${quote(a.attrs.numero ?? '?', 100)}`, () => {
        const read = action(a, context, report, record);
        if (numbers.has(read.action.number)) fault(a, `action « ${quote(read.action.number)} » en double`);
        return read;
      });
      if (!mapped) continue;
      numbers.add(mapped.action.number);
      actions.push(mapped.action);
      actionPlaces.push(mapped.place);
    }
    if (!actions.length) fault(node, 'aucune action valide');
    // Last: a missing responsible organisation stops the record, once everything else is reported.
    const formationProvider = provider(one(node, 'organisme-formation-responsable'), node, context);
    // Canonical order (by number), so that an export re-imported is recognised as unchanged.
    const order = actions.map((_, i) => i).sort((i, j) => byNumber(actions[i]!, actions[j]!));
    const sortedActions = order.map((i) => actions[i]!);
    places = order.map((i) => actionPlaces[i]!);
    for (const a of sortedActions) {
      a.sessions.sort(byNumber);
      a.funders.sort((x, y) => Number(x.code) - Number(y.code));
    }
    return {
      number,
      formacodes,
      mainFormacode,
      nsfCodes,
      romeCodes,
      title,
      objective,
      expectedResults,
      content,
      certifying,
      contact: contact(contactFormation && one(contactFormation, 'coordonnees')),
      courseType,
      entryLevel,
      rncpCode: rncp || null,
      rsCode: rs || null,
      certifinfoCode: certifinfo || null,
      generalObjective: code(node, 'objectif-general-formation', GENERAL_OBJECTIVES, true) || null,
      exitLevel,
      url: urlOf(urlNode),
      actions: sortedActions,
      provider: formationProvider,
      // The source mark of an export (importer.ts reads it) is written again from the formation's source.
      extras: extrasOf(node, (x) => x.attrs.info === 'passerelle'),
      stamps: stampsOf(node),
    };
  });
  return { formation, places: formation ? places : [], ...report };
}
