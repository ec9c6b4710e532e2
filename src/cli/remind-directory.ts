import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { buildServices } from '../modules/index.js';
import { createMailer } from '../shared/mailer.js';

// npm run remind:directory — every night (cron `30 2 * * *`): each organisation whose directory
// records were not reviewed for 6 months is reminded by mail, at most once a month (issue 13 §5,
// directory/rules.ts). Safe to re-run: an organisation reminded is marked (directory_review_notice).
const config = loadConfig();
const handle = await openDatabase(config.database).catch(exitOnDataDirLocked);
try {
  await migrateToLatest(handle.db);
  const { directory } = buildServices({
    config,
    db: handle.db,
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }),
    homeOffers: () => [],
  });
  const r = await directory.sendReviewReminders();
  console.log(
    `Annuaire : ${r.mails} rappel(s) envoyé(s) pour ${r.records} fiche(s) à revoir${r.withoutRecipient ? `, ${r.withoutRecipient} organisation(s) sans administrateur ni gestionnaire` : ''}${r.failed ? `, ${r.failed} en échec (réessayés au prochain passage)` : ''}.`,
  );
} finally {
  await handle.close();
}
