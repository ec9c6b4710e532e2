import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { rematchUseCases } from '../modules/matching/rematch-service.js';
import { createMailer } from '../shared/mailer.js';
import { progress } from '../shared/progress.js';

// npm run rematch — every night (cron, e.g. `30 2 * * *`, after expire:offers): the trades' tension
// per employment zone, then every person's top suggestions stored again (resumable: an interrupted
// run goes on where it stopped), then the counsellors' mail digest of new strong matches and
// employers' contact requests (issue 11 §1). Options: --batch=N (persons per batch, default 500);
// --changes: only the files changed since the last pass (cron every few minutes: « on change »).
const config = loadConfig();
const batchArg = process.argv.find((a) => a.startsWith('--batch='));
const batchSize = batchArg ? Number(batchArg.slice('--batch='.length)) : undefined;
if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
  console.error('--batch : un nombre entier de personnes par lot est attendu (ex. --batch=500).');
  process.exit(2);
}
const handle = await openDatabase(config.database).catch(exitOnDataDirLocked);
try {
  await migrateToLatest(handle.db);
  const rematch = rematchUseCases(handle.db, {
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }),
    publicUrl: config.publicUrl,
  });
  const started = Date.now();
  if (process.argv.includes('--changes')) {
    // Every few minutes (cron `*/10 * * * *`): only the files changed since the last pass.
    const c = await rematch.rematchChanged();
    console.log(
      `${c.persons} dossier(s) modifié(s) ré-apparié(s), ${c.strongNew} nouvelle(s) suggestion(s) forte(s).`,
    );
    const d = await rematch.sendDigests();
    console.log(`Courriels : ${d.mails} envoyé(s) pour ${d.events} événement(s).`);
  } else {
    const tensions = await rematch.refreshTensions();
    console.log(`Tension : ${tensions} couple(s) zone d’emploi × métier.`);
    let bar: ReturnType<typeof progress> | null = null;
    let shown = 0;
    const r = await rematch.rematchAll({
      batchSize,
      onProgress: (done, total) => {
        bar ??= progress('Appariement', total);
        bar.tick(done - shown);
        shown = done;
      },
    });
    (bar as ReturnType<typeof progress> | null)?.end();
    console.log(
      `${r.resumed ? 'Reprise du passage interrompu : ' : ''}${r.persons} personne(s), ${r.suggestions} suggestion(s) enregistrée(s), ${r.strongNew} nouvelle(s) suggestion(s) forte(s) (${r.events} événement(s)) en ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
    const d = await rematch.sendDigests();
    console.log(
      `Courriels : ${d.mails} envoyé(s) pour ${d.events} événement(s)${d.undeliverable ? `, ${d.undeliverable} sans destinataire` : ''}${d.failed ? `, ${d.failed} en échec (réessayés au prochain passage)` : ''}.`,
    );
  }
} finally {
  await handle.close();
}
