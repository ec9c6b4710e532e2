import { Faker, fr } from '@faker-js/faker';
import type { DemoContext } from '../module.js';
import { type DemoOffer, offerDemoRepository } from './demo-repository.js';
import { generateOffers } from './generator.js';

export const DEMO_OFFERS = 3000;

/**
 * The demo's job offers: ~3,000 over the region's communes and ROME trades, one in five posted by
 * the region's employers and SIAE, the others as imported from France Travail (source
 * `france_travail`); a third in trades the catalogue trains for, so that a training leads to
 * offers. Seeded (ctx.seed): the same offers on every machine. Batched inserts.
 */
export async function seedDemoOffers({ db, log, seed, regionCode, today }: DemoContext): Promise<boolean> {
  const repo = offerDemoRepository(db);
  if (await repo.hasOffers()) return false;
  const [publishers, communes, appellations, skills] = await Promise.all([
    repo.publishers(),
    repo.communes(regionCode),
    repo.appellations(),
    repo.metierSkills(),
  ]);
  if (!communes.length || !appellations.length) return true;
  const f = new Faker({ locale: [fr] });
  f.seed(seed + 20);
  const { rows, previous } = generateOffers(f, DEMO_OFFERS, {
    publishers,
    communes,
    appellations,
    skills,
    today,
  });
  await repo.insert(rows as DemoOffer[], previous);
  log(`Démonstration : ${rows.length} offres d’emploi.`);
  return true;
}
