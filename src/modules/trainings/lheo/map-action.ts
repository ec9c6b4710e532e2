import { isValidSiret } from '../../../shared/siret.js';
import {
  ENTRY_EXIT_MODES,
  FUNDERS,
  RECRUITMENT_AREAS,
  RECRUITMENT_STATES,
  TEACHING_MODES,
} from '../dictionaries.js';
import { address, contact, looseAddress } from './map-address.js';
import { fault, RecordError, type Report, within } from './map-collect.js';
import {
  all,
  bool,
  code,
  extrasOf,
  formacodeList,
  lheoDate,
  type MappingContext,
  numeric,
  one,
  openDate,
  optionalBool,
  quote,
  type ResolvedPlace,
  required,
  stampsOf,
  textOf,
  urlOf,
} from './map-fields.js';
import type { LheoAction, LheoFunder, LheoSession, LheoTrainer } from './model.js';
import type { XmlNode } from './reader.js';
import { formatBound, NUMERIC_FIELDS } from './rules.js';

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

export function action(
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
