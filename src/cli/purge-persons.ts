import { prepareDatabase } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { purgeInactiveFiles } from '../modules/persons/rgpd-service.js';

/**
 * The retention purge (issue 10 §1, RGPD art. 5.1.e): erases the files of persons with no contact
 * for PERSON_RETENTION_MONTHS months (default 24, config.ts), each with its erasure line, audit
 * line and event. Re-runnable: each batch is one transaction, and a second run finds nothing.
 *
 * Usage: npm run purge:persons -- [--dry-run] [--months N]
 *   --dry-run   counts the files that would be erased, erases nothing
 *   --months N  another retention period for this run (1 to 240)
 */
const dryRun = process.argv.includes('--dry-run') || process.argv.includes('--essai');
const monthsArg = process.argv.indexOf('--months');
const config = loadConfig();
const months = monthsArg >= 0 ? Number(process.argv[monthsArg + 1]) : config.personRetentionMonths;
if (!(Number.isInteger(months) && months >= 1 && months <= 240)) {
  console.error(`--months « ${process.argv[monthsArg + 1] ?? ''} » : un nombre entier de mois, de 1 à 240.`);
  process.exit(2);
}
const handle = await prepareDatabase(config).catch(exitOnDataDirLocked);
try {
  const started = Date.now();
  const result = await purgeInactiveFiles(handle.db, {
    months,
    dryRun,
    onProgress: (done, total) => process.stderr.write(`\rDossiers effacés : ${done} / ${total}`),
  });
  if (!dryRun && result.total) process.stderr.write('\n');
  const limit = result.limit.toISOString().slice(0, 10);
  console.log(
    dryRun
      ? `Essai : ${result.total} dossier(s) sans contact depuis le ${limit} (${months} mois) seraient effacés. Rien n’a été effacé.`
      : `${result.erased} dossier(s) sans contact depuis le ${limit} (${months} mois) effacé(s) en ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
} catch (error) {
  console.error(error);
  console.error('Les lots déjà effacés le restent ; relancez la commande pour finir.');
  process.exitCode = 1;
} finally {
  await handle.close();
}
