import type {
  LheoAction,
  LheoAddress,
  LheoContact,
  LheoFormation,
  LheoFunder,
  LheoPlace,
  LheoSession,
  LheoStamps,
  LheoTrainer,
} from './model.js';

export const LHEO_NAMESPACE = 'http://lheo.gouv.fr/2.3';

const escapeXml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/**
 * The longest text the LHÉO 2.3 schema allows in each element the writer fills with free text
 * (data/lheo/lheo-2.3.xsd, xs:maxLength of each `*-subtype`). A longer value, which an older
 * import or an edit may hold, is cut to fit, so that every export stays valid: the demo's
 * « Prénom Nom » contacts once passed <nom>'s 50 characters and failed the schema.
 */
const MAX_LENGTH: Record<string, number> = {
  'intitule-formation': 255,
  'objectif-formation': 3000,
  'resultats-attendus': 3000,
  'contenu-formation': 3000,
  'rythme-formation': 3000,
  'info-public-vise': 250,
  'modalites-alternance': 3000,
  'conditions-specifiques': 3000,
  'acces-handicapes': 250,
  'modalites-recrutement': 3000,
  'infos-perimetre-recrutement': 50,
  'duree-indicative': 150,
  'renseignements-specifiques': 3000,
  'nom-organisme': 250,
  'raison-sociale': 250,
  'raison-sociale-formateur': 250,
  denomination: 255,
  ligne: 50,
  ville: 50,
  civilite: 50,
  nom: 50,
  prenom: 50,
  numtel: 25,
  latitude: 30,
  longitude: 30,
};

/** Codes and addresses that a cut would make wrong: left out when they do not fit, never cut. */
const LENGTH_RANGE: Record<string, [number, number]> = {
  courriel: [3, 160],
  urlweb: [3, 400],
  departement: [2, 3],
  region: [2, 2],
  pays: [2, 2],
  'langue-formation': [2, 2],
  'code-FORMACODE': [5, 5],
  'code-public-vise': [5, 5],
  'code-CERTIFINFO': [1, 10],
  'code-RNCP': [1, 10],
  'code-RS': [3, 10],
};

const cut = (value: string, max: number) =>
  value.length <= max
    ? value
    : `${[...value]
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;

/** `<name>text</name>`, or nothing when the value is absent (optional LHÉO elements). */
function el(name: string, value: string | number | null | undefined, attrs = ''): string {
  if (value === null || value === undefined || value === '') return '';
  let text = String(value);
  const max = MAX_LENGTH[name];
  if (max) text = cut(text, max);
  const range = LENGTH_RANGE[name];
  if (range && (text.length < range[0] || text.length > range[1])) return '';
  return `<${name}${attrs}>${escapeXml(text)}</${name}>`;
}
const lheoDate = (iso: string) => iso.replaceAll('-', '');
/** A price in as few characters as it takes (<prix-horaire-TTC> allows 6, <prix-total-TTC> 10). */
function money(n: number | null, max: number): string | null {
  if (n === null) return null;
  for (const decimals of [2, 1, 0]) {
    const text = String(Number(n.toFixed(decimals)));
    if (text.length <= max) return text;
  }
  return String(Math.round(n));
}
const stampAttrs = (s: LheoStamps) =>
  `${s.createdOn ? ` datecrea="${escapeXml(s.createdOn)}"` : ''}${s.updatedOn ? ` datemaj="${escapeXml(s.updatedOn)}"` : ''}`;

/** Address lines of at most 50 characters, at most 4: a longer line goes on to the next one. */
function addressLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let rest = line.trim();
    while (rest.length > 50) {
      const space = rest.lastIndexOf(' ', 50);
      const at = space > 20 ? space : 50;
      out.push(rest.slice(0, at).trimEnd());
      rest = rest.slice(at).trimStart();
    }
    if (rest) out.push(rest);
  }
  if (out.length <= 4) return out;
  return [...out.slice(0, 3), cut(out.slice(3).join(' '), 50)];
}

function address(a: LheoAddress, name: string | null = null): string {
  const geo =
    a.latitude !== null && a.longitude !== null
      ? `<geolocalisation>${el('latitude', a.latitude)}${el('longitude', a.longitude)}</geolocalisation>`
      : '';
  return [
    '<adresse>',
    el('denomination', name),
    addressLines(a.lines)
      .map((l) => el('ligne', l))
      .join(''),
    el('codepostal', a.postalCode),
    el('ville', a.city),
    el('departement', a.department),
    el('code-INSEE-commune', a.inseeCode),
    el('region', a.region),
    el('pays', a.country),
    geo,
    '</adresse>',
  ].join('');
}

const phone = (name: string, number: string | null) =>
  number ? `<${name}>${el('numtel', number)}</${name}>` : '';
const web = (url: string | null, name = 'web') =>
  el('urlweb', url) ? `<${name}>${el('urlweb', url)}</${name}>` : '';

function coordonnees(c: LheoContact | null, addr: LheoAddress | null = c?.address ?? null): string {
  return [
    '<coordonnees>',
    el('civilite', c?.civility),
    el('nom', c?.name),
    el('prenom', c?.firstName),
    addr ? address(addr) : '',
    phone('telfixe', c?.phone ?? null),
    phone('portable', c?.mobile ?? null),
    phone('fax', c?.fax ?? null),
    el('courriel', c?.email),
    web(c?.web ?? null),
    '</coordonnees>',
  ].join('');
}

function session(s: LheoSession): string {
  const extras =
    s.placesTotal !== null || s.placesRemaining !== null
      ? `<extras info="passerelle">${s.placesTotal !== null ? `<extra info="places-totales">${s.placesTotal}</extra>` : ''}${s.placesRemaining !== null ? `<extra info="places-restantes">${s.placesRemaining}</extra>` : ''}</extras>`
      : '';
  const registration = s.registrationPeriod
    ? `<periode-inscription><periode>${el('debut', s.registrationPeriod.start ? lheoDate(s.registrationPeriod.start) : '00000000')}${el('fin', s.registrationPeriod.end ? lheoDate(s.registrationPeriod.end) : '99999999')}</periode></periode-inscription>`
    : '';
  return [
    `<session numero="${escapeXml(s.number)}"${stampAttrs(s.stamps)}>`,
    `<periode>${el('debut', lheoDate(s.start))}${el('fin', lheoDate(s.end))}</periode>`,
    `<adresse-inscription>${address(s.registrationAddress)}</adresse-inscription>`,
    registration,
    el('etat-recrutement', s.recruitmentState),
    extras,
    s.extras.join(''),
    '</session>',
  ].join('');
}

const potential = (codes: string[]) =>
  codes.length ? `<potentiel>${codes.map((c) => el('code-FORMACODE', c)).join('')}</potentiel>` : '';

function trainer(t: LheoTrainer): string {
  return [
    `<organisme-formateur${t.number ? ` numero="${escapeXml(t.number)}"` : ''}>`,
    `<SIRET-formateur>${el('SIRET', t.siret)}</SIRET-formateur>`,
    // raison-sociale-formateur is required (it may be empty in the schema).
    `<raison-sociale-formateur>${escapeXml(cut(t.legalName, 250))}</raison-sociale-formateur>`,
    t.contact ? `<contact-formateur>${coordonnees(t.contact)}</contact-formateur>` : '',
    potential(t.potential),
    t.extras.join(''),
    '</organisme-formateur>',
  ].join('');
}

function funder(f: LheoFunder): string {
  return `<organisme-financeur>${el('code-financeur', f.code)}${el('nb-places-financees', f.places)}${f.extras.join('')}</organisme-financeur>`;
}

function place(p: LheoPlace): string {
  return `<lieu-de-formation><coordonnees>${el('nom', p.name)}${address(p)}${phone('telfixe', p.phone)}${el('courriel', p.email)}${web(p.web)}</coordonnees></lieu-de-formation>`;
}

/** Public codes are Formacode codes (5 digits): any other text goes to <info-public-vise>. */
function publics(a: LheoAction): string {
  const codes = a.publicCodes.filter((c) => /^\d{5}$/.test(c)).slice(0, 10);
  const texts = a.publicCodes.filter((c) => !/^\d{5}$/.test(c));
  const info = [a.publicInfo, ...texts].filter(Boolean).join(' ; ');
  return codes.map((c) => el('code-public-vise', c)).join('') + el('info-public-vise', info);
}

function action(a: LheoAction): string {
  return [
    `<action numero="${escapeXml(a.number)}"${stampAttrs(a.stamps)}>`,
    el('rythme-formation', a.rhythm),
    publics(a),
    el('niveau-entree-obligatoire', a.entryLevelRequired ? 1 : 0),
    el('modalites-alternance', a.alternance),
    el('modalites-enseignement', a.teachingMode),
    el('conditions-specifiques', a.specificConditions),
    el('prise-en-charge-frais-possible', a.fundingPossible ? 1 : 0),
    a.place ? place(a.place) : '',
    el('modalites-entrees-sorties', a.entriesExits),
    web(a.url, 'url-action'),
    a.sessions.map(session).join(''),
    a.informationAddress ? `<adresse-information>${address(a.informationAddress)}</adresse-information>` : '',
    el('acces-handicapes', a.disabilityAccess),
    a.languages
      .slice(0, 5)
      .map((l) => el('langue-formation', l))
      .join(''),
    el('modalites-recrutement', a.recruitmentTerms),
    el('code-perimetre-recrutement', a.recruitmentArea),
    el('infos-perimetre-recrutement', a.recruitmentAreaInfo),
    el('prix-horaire-TTC', money(a.priceHourly, 6)),
    el('prix-total-TTC', money(a.priceTotal, 10)),
    el('duree-indicative', a.indicativeDuration),
    el('nombre-heures-centre', a.hoursCentre),
    el('nombre-heures-entreprise', a.hoursCompany),
    el('nombre-heures-total', a.hoursTotal),
    a.contracted === null ? '' : el('conventionnement', a.contracted ? 1 : 0),
    el('duree-conventionnee', a.contractedHours),
    a.trainers.map(trainer).join(''),
    // The schema allows 8 funders per action.
    a.funders.slice(0, 8).map(funder).join(''),
    a.extras.join(''),
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
    f.rncpCode || f.certifinfoCode || f.rsCode
      ? `<certification>${el('code-RNCP', f.rncpCode)}${el('code-CERTIFINFO', f.certifinfoCode)}${el('code-RS', f.rsCode)}</certification>`
      : '';
  return [
    `<formation numero="${escapeXml(f.number)}"${stampAttrs(f.stamps)}>`,
    '<domaine-formation>',
    f.formacodes
      .slice(0, 5)
      .map((c) => el('code-FORMACODE', c, c === f.mainFormacode ? ' tag="principal"' : ''))
      .join(''),
    f.nsfCodes
      .slice(0, 3)
      .map((c) => el('code-NSF', c))
      .join(''),
    f.romeCodes
      .slice(0, 5)
      .map((c) => el('code-ROME', c))
      .join(''),
    '</domaine-formation>',
    el('intitule-formation', f.title),
    el('objectif-formation', f.objective),
    el('resultats-attendus', f.expectedResults),
    el('contenu-formation', f.content),
    el('certifiante', f.certifying ? 1 : 0),
    `<contact-formation>${coordonnees(f.contact)}</contact-formation>`,
    el('parcours-de-formation', f.courseType),
    el('code-niveau-entree', f.entryLevel),
    el('objectif-general-formation', f.generalObjective),
    certification,
    el('code-niveau-sortie', f.exitLevel),
    web(f.url, 'url-formation'),
    f.actions.map(action).join(''),
    `<organisme-formation-responsable${p.number ? ` numero="${escapeXml(p.number)}"` : ''}>`,
    el('numero-activite', p.activityNumber),
    `<SIRET-organisme-formation>${el('SIRET', p.siret)}</SIRET-organisme-formation>`,
    el('nom-organisme', p.name),
    el('raison-sociale', p.legalName),
    `<coordonnees-organisme>${coordonnees(p.coordinates, p.address)}</coordonnees-organisme>`,
    `<contact-organisme>${coordonnees(p.contact)}</contact-organisme>`,
    el('renseignements-specifiques', p.specificInfo),
    potential(p.potential),
    p.extras.join(''),
    '</organisme-formation-responsable>',
    f.extras.join(''),
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
