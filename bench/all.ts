/**
 * npm run bench [-- module…] — runs the benchmarks each module declares (its `bench` in
 * the module.ts of each module), in module order, each in its own process; with module names, only those.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { modules } from '../src/modules/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const unknown = only.filter((name) => !modules.some((m) => m.name === name));
if (unknown.length) {
  console.error(
    `Module inconnu : ${unknown.join(', ')}. Modules : ${modules.map((m) => m.name).join(', ')}.`,
  );
  process.exit(2);
}
for (const module of modules) {
  if (only.length && !only.includes(module.name)) continue;
  for (const bench of module.bench ?? []) {
    console.log(`\n### ${module.name} — ${bench.measures} (${bench.script})`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, bench.script)], {
      stdio: 'inherit',
      cwd: ROOT,
    });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}
