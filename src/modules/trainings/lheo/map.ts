import { isValidSiret } from '../../../shared/siret.js';
import { COURSE_TYPES, GENERAL_OBJECTIVES, LEVELS } from '../dictionaries.js';
import { unkeptElements } from './elements.js';
import { action } from './map-action.js';
import { address, contact, NO_CONTACT } from './map-address.js';
import { fault, RecordError, type Report, warn, within } from './map-collect.js';
import {
  all,
  bool,
  code,
  extrasOf,
  formacodeList,
  type MappingContext,
  one,
  quote,
  type ResolvedPlace,
  required,
  stampsOf,
  textOf,
  urlOf,
} from './map-fields.js';
import type { LheoAction, LheoFormation, LheoProvider, Rejection, Warning } from './model.js';
import type { XmlNode } from './reader.js';

// The mapping of a <formation>, by concern: the collector of faults and warnings (map-collect.ts),
// the readers of elements (map-fields.ts), addresses and contacts (map-address.ts), actions and
// their sessions (map-action.ts); the organisation responsible and the formation itself here.
export type { MappingContext, ResolvedPlace } from './map-fields.js';

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
