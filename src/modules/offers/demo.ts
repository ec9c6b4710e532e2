import { Faker, fr } from '@faker-js/faker';
import type { DemoContext } from '../module.js';
import { referentialsRepository } from '../referentials/repository.js';
import { demoBoardFeed } from './demo-feed.js';
import { type DemoOffer, offerDemoRepository } from './demo-repository.js';
import { generateOffers } from './generator.js';
import { importRunRepository } from './import-run-repository.js';
import { importOffers, PLATFORM_IMPORT } from './importer.js';

export const DEMO_OFFERS = 3000;
/** Records of the demo's imported job board feed: enough for a report of a few pages' worth. */
export const DEMO_FEED_RECORDS = 120;
/** The demo feed's source, owned by the demo's France Travail agency (its importer sees the report). */
export const DEMO_FEED_SOURCE = 'emploi-ara';

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
    referentialsRepository(db).largestCommunes(regionCode, 300),
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

  // One past import, so that the import pages show a report to the demo's France Travail
  // administrator: a regional job board's feed with its rejections and warnings (demo-feed.ts).
  const ft = await repo.franceTravail();
  const runs = importRunRepository(db);
  await runs.createSource({ name: DEMO_FEED_SOURCE, organisationId: ft?.id ?? null });
  const lines = demoBoardFeed(f, DEMO_FEED_RECORDS, { communes, appellations, skills });
  const run = await importOffers(
    db,
    (async function* () {
      for (const line of lines) yield `${line}\n`;
    })(),
    {
      source: DEMO_FEED_SOURCE,
      // No ISO date in the name: pages show file names as they are, and dates in French (typography test).
      fileName: 'offres-emploi-ara-novembre.ndjson',
      full: false,
      actor: { ...PLATFORM_IMPORT, label: 'Démonstration', organisationId: ft?.id ?? null },
    },
  );
  await runs.annotate(run.importId, { organisationId: ft?.id ?? null, warnings: run.warnings, held: null });
  log(
    `Démonstration : un import de ${run.records} offres (${run.rejected} rejets, ${run.warnings} avertissements).`,
  );
  return true;
}
