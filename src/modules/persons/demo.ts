import { Faker, fr } from '@faker-js/faker';
import type { DemoContext } from '../module.js';
import { referentialsRepository } from '../referentials/repository.js';
import { demoRepository } from './demo-repository.js';
import type { PersonValues } from './repository.js';
import {
  BARRIERS,
  CONTRACT_TYPES,
  EDUCATION_LEVELS,
  MOBILITY_MEANS,
  nameKey,
  REGISTERED_CATEGORIES,
  SITUATIONS,
  WORKING_TIMES,
} from './rules.js';

export const DEMO_PERSONS = 2000;
/** One file in ten is shared with another organisation (an orientation's usual share, roughly). */
const SHARED_SHARE = 0.1;

const keysOf = <T extends object>(o: T) => Object.keys(o) as (keyof T & string)[];

/**
 * The demo's job seekers: ~2,000 files over the region's communes and ROME appellations, held by
 * its France Travail agencies, Missions locales and Cap emploi (young people at the Missions
 * locales, RQTH at Cap emploi), some shared. Seeded (ctx.seed): the same people on every machine.
 * Batched inserts: about a second on PGlite.
 */
export async function seedDemoPersons({ db, log, seed, regionCode, today }: DemoContext): Promise<boolean> {
  const repo = demoRepository(db);
  if (await repo.hasPersons()) return false;
  const [holders, communes, appellations] = await Promise.all([
    repo.holders(),
    referentialsRepository(db).largestCommunes(regionCode, 300),
    repo.appellations(),
  ]);
  if (!holders.length || !communes.length || !appellations.length) return true;
  const f = new Faker({ locale: [fr] });
  f.seed(seed + 10);
  const year = Number(today.slice(0, 4));
  const date = (from: number, to: number) =>
    f.date
      .between({ from: `${from}-01-01`, to: `${to}-12-31` })
      .toISOString()
      .slice(0, 10);
  const rows: (PersonValues & { referent_organisation_id: string; created_by: null })[] = [];
  const shares: { index: number; organisationId: string; consentOn: string }[] = [];
  for (let i = 0; i < DEMO_PERSONS; i++) {
    const holder = holders[i % holders.length]!;
    const young = holder.kind === 'mission_locale';
    const sex = f.person.sexType();
    const firstName = f.person.firstName(sex);
    const lastName = f.person.lastName();
    const birth = young ? date(year - 25, year - 16) : date(year - 62, year - 20);
    const situations = f.helpers.arrayElements(keysOf(SITUATIONS), { min: 0, max: 2 });
    if (holder.kind === 'cap_emploi' && !situations.includes('rqth')) situations.push('rqth');
    const informed = date(year - 2, year - 1);
    const wanted = f.helpers.arrayElements(appellations, { min: 1, max: 3 });
    const past = f.helpers.arrayElements(appellations, { min: 0, max: 2 });
    rows.push({
      referent_organisation_id: holder.id,
      created_by: null,
      civility: sex === 'female' ? 'madame' : 'monsieur',
      last_name: lastName,
      first_name: firstName,
      name_key: nameKey(lastName, firstName),
      birth_date: birth,
      email: f.datatype.boolean(0.7)
        ? f.internet.email({ firstName, lastName, provider: 'exemple.fr' }).toLowerCase()
        : null,
      phone: f.datatype.boolean(0.8)
        ? `06 ${f.string.numeric(2)} ${f.string.numeric(2)} ${f.string.numeric(2)} ${f.string.numeric(2)}`
        : null,
      france_travail_id:
        holder.kind === 'france_travail' || f.datatype.boolean(0.5)
          ? `${f.string.numeric(7)}${f.string.alpha({ length: 1, casing: 'upper' })}`
          : null,
      commune_code: f.helpers.arrayElement(communes),
      registered_category: f.datatype.boolean(0.8)
        ? f.helpers.arrayElement(keysOf(REGISTERED_CATEGORIES))
        : null,
      situations,
      education_level: f.helpers.arrayElement(keysOf(EDUCATION_LEVELS)),
      driving_licences: f.datatype.boolean(0.6) ? ['B'] : [],
      has_vehicle: f.datatype.boolean(0.5),
      mobility_radius_km: f.helpers.arrayElement([5, 10, 20, 30, 50]),
      mobility_means: f.helpers.arrayElements(keysOf(MOBILITY_MEANS), { min: 1, max: 2 }),
      available_from: f.datatype.boolean(0.7) ? date(year, year) : null,
      working_time: f.helpers.arrayElement(keysOf(WORKING_TIMES)),
      contract_types: f.helpers.arrayElements(keysOf(CONTRACT_TYPES), { min: 1, max: 3 }),
      wanted_jobs: wanted.map((a) => a.code),
      past_jobs: past.map((a) => ({ appellationCode: a.code, months: f.number.int({ min: 2, max: 96 }) })),
      // Two files in three declare skills, drawn from the core skills of their past and wanted jobs.
      skills: f.datatype.boolean(0.66)
        ? f.helpers.arrayElements([...new Set([...past, ...wanted].flatMap((a) => a.coreSkills))], {
            min: 1,
            max: 6,
          })
        : [],
      barriers: f.helpers.arrayElements(keysOf(BARRIERS), { min: 0, max: 2 }),
      notes: null,
      legal_basis: 'public_service',
      informed_on: informed,
      // Two persons in five chose, in their space, to be seen by employers without their name
      // (issue 10 §2): the employers' candidates (issue 11) show them. By index, not drawn, so
      // that the demo's other draws stay as they were.
      employer_visible: i % 5 < 2,
    });
    if (f.datatype.boolean(SHARED_SHARE)) {
      const other = f.helpers.arrayElement(holders.filter((h) => h.id !== holder.id));
      if (other) shares.push({ index: i, organisationId: other.id, consentOn: date(year - 1, year - 1) });
    }
  }
  await repo.insert(rows, shares);
  log(`Démonstration : ${rows.length} dossiers de personnes, ${shares.length} partagés.`);
  return true;
}
