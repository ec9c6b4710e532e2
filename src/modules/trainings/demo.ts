import type { DemoContext } from '../module.js';
import { feedBytes, feedInputs } from './feed.js';
import { importLheo } from './importer.js';
import { PLATFORM } from './rights.js';

export const DEMO_SESSIONS = 2000;

/**
 * The trades the search page's hint suggests, each offered in the region's biggest towns (a
 * counsellor trying the hint must find trainings near Lyon, Saint-Étienne, Grenoble…), whatever
 * the seeded draw gave. Each is the start of a ROME appellation label.
 */
export const DEMO_FEATURED_TRADES = [
  'aide-soignant',
  'cariste',
  'électricien / électricienne bâtiment',
  'soudeur',
];
export const DEMO_FEATURED_TOWNS = 6;

/**
 * The demo catalogue: a generated LHÉO feed (~2,000 sessions) published by the demo's training
 * organisations, imported through the real importer, as the Carif-Oref feed would be.
 */
export async function seedDemoCatalogue({ db, log, regionCode, seed, today }: DemoContext): Promise<boolean> {
  const inputs = await feedInputs(db, regionCode);
  const options = {
    seed,
    sessions: DEMO_SESSIONS,
    appellations: inputs.appellations,
    communes: inputs.communes,
    providers: inputs.providers,
    today,
    numberPrefix: 'DEMO',
    seededOverlap: true,
    featured: { trades: DEMO_FEATURED_TRADES, towns: DEMO_FEATURED_TOWNS },
  };
  const outcome = await importLheo(db, {
    source: 'carif-oref-demo',
    mode: 'full',
    fileName: 'flux-demo.xml',
    sizeBytes: 0,
    open: () => feedBytes(options),
    maxBytes: Number.MAX_SAFE_INTEGER,
    // The demo's Carif-Oref feed: declared by the platform, as the import CLI declares one.
    by: PLATFORM,
  });
  log(
    `Offre de formation de démonstration : ${outcome.counts.created} formations, ${outcome.counts.actions} actions, ${outcome.counts.sessions} sessions.`,
  );
  return true;
}
