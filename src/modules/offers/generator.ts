import type { Faker } from '@faker-js/faker';
import type { DemoOffer } from './demo-repository.js';
import { CONTRACT_TYPES, type OfferState } from './rules.js';

export interface GeneratorSources {
  publishers: { id: string; name: string; siret: string | null }[];
  communes: string[];
  appellations: {
    code: string;
    label: string;
    rome_code: string;
    metier_code: string | null;
    trained: boolean;
  }[];
  skills: Map<string, { core: string[]; other: string[] }>;
  today: string;
}

/** Share of offers in a trade the catalogue trains for (the rest drawn over all trades). */
const TRAINED_SHARE = 1 / 3;
/** Share of offers posted by the region's organisations (the rest as imported from France Travail). */
const OWN_SHARE = 0.2;
/** States of the demo's offers, as a market seen on one day: most published, some done. */
const STATES: { weight: number; value: OfferState }[] = [
  { weight: 75, value: 'published' },
  { weight: 10, value: 'filled' },
  { weight: 8, value: 'closed' },
  { weight: 5, value: 'expired' },
  { weight: 2, value: 'draft' },
];
const CONTRACTS: { weight: number; value: keyof typeof CONTRACT_TYPES }[] = [
  { weight: 40, value: 'CDI' },
  { weight: 28, value: 'CDD' },
  { weight: 14, value: 'MIS' },
  { weight: 6, value: 'SAI' },
  { weight: 5, value: 'APP' },
  { weight: 3, value: 'PRO' },
  { weight: 4, value: 'CDDI' },
];
/** SMIC brut mensuel, 35 h (1 823,03 € au 1er janvier 2025). */
const SMIC_CENTS = 1_823_03;

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Realistic job offers at any size, seeded: the demo (3,000) and the import benchmark (a generated
 * feed) draw from it. Each offer's skills are its métier's ROME 4.0 core skills (required) and
 * others (wished), its salary around the SMIC, its place a commune weighted by population.
 */
export function generateOffers(f: Faker, count: number, s: GeneratorSources) {
  const trained = s.appellations.filter((a) => a.trained);
  const rows: DemoOffer[] = [];
  const previous: (OfferState | null)[] = [];
  // The first communes are the most populated: a square root draw favours them.
  const commune = () => s.communes[Math.floor(s.communes.length * f.number.float({ min: 0, max: 1 }) ** 2)]!;
  for (let i = 0; i < count; i++) {
    const a = f.helpers.arrayElement(
      trained.length && f.datatype.boolean(TRAINED_SHARE) ? trained : s.appellations,
    );
    const own = s.publishers.length > 0 && f.datatype.boolean(OWN_SHARE);
    const publisher = own ? f.helpers.arrayElement(s.publishers) : null;
    let state = f.helpers.weightedArrayElement(STATES);
    if (!own && state === 'draft') state = 'published';
    const contract =
      publisher?.name && /insertion|chantier|ACI|AI\b/i.test(publisher.name) && f.datatype.boolean(0.6)
        ? 'CDDI'
        : f.helpers.weightedArrayElement(CONTRACTS);
    const partTime = contract === 'CDDI' || f.datatype.boolean(0.2);
    const hours = partTime ? f.helpers.arrayElement([20, 24, 26, 28, 30]) : 35;
    const min = Math.round((SMIC_CENTS * hours) / 35 + f.number.int({ min: 0, max: 1_200_00 }));
    const metier = a.metier_code ? s.skills.get(a.metier_code) : undefined;
    const published = addDays(s.today, -f.number.int({ min: 1, max: 75 }));
    const experience = f.helpers.weightedArrayElement([
      { weight: 45, value: 'D' as const },
      { weight: 35, value: 'S' as const },
      { weight: 20, value: 'E' as const },
    ]);
    rows.push({
      organisation_id: publisher?.id ?? null,
      source: own ? null : 'france_travail',
      source_id: own ? null : `DEMO${String(i).padStart(6, '0')}`,
      state,
      published_at: state === 'draft' ? null : `${published}T08:00:00Z`,
      expires_on: state === 'draft' ? null : addDays(published, 60),
      appellation_code: a.code,
      rome_code: a.rome_code,
      title: `${a.label.split(' / ')[0]} H/F`,
      description: `${f.helpers.arrayElement([
        'Rattaché(e) au responsable d’équipe, vous',
        'Au sein d’une équipe de 10 personnes, vous',
        'Vous rejoignez une structure locale et',
      ])} exercez le métier de ${a.label.toLowerCase()}. ${f.helpers.arrayElement([
        'Formation assurée en interne.',
        'Poste à pourvoir rapidement.',
        'Horaires réguliers, week-ends libres.',
        'Travail en équipe, tenue fournie.',
      ])}`,
      commune_code: commune(),
      remote: false,
      contract_type: contract,
      duration_months: CONTRACT_TYPES[contract].hasDuration
        ? f.helpers.arrayElement([1, 3, 6, 12, 24])
        : null,
      working_time: partTime ? 'part_time' : 'full_time',
      weekly_hours: hours,
      salary_min_cents: min,
      salary_max_cents: min + f.number.int({ min: 0, max: 6_00_00 }),
      positions: f.helpers.weightedArrayElement([
        { weight: 80, value: 1 },
        { weight: 15, value: 2 },
        { weight: 5, value: f.number.int({ min: 3, max: 10 }) },
      ]),
      start_date: f.datatype.boolean(0.5) ? addDays(s.today, f.number.int({ min: 0, max: 60 })) : null,
      required_skills: metier ? f.helpers.arrayElements(metier.core, { min: 0, max: 3 }) : [],
      wished_skills: metier ? f.helpers.arrayElements(metier.other, { min: 0, max: 2 }) : [],
      driving_licences: f.datatype.boolean(0.3) ? ['B'] : [],
      experience,
      experience_months: experience === 'D' ? null : f.helpers.arrayElement([6, 12, 24, 36]),
      education_level: f.datatype.boolean(0.4) ? f.helpers.arrayElement(['3', '4', '5']) : null,
      accessible_disability: f.datatype.boolean(0.25),
      employer_name: publisher ? null : f.company.name(),
      employer_siret: publisher ? null : f.string.numeric(14),
    });
    previous.push(state === 'filled' || state === 'closed' || state === 'expired' ? 'published' : null);
  }
  return { rows, previous };
}
