import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/config.js';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import { sampleService, sampleStructure } from '../../../test/directory-fixtures.js';
import { member, organisation } from '../../../test/persons-fixtures.js';
import type { Db } from '../../db/database.js';
import { memoryMailer } from '../../shared/mailer.js';
import type { Actor } from '../identity/model.js';
import { buildServices } from '../index.js';
import { directoryHome } from './home.js';
import { recordsRepository } from './records-repository.js';

const publisher = (organisationId: string, role: Actor['role'] = 'gestionnaire'): Actor => ({
  via: 'session',
  userId: null,
  label: 'Test',
  isSuperAdmin: false,
  organisationId,
  role,
  memberships: [
    { organisationId, organisationName: 'Test', organisationKind: 'structure_accompagnement', role: role! },
  ],
  ip: null,
});

/**
 * Freshness of the directory (issue 13 §5): records older than 6 months are counted for the
 * organisation's publishers; each organisation having some gets one reminder mail to its
 * administrators and gestionnaires, none on a second run the same day.
 */
describe.each(testEngines())('directory review reminders on %s', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  const mailer = memoryMailer();
  let directory: ReturnType<typeof buildServices>['directory'];
  const orgs = { stale: '', fresh: '', orphan: '' };
  const emails: string[] = [];

  async function publish(organisationId: string, key: string, dateMaj: string) {
    const records = recordsRepository(db);
    await db.transaction().execute(async (tx) => {
      const { uuid } = await records.writeStructure(
        tx,
        sampleStructure({ id: `test--${key}`, nom: `Structure ${key}`, date_maj: dateMaj }),
        organisationId,
      );
      await records.writeService(
        tx,
        sampleService({
          id: `test--${key}-service`,
          structure_id: `test--${key}`,
          nom: `Service ${key}`,
          date_maj: dateMaj,
        }),
        uuid,
      );
    });
  }

  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine));
    directory = buildServices({ config: testConfig(), db, mailer, homeOffers: () => [] }).directory;
    orgs.stale = await organisation(db, 'structure_accompagnement');
    orgs.fresh = await organisation(db, 'structure_accompagnement');
    orgs.orphan = await organisation(db, 'commune');
    emails.push(await member(db, orgs.stale, 'gestionnaire'), await member(db, orgs.stale, 'administrateur'));
    await member(db, orgs.stale, 'conseiller');
    await member(db, orgs.fresh, 'gestionnaire');
    await member(db, orgs.orphan, 'conseiller');
    await publish(orgs.stale, 'ancienne', '2024-03-01');
    await publish(orgs.fresh, 'recente', new Date().toISOString().slice(0, 10));
    await publish(orgs.orphan, 'orpheline', '2024-03-01');
  });
  afterAll(() => drop());

  it('counts the records to review for publishers only', async () => {
    expect(await directory.staleCount(publisher(orgs.stale))).toBe(2);
    expect(await directory.staleCount(publisher(orgs.fresh))).toBe(0);
    expect(await directory.staleCount(publisher(orgs.stale, 'conseiller'))).toBe(0);
  });

  it('offers publishers the task of keeping their sheet, and everyone the directory', () => {
    const home = directoryHome(publisher(orgs.stale));
    expect(home.tasks?.[0]?.title).toBe('Tenir à jour la fiche de votre structure');
    expect(home.tiles?.map((t) => t.href)).toEqual(['/annuaire', '/annuaire/ma-structure']);
    const reader = directoryHome(publisher(orgs.stale, 'conseiller'));
    expect(reader.tasks).toBeUndefined();
    expect(reader.tiles?.map((t) => t.href)).toEqual(['/annuaire']);
  });

  it('mails each organisation with stale records once, to its administrators and gestionnaires', async () => {
    const first = await directory.sendReviewReminders();
    expect(first).toMatchObject({ mails: 1, records: 2, withoutRecipient: 1, failed: 0 });
    expect(mailer.sent).toHaveLength(1);
    const mail = mailer.sent[0]!;
    expect(mail.to.split(', ').sort()).toEqual([...emails].sort());
    expect(mail.text).toContain('Structure ancienne');
    expect(mail.text).toContain('Service ancienne');
    expect(mail.text).toContain('/annuaire/ma-structure');
    expect(mail.text).not.toContain('recente');
    const notices = await sql<{ organisation_id: string; stale_count: number }>`
      select organisation_id, stale_count from directory_review_notice`.execute(db);
    expect(notices.rows).toEqual([{ organisation_id: orgs.stale, stale_count: 2 }]);

    const second = await directory.sendReviewReminders();
    expect(second.mails).toBe(0);
    expect(mailer.sent).toHaveLength(1);
  });
});
