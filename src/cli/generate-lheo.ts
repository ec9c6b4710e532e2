import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { prepareDatabase } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { DEMO_REGION_CODE } from '../demo.js';
import { feedBytes, feedInputs } from '../modules/trainings/feed.js';

// npm run generate:lheo -- --sessions 200000 --out flux.xml [--seed 7] [--today 2026-11-23]
const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '2000' },
    out: { type: 'string', default: 'flux-lheo.xml' },
    seed: { type: 'string', default: '2026' },
    today: { type: 'string', default: new Date().toISOString().slice(0, 10) },
    region: { type: 'string', default: DEMO_REGION_CODE },
    'demo-providers': { type: 'boolean', default: false },
  },
});
const handle = await prepareDatabase(loadConfig(), { log: () => {} }).catch(exitOnDataDirLocked);
try {
  const inputs = await feedInputs(handle.db, values.region);
  await pipeline(
    Readable.from(
      feedBytes({
        seed: Number(values.seed),
        sessions: Number(values.sessions),
        appellations: inputs.appellations,
        communes: inputs.communes,
        ...(values['demo-providers'] && inputs.providers.length ? { providers: inputs.providers } : {}),
        today: values.today,
      }),
    ),
    createWriteStream(values.out),
  );
  console.log(`Flux LHÉO écrit dans ${values.out} (${values.sessions} sessions, graine ${values.seed}).`);
} finally {
  await handle.close();
}
