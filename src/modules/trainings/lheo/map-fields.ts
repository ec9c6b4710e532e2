import type { CommuneFound } from './communes.js';
import { fault, RecordError } from './map-collect.js';
import type { LheoAddress, LheoExtras, LheoStamps } from './model.js';
import type { XmlNode } from './reader.js';
import { checkNumber, DATE_RANGE, type NumericField } from './rules.js';

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

export const all = (node: XmlNode, name: string) => node.children.filter((c) => c.name === name);
export const one = (node: XmlNode, name: string) => node.children.find((c) => c.name === name) ?? null;
export const textOf = (node: XmlNode, name: string) => one(node, name)?.text || null;
/** A value quoted in a rejection, cut short: a hostile 100,000-character code must not fill the report. */
export const quote = (value: string, max = 30) => (value.length > max ? `${value.slice(0, max)}…` : value);

export function required(node: XmlNode, name: string, max = 3000): string {
  const value = textOf(node, name);
  if (!value) {
    fault(node, `<${name}> obligatoire absent ou vide`);
    return '';
  }
  if (value.length > max) fault(one(node, name)!, `<${name}> dépasse ${max} caractères`);
  return value;
}

export function code(
  node: XmlNode,
  name: string,
  dictionary: Record<string, string>,
  optional = false,
): string {
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

export function bool(node: XmlNode, name: string): boolean {
  const value = textOf(node, name);
  if (value !== '0' && value !== '1') fault(one(node, name) ?? node, `<${name}> doit valoir 0 ou 1`);
  return value === '1';
}

/** A number checked against its rule (rules.ts): a value out of range rejects the record that holds it. */
export function numeric(element: XmlNode | null, field: NumericField): number | null {
  if (!element?.text) return null;
  const checked = checkNumber(field, element.text);
  if (!('error' in checked)) return checked.value;
  fault(element, checked.error);
  return null;
}

export function lheoDate(node: XmlNode, name: string): string {
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
export function openDate(node: XmlNode, name: string): string | null {
  const value = textOf(node, name);
  return !value || value === '00000000' || value === '99999999' ? null : lheoDate(node, name);
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
export const extrasOf = (node: XmlNode, skip: (extras: XmlNode) => boolean = () => false): LheoExtras[] =>
  all(node, 'extras')
    .filter((x) => !skip(x))
    .map(rawXml);

export const stampsOf = (node: XmlNode): LheoStamps => ({
  createdOn: node.attrs.datecrea?.trim() || null,
  updatedOn: node.attrs.datemaj?.trim() || null,
});

/** The first <urlweb> of an element holding web addresses (<web>, <url-action>, <url-formation>). */
export const urlOf = (node: XmlNode | null) => (node ? textOf(node, 'urlweb') : null);

/** An optional 0/1 element (conventionnement): null when absent. */
export function optionalBool(node: XmlNode, name: string): boolean | null {
  return one(node, name) ? bool(node, name) : null;
}

export function formacodeList(node: XmlNode | null): string[] {
  return (node ? all(node, 'code-FORMACODE') : []).map((c) => {
    if (!/^\d{5}$/.test(c.text))
      throw new RecordError(c, `<code-FORMACODE> « ${quote(c.text)} » invalide (5 chiffres)`);
    return c.text;
  });
}
