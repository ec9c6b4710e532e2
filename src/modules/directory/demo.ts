import type { DemoContext } from '../module.js';
import { directoryDemoRepository } from './demo-repository.js';
import { generateDirectory } from './generator.js';
import { recordsRepository } from './records-repository.js';

/** Services of the demo directory (issue 13 §6: « ~300 services across thématiques »). */
export const DEMO_SERVICES = 300;
/**
 * Communes the demo's structures are placed in: towns of 2,000 inhabitants or more (the region's
 * ~600 of ~4,000), where partners have offices.
 */
const DEMO_MIN_POPULATION = 2000;

/**
 * The demo region's directory: a structure for each of its organisations (the Mission locale, the
 * ACI, France Travail of the demo logins among them), the region's other partners (CCAS of the big
 * towns, CAF, CIDFF, food banks, mobility platforms…) and ≈ 300 services, drawn by the generator
 * (seeded: the same on every machine) and written through the records repository, as an import
 * would, in one transaction. Returns false when the directory already holds records.
 */
export async function seedDemoDirectory({ db, log, seed, regionCode, today }: DemoContext): Promise<boolean> {
  const demo = directoryDemoRepository(db);
  if (await demo.hasDirectory()) return false;
  const [organisations, communes] = await Promise.all([
    demo.organisations(),
    demo.communes(regionCode, DEMO_MIN_POPULATION),
  ]);
  if (!communes.length) return true;
  const directory = generateDirectory({
    seed: seed + 13,
    today,
    communes,
    organisations,
    services: DEMO_SERVICES,
  });
  const records = recordsRepository(db);
  // Generated records are valid against the schema (generator.test.ts checks 5,000): no check here.
  await db.transaction().execute(async (tx) => {
    const uuids = new Map<string, string>();
    for (const s of directory.structures)
      uuids.set(s.record.id, (await records.writeStructure(tx, s.record, s.organisationId)).uuid);
    for (const v of directory.services) await records.writeService(tx, v, uuids.get(v.structure_id)!);
  });
  log(
    `Démonstration : annuaire de ${directory.structures.length} structures et ${directory.services.length} services.`,
  );
  return true;
}
