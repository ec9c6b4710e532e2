/**
 * Benchmark data for the matching (issue 11 « Benchmarks »: 1,000,000 offers and 300,000 persons
 * spread over France, generated): published job offers and job seekers written straight to the
 * database by batched inserts (one statement per batch of a few thousand rows; the projections
 * match_offer / match_person / match_person_target fill themselves by the statement triggers of
 * migration 0020, one insert … select per batch).
 *
 * Offers come from the demo's own generator (offers/generator.ts generateOffers: contracts, hours,
 * salary, skills from the métier, experience, level, licences with its frequencies), then are all
 * published and placed on a commune drawn by population over France (the generator's square-root
 * draw over a region's largest communes would pile a national market on a few cities). Persons have
 * the demo's shape (persons/demo.ts) with the issue's spread: 1–3 wanted jobs, 0–3 past jobs with
 * months, 0–8 declared skills, a radius of 10–60 km or none, some contract preferences; their
 * referents are the demo's France Travail agencies, Missions locales and Cap emploi
 * (persons/demo-repository.ts holders), so `seed-demo` runs first.
 *
 * Seeded and resumable: each batch draws from its own seed (seed + its first index), offers carry
 * source `bench_matching` and source id `BM<index>`, persons the note `banc-matching:<index>`; a
 * second run counts what is there and adds only what is missing.
 */
import { Faker, fr } from '@faker-js/faker';
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { type PresetName, TERM_KEYS, type Weights } from '../src/modules/matching/rules.js';
import {
  byRank,
  type Match,
  matchOffer,
  type OfferFeatures,
  type PersonFeatures,
} from '../src/modules/matching/score.js';
import { offerDemoRepository } from '../src/modules/offers/demo-repository.js';
import { generateOffers } from '../src/modules/offers/generator.js';
import { demoRepository } from '../src/modules/persons/demo-repository.js';
import { CONTRACT_TYPES, EDUCATION_LEVELS, MOBILITY_MEANS, nameKey } from '../src/modules/persons/rules.js';

export const BENCH_SOURCE = 'bench_matching';
export const BENCH_NOTE = 'banc-matching:';

export interface MatchingDataOptions {
  offers: number;
  persons: number;
  /** ISO date the dates are drawn around (offers published in the 75 days before, persons available near it). */
  today: string;
  seed?: number;
  /** Only the communes of this region (tests: a dense small market); default all of France. */
  regionCode?: string;
  /**
   * Only this many métiers, linked by ROME 4.0 mobility (tests: every person has offers in a wanted,
   * past and close métier); default every appellation.
   */
  metiers?: number;
  offerBatch?: number;
  personBatch?: number;
  log?: (line: string) => void;
}

/** Draws an index with probability proportional to its weight (cumulative sums, binary search). */
function weightedIndex(cumulative: Float64Array, u: number) {
  const target = u * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Communes with their population, for a draw weighted by it. */
async function communes(db: Db, regionCode?: string) {
  const rows = await db
    .selectFrom('commune')
    .select(['code', 'population'])
    .where('kind', '=', 'commune')
    .where('population', '>', 0)
    .$if(regionCode !== undefined, (q) => q.where('region_code', '=', regionCode!))
    .orderBy('population', 'desc')
    .orderBy('code')
    .execute();
  const cumulative = new Float64Array(rows.length);
  let total = 0;
  rows.forEach((r, i) => {
    total += r.population ?? 0;
    cumulative[i] = total;
  });
  return { codes: rows.map((r) => r.code), cumulative };
}

/**
 * `count` métiers linked by mobility: breadth-first from the métier with the most mobility links,
 * so that a person wanting one of them has close métiers among the others.
 */
async function linkedMetiers(db: Db, count: number): Promise<Set<string>> {
  const { rows } = await sql<{ from_code: string; to_code: string }>`
    select from_code, to_code from rome_mobility order by from_code, rank, to_code`.execute(db);
  const links = new Map<string, string[]>();
  for (const r of rows) links.set(r.from_code, [...(links.get(r.from_code) ?? []), r.to_code]);
  const start = [...links].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  const chosen = new Set<string>();
  const queue = start ? [start] : [];
  while (queue.length && chosen.size < count) {
    const m = queue.shift()!;
    if (chosen.has(m)) continue;
    chosen.add(m);
    queue.push(...(links.get(m) ?? []));
  }
  return chosen;
}

async function count(db: Db, what: 'offers' | 'persons') {
  const { rows } =
    what === 'offers'
      ? await sql<{
          n: number;
        }>`select count(*)::int as n from job_offer where source = ${BENCH_SOURCE}`.execute(db)
      : await sql<{
          n: number;
        }>`select count(*)::int as n from person where notes like ${`${BENCH_NOTE}%`}`.execute(db);
  return rows[0]!.n;
}

const OFFER_COLUMNS = [
  'organisation_id',
  'source',
  'source_id',
  'state',
  'published_at',
  'expires_on',
  'appellation_code',
  'rome_code',
  'title',
  'description',
  'commune_code',
  'remote',
  'contract_type',
  'duration_months',
  'working_time',
  'weekly_hours',
  'salary_min_cents',
  'salary_max_cents',
  'positions',
  'start_date',
  'required_skills',
  'wished_skills',
  'driving_licences',
  'experience',
  'experience_months',
  'education_level',
  'accessible_disability',
  'employer_name',
  'employer_siret',
] as const;

const PERSON_COLUMNS = [
  'referent_organisation_id',
  'civility',
  'last_name',
  'first_name',
  'name_key',
  'birth_date',
  'email',
  'france_travail_id',
  'commune_code',
  'registered_category',
  'education_level',
  'driving_licences',
  'has_vehicle',
  'mobility_radius_km',
  'mobility_means',
  'available_from',
  'working_time',
  'contract_types',
  'wanted_jobs',
  'past_jobs',
  'skills',
  'notes',
  'legal_basis',
  'informed_on',
  'employer_visible',
] as const;

/**
 * One statement per batch, whatever its size: the rows travel as one JSON parameter
 * (jsonb_populate_recordset over the table's own row type), so no batch meets PostgreSQL's 65,535
 * parameters per statement (29 columns × 5,000 rows would).
 */
async function insertJson(db: Db, table: 'job_offer' | 'person', columns: readonly string[], rows: object[]) {
  const list = sql.raw(columns.join(', '));
  const conflict =
    table === 'job_offer' ? sql`on conflict (source, source_id) where source is not null do nothing` : sql``;
  await sql`insert into ${sql.table(table)} (${list})
    select ${list} from jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::jsonb)
    ${conflict}`.execute(db);
}

/** Generates what is missing of `options.offers` offers and `options.persons` persons; returns the counts. */
export async function generateMatchingData(db: Db, options: MatchingDataOptions) {
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? 2026;
  const offerBatch = options.offerBatch ?? 5000;
  const personBatch = options.personBatch ?? 2000;
  const started = performance.now();
  const place = await communes(db, options.regionCode);
  if (!place.codes.length) throw new Error('aucune commune : charger les référentiels d’abord');
  const offersRepo = offerDemoRepository(db);
  const [holders, publishers, allAppellations, skills] = await Promise.all([
    demoRepository(db).holders(),
    offersRepo.publishers(),
    offersRepo.appellations(),
    offersRepo.metierSkills(),
  ]);
  if (!holders.length) throw new Error('aucune organisation référente : lancer seed-demo d’abord');
  const pool = options.metiers ? await linkedMetiers(db, options.metiers) : null;
  const appellations = allAppellations.filter((a) => a.metier_code && (!pool || pool.has(a.metier_code)));
  const byMetier = new Map<string, typeof appellations>();
  for (const a of appellations) byMetier.set(a.metier_code!, [...(byMetier.get(a.metier_code!) ?? []), a]);
  const drawCommune = (f: Faker) =>
    place.codes[weightedIndex(place.cumulative, f.number.float({ min: 0, max: 1 }))]!;

  // Offers: the demo generator's rows, all published, placed by population, 2 % remote.
  const offersThere = await count(db, 'offers');
  let offersDone = offersThere;
  for (
    let from = Math.floor(offersThere / offerBatch) * offerBatch;
    from < options.offers;
    from += offerBatch
  ) {
    const n = Math.min(offerBatch, options.offers - from);
    const f = new Faker({ locale: [fr] });
    f.seed(seed + from);
    const { rows } = generateOffers(f, n, {
      publishers,
      communes: place.codes,
      appellations,
      skills,
      today: options.today,
    });
    const batch = rows.map((r, j) => {
      const published = addDays(options.today, -f.number.int({ min: 1, max: 75 }));
      return {
        ...r,
        source: BENCH_SOURCE,
        source_id: `BM${from + j}`,
        // All published (the generator's mix of states is the demo's): the bench measures the matching over live offers.
        state: 'published',
        published_at: `${published}T08:00:00Z`,
        expires_on: addDays(published, 60),
        commune_code: drawCommune(f),
        remote: f.datatype.boolean(0.02),
      };
    });
    await insertJson(db, 'job_offer', OFFER_COLUMNS, batch);
    offersDone = from + n;
    log(
      `  offres ${offersDone.toLocaleString('fr-FR')} / ${options.offers.toLocaleString('fr-FR')} (${seconds(started)} s)`,
    );
  }

  // Persons: the demo's shape, the issue's spread.
  const personsThere = await count(db, 'persons');
  let personsDone = personsThere;
  const names = new Faker({ locale: [fr] });
  names.seed(seed);
  const lastNames = Array.from({ length: 3000 }, () => names.person.lastName());
  const firstNames = {
    female: Array.from({ length: 500 }, () => names.person.firstName('female')),
    male: Array.from({ length: 500 }, () => names.person.firstName('male')),
  };
  const levels = Object.keys(EDUCATION_LEVELS);
  const contracts = Object.keys(CONTRACT_TYPES) as (keyof typeof CONTRACT_TYPES)[];
  const year = Number(options.today.slice(0, 4));
  for (let from = personsThere; from < options.persons; from += personBatch) {
    const n = Math.min(personBatch, options.persons - from);
    const f = new Faker({ locale: [fr] });
    f.seed(seed + 1_000_003 + from);
    const rows = Array.from({ length: n }, (_, j) => {
      const i = from + j;
      const sex = f.datatype.boolean() ? ('female' as const) : ('male' as const);
      const lastName = f.helpers.arrayElement(lastNames);
      const firstName = f.helpers.arrayElement(firstNames[sex]);
      const wanted = f.helpers.arrayElements(appellations, { min: 1, max: 3 });
      // Half of past jobs are in the métier of a wanted job (a person looks for what they did).
      const past = Array.from(
        {
          length: f.helpers.weightedArrayElement([
            { weight: 30, value: 0 },
            { weight: 35, value: 1 },
            { weight: 25, value: 2 },
            { weight: 10, value: 3 },
          ]),
        },
        () => {
          const same = byMetier.get(f.helpers.arrayElement(wanted).metier_code!);
          return f.datatype.boolean(0.5) && same
            ? f.helpers.arrayElement(same)
            : f.helpers.arrayElement(appellations);
        },
      );
      const known = [
        ...new Set(
          [...wanted, ...past].flatMap((a) => {
            const s = skills.get(a.metier_code!);
            return s ? [...s.core, ...s.other.slice(0, 5)] : [];
          }),
        ),
      ];
      const licences = f.helpers.weightedArrayElement([
        { weight: 30, value: [] as string[] },
        { weight: 55, value: ['B'] },
        { weight: 5, value: ['AM'] },
        { weight: 6, value: ['B', 'C', 'CE'] },
        { weight: 4, value: ['B', 'D'] },
      ]);
      return {
        referent_organisation_id: holders[i % holders.length]!.id,
        civility: sex === 'female' ? 'madame' : 'monsieur',
        last_name: lastName,
        first_name: firstName,
        name_key: nameKey(lastName, firstName),
        birth_date: addDays(`${year - 62}-01-01`, f.number.int({ min: 0, max: 46 * 365 })),
        email: f.datatype.boolean(0.7) ? `bm${i}@exemple.fr` : null,
        france_travail_id: f.datatype.boolean(0.6)
          ? `${String(i).padStart(7, '0')}${f.string.alpha({ length: 1, casing: 'upper' })}`
          : null,
        commune_code: drawCommune(f),
        registered_category: f.helpers.arrayElement(['A', 'A', 'A', 'B', 'C', null]),
        education_level: f.datatype.boolean(0.95) ? f.helpers.arrayElement(levels) : null,
        driving_licences: licences,
        has_vehicle: licences.length > 0 && f.datatype.boolean(0.75),
        // A radius of 10 to 60 km by fives; one file in five has none (matched at DEFAULT_RADIUS_KM).
        mobility_radius_km: f.datatype.boolean(0.2) ? null : 5 * f.number.int({ min: 2, max: 12 }),
        mobility_means: f.helpers.arrayElements(Object.keys(MOBILITY_MEANS), { min: 1, max: 2 }),
        available_from: f.datatype.boolean(0.6)
          ? null
          : addDays(options.today, f.number.int({ min: -60, max: 90 })),
        working_time: f.helpers.weightedArrayElement([
          { weight: 45, value: 'full_time' },
          { weight: 15, value: 'part_time' },
          { weight: 30, value: 'any' },
          { weight: 10, value: null },
        ]),
        // Two files in five state no contract preference (any contract).
        contract_types: f.datatype.boolean(0.4) ? [] : f.helpers.arrayElements(contracts, { min: 1, max: 3 }),
        wanted_jobs: wanted.map((a) => a.code),
        past_jobs: past.map((a) => ({ appellationCode: a.code, months: f.number.int({ min: 2, max: 120 }) })),
        skills: known.length
          ? f.helpers.arrayElements(known, { min: 0, max: Math.min(8, known.length) })
          : [],
        notes: `${BENCH_NOTE}${i}`,
        legal_basis: 'public_service',
        informed_on: addDays(options.today, -f.number.int({ min: 1, max: 700 })),
        employer_visible: f.datatype.boolean(0.4),
      };
    });
    await insertJson(db, 'person', PERSON_COLUMNS, rows);
    personsDone = from + n;
    log(
      `  personnes ${personsDone.toLocaleString('fr-FR')} / ${options.persons.toLocaleString('fr-FR')} (${seconds(started)} s)`,
    );
  }
  for (const table of ['job_offer', 'person', 'match_offer', 'match_person', 'match_person_target'])
    await sql`analyze ${sql.table(table)}`.execute(db);
  return {
    offers: offersDone,
    persons: personsDone,
    offersAdded: offersDone - offersThere,
    personsAdded: personsDone - personsThere,
    generatedSeconds: seconds(started),
  };
}

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

/** What the brute-force scorer reads from the repository (matching/repository.ts). */
export interface OfferSource {
  allOffers(): AsyncIterable<OfferFeatures[]>;
  tensions(): Promise<Map<string, { offers: number; seekers: number }>>;
}

/** Every offer's features, loaded once (the brute force's whole market in memory). */
export async function loadOffers(source: OfferSource) {
  const offers: OfferFeatures[] = [];
  for await (const batch of source.allOffers()) for (const o of batch) offers.push(o);
  return { offers, tensions: await source.tensions() };
}

/**
 * The brute-force top: every offer scored in process by score.ts matchOffer (the reference of the
 * SQL), sorted by byRank, the first `limit` kept.
 */
export function bruteForceTop(
  person: PersonFeatures,
  market: Awaited<ReturnType<typeof loadOffers>>,
  preset: PresetName,
  weights: Weights,
  today: string,
  limit: number,
): Match[] {
  const found: Match[] = [];
  for (const offer of market.offers) {
    const tension =
      offer.zoneCode === null ? undefined : market.tensions.get(`${offer.zoneCode}|${offer.metierCode}`);
    const match = matchOffer(person, offer, preset, weights, today, tension);
    if (match) found.push(match);
  }
  return found.sort(byRank).slice(0, limit);
}

/**
 * Where the database's ranking and the brute force's part, position by position: a different
 * offer, a different score, or a term whose values differ (by more than 1e-9: the SQL computes in
 * double precision too, the score is rounded to 6 digits by both). Empty: identical.
 */
export function rankingDifferences(database: readonly Match[], brute: readonly Match[]) {
  const differences: string[] = [];
  if (database.length !== brute.length)
    differences.push(`${database.length} suggestions en SQL, ${brute.length} par force brute`);
  for (let i = 0; i < Math.min(database.length, brute.length); i++) {
    const d = database[i]!;
    const b = brute[i]!;
    if (d.offerId !== b.offerId) {
      const elsewhere = brute.find((m) => m.offerId === d.offerId);
      differences.push(
        `rang ${i + 1} : offre ${d.offerId} (SQL, ${d.score}) au lieu de ${b.offerId} (force brute, ${b.score})` +
          (elsewhere ? `, que la force brute note ${elsewhere.score}` : ', absente de la force brute'),
      );
      break;
    }
    if (d.score !== b.score)
      differences.push(`rang ${i + 1}, offre ${d.offerId} : score ${d.score} ≠ ${b.score}`);
    for (const term of TERM_KEYS) {
      const x = d.terms[term];
      const y = b.terms[term];
      if (x === null || y === null ? x !== y : Math.abs(x - y) > 1e-9)
        differences.push(`rang ${i + 1}, offre ${d.offerId}, terme ${term} : SQL ${x}, force brute ${y}`);
    }
  }
  return differences;
}
