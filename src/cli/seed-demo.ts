import { prepareDatabase } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { demoLoginsText, seedDemoRegion } from '../demo.js';

const handle = await prepareDatabase(loadConfig()).catch(exitOnDataDirLocked);
try {
  if (await seedDemoRegion(handle.db)) console.log(demoLoginsText());
  else console.log('La base contient déjà des organisations : rien n’a été ajouté.');
} finally {
  await handle.close();
}
