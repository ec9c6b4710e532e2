import { buildApp } from './app.js';
import { prepareDatabase } from './bootstrap.js';
import { loadConfig } from './config.js';
import { exitOnDataDirLocked } from './db/data-dir-lock.js';
import { demoLoginsText } from './demo.js';
import { createMailer } from './shared/mailer.js';
import { purgeUploads } from './shared/uploads.js';

const config = loadConfig();
const where =
  config.database.engine === 'pglite'
    ? `PGlite embarqué (${config.database.dataDir})`
    : 'PostgreSQL (DATABASE_URL)';
console.log(`Passerelle — base : ${where}`);
const handle = await prepareDatabase(config, { seedDemo: config.seedDemo }).catch(exitOnDataDirLocked);
// An upload lives as long as its request: what the directory holds now, a killed process left.
await purgeUploads(config.uploadDir);
const app = await buildApp({
  config,
  db: handle.db,
  mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }),
});

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info(`${signal} reçu : arrêt propre (requêtes en cours terminées, base fermée).`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  try {
    await app.close();
    // A client that hung up leaves its handler running after the server has closed: give such
    // handlers a moment to finish their last query before the database goes away.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await handle.close();
    process.exit(0);
  } catch (error) {
    app.log.error(error);
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ port: config.port, host: config.host });
if (config.seedDemo) console.log(demoLoginsText());
console.log(`Passerelle est prête : ${config.publicUrl}`);
