import type { Db } from '../../db/database.js';
import type { Mailer } from '../../shared/mailer.js';
import type { DirectoryNeeds } from './needs.js';
import type { RecordsRepository } from './records-repository.js';

/** What every use case of the directory receives: the database, its records, the clock, the mailer. */
export interface DirectoryCore {
  db: Db;
  needs: DirectoryNeeds;
  records: RecordsRepository;
  /** Today's ISO date (tests fix it). */
  today: () => string;
  mailer: Mailer;
  /** The public address of the service, for links in mails. */
  publicUrl: string;
  /** Map tiles URL template ({z}/{x}/{y}); empty: the map is drawn without a background. */
  mapTiles: string;
}
