import type { Db } from './db/database.js';
import { DEMO_LOGINS } from './modules/identity/demo.js';
import { modules } from './modules/index.js';
import type { DemoContext } from './modules/module.js';

export const DEMO_SEED = 2026;
export const DEMO_REGION_CODE = '84'; // Auvergne-Rhône-Alpes
export const DEMO_PASSWORD = 'Passerelle-Demo-2026!';

/**
 * Seeds the demo region into an empty database: each module's demo in dependency order (partners
 * first, then their training offer…). Returns false when the database held data already.
 */
export async function seedDemoRegion(
  db: Db,
  log: (line: string) => void = console.log,
  today = new Date().toISOString().slice(0, 10),
): Promise<boolean> {
  const ctx: DemoContext = {
    db,
    log,
    seed: DEMO_SEED,
    regionCode: DEMO_REGION_CODE,
    password: DEMO_PASSWORD,
    today,
  };
  for (const module of modules) if ((await module.demo?.(ctx)) === false) return false;
  return true;
}

export function demoLoginsText(): string {
  return [
    `Comptes de démonstration (mot de passe commun : ${DEMO_PASSWORD})`,
    ...DEMO_LOGINS.map((l) => `  • ${l.email.padEnd(42)} ${l.role}`),
  ].join('\n');
}
