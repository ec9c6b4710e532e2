import { Faker, fr } from '@faker-js/faker';
import { completeLuhn } from '../../../shared/siret.js';
import { searchForm } from '../../../shared/text.js';
import type {
  LheoAction,
  LheoAddress,
  LheoFormation,
  LheoFunder,
  LheoProvider,
  LheoSession,
} from './model.js';

export interface FeedAppellation {
  code: string;
  label: string;
  rome: string;
}
export interface FeedCommune {
  code: string;
  name: string;
  postalCode: string;
  latitude: number;
  longitude: number;
  population: number;
}
export interface FeedProvider {
  name: string;
  siret: string;
  communeCode: string;
}
export interface FeedOptions {
  seed: number;
  /** Sessions to generate (about 4 per action, 1.6 actions per formation). */
  sessions: number;
  appellations: FeedAppellation[];
  communes: FeedCommune[];
  /** Training organisations that publish the offer; generated when absent (benchmark feeds). */
  providers?: FeedProvider[];
  /** First day of the catalogue's window (sessions start from 2 months before to 10 months after). */
  today: string;
  numberPrefix?: string;
  /**
   * The first two formations train for the same trade (an electrician appellation), in the most
   * populated commune, starting the same week, one bought by the Region and one by France
   * Travail: a known overlap for the funders' report and a known target for search tests.
   */
  seededOverlap?: boolean;
  /**
   * Trades the catalogue must offer in its biggest towns whatever the draw gave: the search page's
   * hint names them ("aide-soignant", "cariste"…), so a counsellor trying them finds trainings
   * (issue 9 §4). Each is the start of an appellation label, accents and case ignored. One
   * formation per trade and town, generated after the drawn ones so the draw itself is unchanged.
   */
  featured?: { trades: string[]; towns: number };
}

const DIPLOMAS = [
  { prefix: 'Titre professionnel', certifying: true, level: '13', hours: [420, 900] },
  { prefix: 'CAP', certifying: true, level: '13', hours: [500, 1000] },
  { prefix: 'Bac professionnel', certifying: true, level: '14', hours: [900, 1400] },
  { prefix: 'BTS', certifying: true, level: '15', hours: [1100, 1600] },
  { prefix: 'Certificat de qualification professionnelle', certifying: true, level: '13', hours: [210, 500] },
  { prefix: 'Préparation opérationnelle à l’emploi', certifying: false, level: '0', hours: [150, 400] },
  { prefix: 'Formation préqualifiante', certifying: false, level: '12', hours: [200, 450] },
  { prefix: 'Remise à niveau et découverte du métier', certifying: false, level: '11', hours: [70, 300] },
] as const;

const PUBLICS = [
  'Demandeurs d’emploi',
  'Jeunes de 16 à 25 ans',
  'Salariés en reconversion',
  'Bénéficiaires du RSA',
  'Travailleurs handicapés',
];
/**
 * Public codes (code-public-vise) are Formacode codes: these are the ones the real Intercarif
 * records of test/fixtures/lheo carry (the demo once wrote « Demandeurs d’emploi » there, which
 * the schema refuses: the text belongs in <info-public-vise>).
 */
const PUBLIC_CODES = ['80001', '80006', '83056'];
const NO_STAMPS = { createdOn: null, updatedOn: null };
const RHYTHMS = ['Temps plein', 'Temps partiel', 'Cours du jour', 'Alternance 3 semaines / 1 semaine'];

/** Funders and how often they buy places: the Region and France Travail buy most places for job seekers. */
const FUNDER_MIX: { code: string; weight: number }[] = [
  { code: '2', weight: 45 },
  { code: '4', weight: 35 },
  { code: '7', weight: 6 },
  { code: '16', weight: 6 },
  { code: '10', weight: 5 },
  { code: '3', weight: 3 },
];

const pad = (n: number) => String(n).padStart(2, '0');
function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The featured trades' appellations, each paired with each of the biggest towns. */
function featuredFormations(options: FeedOptions, byPopulation: FeedCommune[]) {
  if (!options.featured) return [];
  const towns = byPopulation.slice(0, options.featured.towns);
  return options.featured.trades.flatMap((trade) => {
    const prefix = searchForm(trade);
    const appellation = options.appellations.find((a) => searchForm(a.label).startsWith(prefix));
    return appellation ? towns.map((commune) => ({ appellation, commune })) : [];
  });
}

function lowerFirst(s: string) {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * A realistic, seeded LHÉO feed of any size, formation by formation (nothing is kept in memory):
 * titles from real ROME appellations, places in real communes, plausible hours, dates, prices and
 * funders. The same options always give the same feed.
 */
export function* generateFeed(options: FeedOptions): Generator<LheoFormation> {
  const f = new Faker({ locale: [fr] });
  f.seed(options.seed);
  const prefix = options.numberPrefix ?? 'GEN';
  const weightedCommunes = options.communes.map((c) => ({
    value: c,
    weight: Math.max(1, Math.sqrt(c.population)),
  }));
  const communeByCode = new Map(options.communes.map((c) => [c.code, c]));
  const addressIn = (c: FeedCommune): LheoAddress => ({
    lines: [f.location.streetAddress()],
    postalCode: c.postalCode,
    city: c.name,
    inseeCode: c.code,
    latitude: null,
    longitude: null,
    department: c.code.startsWith('97') ? c.code.slice(0, 3) : c.code.slice(0, 2),
    region: null,
    country: 'FR',
  });
  const person = (phone: string | null, email: string | null) => ({
    civility: null,
    // One draw, as before the first name was kept apart: the same seed gives the same catalogue.
    name: f.person.fullName(),
    firstName: null,
    phone,
    mobile: null,
    fax: null,
    email,
    web: null,
    address: null,
  });
  const providerCount = Math.max(5, Math.round(options.sessions / 400));
  const providers: LheoProvider[] = (
    options.providers ??
    Array.from({ length: providerCount }, () => ({
      name: `${f.helpers.arrayElement(['Centre de formation', 'Institut', 'Académie des métiers', 'GRETA', 'Campus'])} ${f.company.name()}`,
      siret: completeLuhn(f.string.numeric({ length: 13, allowLeadingZeros: false })),
      communeCode: f.helpers.weightedArrayElement(weightedCommunes).code,
    }))
  ).map((p, i) => {
    const commune = communeByCode.get(p.communeCode) ?? options.communes[0]!;
    return {
      number: `OF${String(i + 1).padStart(5, '0')}`,
      siret: p.siret,
      activityNumber: `84${f.string.numeric(9)}`,
      name: p.name,
      legalName: p.name.toUpperCase(),
      address: addressIn(commune),
      contact: person(f.phone.number({ style: 'national' }), `contact@${f.internet.domainWord()}.fr`),
      coordinates: {
        civility: null,
        name: null,
        firstName: null,
        phone: f.phone.number({ style: 'national' }),
        mobile: null,
        fax: null,
        email: null,
        web: null,
        address: null,
      },
      specificInfo: null,
      potential: [],
      extras: [],
    };
  });

  let sessions = 0;
  let formationIndex = 0;
  const overlapAppellation =
    options.appellations.find((a) => /^[ée]lectricien/i.test(a.label)) ?? options.appellations[0]!;
  const byPopulation = [...options.communes].sort((a, b) => b.population - a.population);
  const biggest = byPopulation[0]!;
  const featuredQueue = featuredFormations(options, byPopulation);
  while (sessions < options.sessions || featuredQueue.length) {
    formationIndex++;
    const featured = sessions >= options.sessions ? featuredQueue.shift() : undefined;
    const seeded = options.seededOverlap && formationIndex <= 2;
    const appellation = featured
      ? featured.appellation
      : seeded
        ? overlapAppellation
        : f.helpers.arrayElement(options.appellations);
    const diploma = seeded ? DIPLOMAS[0] : f.helpers.arrayElement(DIPLOMAS);
    const provider = f.helpers.arrayElement(providers);
    const job = appellation.label;
    const hoursTotal = f.number.int({ min: diploma.hours[0], max: diploma.hours[1] });
    const hoursCompany = diploma.certifying
      ? Math.round(hoursTotal * f.number.float({ min: 0.15, max: 0.35 }))
      : 0;
    const actionCount = f.helpers.weightedArrayElement([
      { value: 1, weight: 55 },
      { value: 2, weight: 30 },
      { value: 3, weight: 15 },
    ]);
    const actions: LheoAction[] = [];
    for (
      let a = 1;
      a <= (seeded || featured ? 1 : actionCount) && (featured || sessions < options.sessions);
      a++
    ) {
      const commune = featured
        ? featured.commune
        : seeded
          ? biggest
          : f.helpers.weightedArrayElement(weightedCommunes);
      const drawn = f.number.int({ min: 2, max: 6 });
      const sessionCount = featured ? drawn : Math.min(options.sessions - sessions, drawn);
      const list: LheoSession[] = [];
      const weeks = Math.ceil(hoursTotal / 35);
      // A featured formation starts soon: the trade it stands for must be open to a person now.
      let start = seeded
        ? addDays(options.today, 30)
        : addDays(options.today, f.number.int({ min: featured ? 7 : -60, max: featured ? 60 : 120 }));
      for (let s = 1; s <= sessionCount; s++) {
        const placesTotal = f.number.int({ min: 8, max: 20 });
        const end = addDays(start, weeks * 7 - 3);
        list.push({
          number: `${prefix}-S${formationIndex}-${a}-${s}`,
          start,
          end,
          recruitmentState:
            seeded || (featured && s === 1)
              ? '1'
              : f.helpers.weightedArrayElement([
                  { value: '1' as const, weight: 80 },
                  { value: '2' as const, weight: 15 },
                  { value: '3' as const, weight: 5 },
                ]),
          placesTotal,
          placesRemaining: f.number.int({ min: featured && s === 1 ? 1 : 0, max: placesTotal }),
          registrationAddress: provider.address,
          registrationPeriod: null,
          extras: [],
          stamps: NO_STAMPS,
        });
        start = addDays(start, f.number.int({ min: 30, max: 120 }));
      }
      sessions += list.length;
      const funders: LheoFunder[] = seeded
        ? [{ code: formationIndex === 1 ? '2' : '4', places: formationIndex === 1 ? 12 : 10, extras: [] }]
        : f.helpers
            .arrayElements(
              FUNDER_MIX.flatMap((m) => Array(m.weight).fill(m.code) as string[]),
              f.helpers.weightedArrayElement([
                { value: 1, weight: 70 },
                { value: 2, weight: 30 },
              ]),
            )
            .filter((code, i, arr) => arr.indexOf(code) === i)
            .map((code) => ({ code, places: f.number.int({ min: 4, max: 16 }), extras: [] }));
      const pricePerHour = f.number.int({ min: 9, max: 18 });
      actions.push({
        number: `${prefix}-A${formationIndex}-${a}`,
        rhythm: f.helpers.arrayElement(RHYTHMS),
        // Chosen without a draw, so that the seeded catalogue (and the tests built on it) stays the same.
        publicCodes: [PUBLIC_CODES[(formationIndex + a) % PUBLIC_CODES.length]!],
        publicInfo: f.helpers.arrayElements(PUBLICS, { min: 1, max: 3 }).join(', '),
        entryLevelRequired: diploma.level !== '0' && f.datatype.boolean(0.3),
        alternance: hoursCompany > 0 ? `Stage en entreprise de ${hoursCompany} heures` : 'Sans alternance',
        teachingMode: f.helpers.weightedArrayElement([
          { value: '0', weight: 75 },
          { value: '1', weight: 20 },
          { value: '2', weight: 5 },
        ]),
        specificConditions: f.helpers.arrayElement([
          'Information collective et entretien individuel',
          'Tests de positionnement puis entretien',
          'Projet professionnel validé par un conseiller',
        ]),
        fundingPossible: true,
        place: {
          ...addressIn(commune),
          name: `${provider.name} — site de ${commune.name}`,
          phone: null,
          email: null,
          web: null,
        },
        entriesExits: diploma.prefix === 'Remise à niveau et découverte du métier' ? '1' : '0',
        url: null,
        sessions: list,
        informationAddress: null,
        disabilityAccess: 'Locaux accessibles aux personnes à mobilité réduite ; référent handicap sur place',
        recruitmentTerms:
          'Inscription auprès de votre conseiller France Travail, Mission locale ou Cap emploi',
        priceHourly: pricePerHour,
        priceTotal: pricePerHour * (hoursTotal - hoursCompany),
        hoursCentre: hoursTotal - hoursCompany,
        hoursCompany,
        languages: ['FR'],
        recruitmentArea: '3',
        recruitmentAreaInfo: null,
        indicativeDuration: null,
        hoursTotal: hoursTotal,
        contracted: null,
        contractedHours: null,
        trainers: [],
        funders,
        extras: [],
        stamps: NO_STAMPS,
      });
    }
    const title = `${diploma.prefix} — ${job}`;
    yield {
      number: `${prefix}-F${formationIndex}`,
      formacodes: [],
      mainFormacode: null,
      nsfCodes: [],
      romeCodes: [appellation.rome],
      title: title.length > 255 ? title.slice(0, 255) : title,
      objective: `Acquérir les compétences du métier de ${lowerFirst(job)} et ${diploma.certifying ? `obtenir le ${lowerFirst(diploma.prefix)}` : 'préparer une entrée en emploi ou en formation qualifiante'}.`,
      expectedResults: diploma.certifying
        ? `Certification ${diploma.prefix} visée ; insertion dans un emploi de ${lowerFirst(job)}.`
        : `Projet professionnel validé et accès à l’emploi de ${lowerFirst(job)}.`,
      content: [
        `Les gestes professionnels du métier de ${lowerFirst(job)}`,
        'Santé et sécurité au travail',
        'Communication professionnelle et travail en équipe',
        f.helpers.arrayElement([
          'Outils numériques',
          'Relation client',
          'Qualité et réglementation',
          'Savoirs de base',
        ]),
        hoursCompany ? 'Période de formation en entreprise' : 'Techniques de recherche d’emploi',
      ].join(' ; '),
      certifying: diploma.certifying,
      contact: person(f.phone.number({ style: 'national' }), null),
      courseType: f.helpers.arrayElement(['1', '1', '2', '4']),
      entryLevel: diploma.level,
      rncpCode: diploma.certifying ? String(f.number.int({ min: 30000, max: 39999 })) : null,
      rsCode: null,
      certifinfoCode: null,
      generalObjective: diploma.certifying ? '6' : '8',
      exitLevel: diploma.certifying ? diploma.level : null,
      url: null,
      actions,
      provider,
      extras: [],
      stamps: NO_STAMPS,
    };
  }
}
