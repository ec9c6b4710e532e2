import { type CommuneFound, checkCoordinates } from './communes.js';
import { fault, warn } from './map-collect.js';
import { all, type MappingContext, numeric, one, quote, required, textOf, urlOf } from './map-fields.js';
import type { LheoAddress, LheoContact } from './model.js';
import type { XmlNode } from './reader.js';
import { checkNumber } from './rules.js';

/**
 * An address, its commune resolved: a historic INSEE code becomes today's, a postal code put in
 * <code-INSEE-commune> (or an unknown code) gives way to the postal code and the town, each with a
 * warning; only an address whose commune cannot be found is an error. Coordinates far from the
 * commune are replaced by its point, with a warning.
 */
export function address(node: XmlNode | null, where: string, context: MappingContext): LheoAddress {
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
export function looseAddress(node: XmlNode | null): LheoAddress | null {
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

export const NO_CONTACT: LheoContact = {
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

export function contact(coordonnees: XmlNode | null): LheoContact {
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
