import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { buildServices } from '../modules/index.js';
import { createMailer } from '../shared/mailer.js';

// npm run expire:orientations — every night (cron `15 2 * * *`) and, for the notices alone, every
// few minutes (`--notices`): orientations left unanswered past their delay expire (issue 12 §1),
// the shares of finished pathways end, then each counsellor gets one mail with the news of their
// orientations (new requests, answers, expiries). Safe to re-run: each expiry is a versioned move,
// each notice an outbox event marked when mailed.
const config = loadConfig();
const handle = await openDatabase(config.database).catch(exitOnDataDirLocked);
try {
  await migrateToLatest(handle.db);
  const { pathways } = buildServices({
    config,
    db: handle.db,
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }),
    homeOffers: () => [],
  });
  if (!process.argv.includes('--notices')) {
    const r = await pathways.expireOverdue((line) => console.log(line));
    console.log(`${r.expired} orientation(s) expirée(s), ${r.sharesEnded} partage(s) de dossier terminé(s).`);
  }
  const n = await pathways.sendNotices();
  console.log(
    `Courriels : ${n.mails} envoyé(s) pour ${n.events} événement(s)${n.failed ? `, ${n.failed} en échec (réessayés au prochain passage)` : ''}.`,
  );
} finally {
  await handle.close();
}
