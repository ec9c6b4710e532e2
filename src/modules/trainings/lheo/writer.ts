import type { LheoAction, LheoAddress, LheoContact, LheoFormation, LheoSession } from './model.js';

export const LHEO_NAMESPACE = 'http://lheo.gouv.fr/2.3';

const escapeXml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** `<name>text</name>`, or nothing when the value is absent (optional LHÉO elements). */
function el(name: string, value: string | number | null | undefined): string {
  return value === null || value === undefined || value === ''
    ? ''
    : `<${name}>${escapeXml(String(value))}</${name}>`;
}
const lheoDate = (iso: string) => iso.replaceAll('-', '');
const money = (n: number | null) => (n === null ? null : n.toFixed(2));

function address(a: LheoAddress, name: string | null = null): string {
  const geo =
    a.latitude !== null && a.longitude !== null
      ? `<geolocalisation>${el('latitude', a.latitude)}${el('longitude', a.longitude)}</geolocalisation>`
      : '';
  return `<adresse>${el('denomination', name)}${a.lines.map((l) => el('ligne', l)).join('')}${el('codepostal', a.postalCode)}${el('ville', a.city)}${el('code-INSEE-commune', a.inseeCode)}${geo}</adresse>`;
}

function coordonnees(c: LheoContact, addr: string = ''): string {
  return `<coordonnees>${el('nom', c.name)}${addr}${c.phone ? `<telfixe>${el('numtel', c.phone)}</telfixe>` : ''}${el('courriel', c.email)}${c.web ? `<web>${el('urlweb', c.web)}</web>` : ''}</coordonnees>`;
}

function session(s: LheoSession): string {
  const extras =
    s.placesTotal !== null || s.placesRemaining !== null
      ? `<extras info="passerelle">${s.placesTotal !== null ? `<extra info="places-totales">${s.placesTotal}</extra>` : ''}${s.placesRemaining !== null ? `<extra info="places-restantes">${s.placesRemaining}</extra>` : ''}</extras>`
      : '';
  return `<session numero="${escapeXml(s.number)}"><periode>${el('debut', lheoDate(s.start))}${el('fin', lheoDate(s.end))}</periode><adresse-inscription>${address(s.registrationAddress)}</adresse-inscription>${el('etat-recrutement', s.recruitmentState)}${extras}</session>`;
}

function action(a: LheoAction): string {
  const place = a.place
    ? `<lieu-de-formation><coordonnees>${el('nom', a.place.name)}${address(a.place)}</coordonnees></lieu-de-formation>`
    : '';
  const funders = a.funders
    .map(
      (f) =>
        `<organisme-financeur>${el('code-financeur', f.code)}${el('nb-places-financees', f.places)}</organisme-financeur>`,
    )
    .join('');
  return [
    `<action numero="${escapeXml(a.number)}">`,
    el('rythme-formation', a.rhythm),
    a.publicCodes.map((c) => el('code-public-vise', c)).join(''),
    el('info-public-vise', a.publicInfo),
    el('niveau-entree-obligatoire', a.entryLevelRequired ? 1 : 0),
    el('modalites-alternance', a.alternance),
    el('modalites-enseignement', a.teachingMode),
    el('conditions-specifiques', a.specificConditions),
    el('prise-en-charge-frais-possible', a.fundingPossible ? 1 : 0),
    place,
    el('modalites-entrees-sorties', a.entriesExits),
    a.sessions.map(session).join(''),
    el('acces-handicapes', a.disabilityAccess),
    el('modalites-recrutement', a.recruitmentTerms),
    el('prix-horaire-TTC', money(a.priceHourly)),
    el('prix-total-TTC', money(a.priceTotal)),
    el('nombre-heures-centre', a.hoursCentre),
    el('nombre-heures-entreprise', a.hoursCompany),
    funders,
    '</action>',
  ].join('');
}

/**
 * The source a formation comes from, where LHÉO lets a producer add its own data (the formation's
 * last element, `extras`): one number may exist in two sources, and a re-import of the export must
 * know which formation a record is (importer.ts, exportedSource).
 */
export const SOURCE_EXTRA = 'source';
const sourceMark = (source: string | undefined) =>
  source
    ? `<extras info="passerelle"><extra info="${SOURCE_EXTRA}">${escapeXml(source)}</extra></extras>`
    : '';

/** One <formation>, its elements in the order of the LHÉO 2.3 schema's sequences. */
export function formationXml(f: LheoFormation & { source?: string }): string {
  const p = f.provider;
  const certification =
    f.rncpCode || f.rsCode
      ? `<certification>${el('code-RNCP', f.rncpCode)}${el('code-RS', f.rsCode)}</certification>`
      : '';
  return [
    `<formation numero="${escapeXml(f.number)}">`,
    '<domaine-formation>',
    f.formacodes.map((c) => el('code-FORMACODE', c)).join(''),
    f.nsfCodes.map((c) => el('code-NSF', c)).join(''),
    f.romeCodes.map((c) => el('code-ROME', c)).join(''),
    '</domaine-formation>',
    el('intitule-formation', f.title),
    el('objectif-formation', f.objective),
    el('resultats-attendus', f.expectedResults),
    el('contenu-formation', f.content),
    el('certifiante', f.certifying ? 1 : 0),
    `<contact-formation>${coordonnees(f.contact)}</contact-formation>`,
    el('parcours-de-formation', f.courseType),
    el('code-niveau-entree', f.entryLevel),
    certification,
    el('code-niveau-sortie', f.exitLevel),
    f.url ? `<url-formation>${el('urlweb', f.url)}</url-formation>` : '',
    f.actions.map(action).join(''),
    `<organisme-formation-responsable${p.number ? ` numero="${escapeXml(p.number)}"` : ''}>`,
    el('numero-activite', p.activityNumber),
    `<SIRET-organisme-formation>${el('SIRET', p.siret)}</SIRET-organisme-formation>`,
    el('nom-organisme', p.name),
    el('raison-sociale', p.legalName),
    `<coordonnees-organisme>${coordonnees({ name: null, phone: null, email: null, web: null }, address(p.address))}</coordonnees-organisme>`,
    `<contact-organisme>${coordonnees(p.contact)}</contact-organisme>`,
    '</organisme-formation-responsable>',
    sourceMark(f.source),
    '</formation>',
  ].join('');
}

export const LHEO_HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="${LHEO_NAMESPACE}"><offres>\n`;
export const LHEO_TAIL = '</offres></lheo>\n';

/** A whole LHÉO document as a stream of strings, formation by formation (constant memory). */
export async function* lheoDocument(
  formations:
    | AsyncIterable<LheoFormation & { source?: string }>
    | Iterable<LheoFormation & { source?: string }>,
) {
  yield LHEO_HEAD;
  for await (const f of formations) yield `${formationXml(f)}\n`;
  yield LHEO_TAIL;
}
