import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { memoryMailer } from '../../shared/mailer.js';
import { rematchUseCases } from './rematch-service.js';
import { matchRepository } from './repository.js';
import { PRESETS, STRONG_SCORE } from './rules.js';

const TODAY = new Date().toISOString().slice(0, 10);
const PUBLIC_URL = 'https://passerelle.test';

/** Re-matching, its outbox events and the counsellors' digest (issue 11 §1), on the demo region. */
describe.each(testEngines())('re-matching (%s)', (engine) => {
  let t: TestApp;
  const mailer = memoryMailer();
  const use = () => rematchUseCases(t.db, { mailer, publicUrl: PUBLIC_URL, today: () => TODAY });
  const strongEvents = async () =>
    (
      await sql<{ payload: { personId: string; offerIds: string[]; referentOrganisationId: string } }>`
        select payload from domain_event where type = 'match.strong_suggestions' order by id`.execute(t.db)
    ).rows.map((r) => r.payload);
  const snapshot = async () =>
    (
      await sql`select person_id, offer_id, preset, rank, score, terms, first_suggested_at
        from match_suggestion order by person_id, offer_id`.execute(t.db)
    ).rows;

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    // Start from nothing stored: the demo's own re-match and outcomes are not this test's.
    await sql`delete from match_outcome`.execute(t.db);
    await sql`delete from match_feedback`.execute(t.db);
    await sql`delete from match_setting`.execute(t.db);
    await sql`delete from match_suggestion`.execute(t.db);
    await sql`delete from match_run`.execute(t.db);
    await sql`delete from domain_event where type like 'match.%'`.execute(t.db);
  });
  afterAll(() => t.close());

  it('stores each person’s top suggestions as the ranking gives them', async () => {
    const r = await use().rematchAll({ batchSize: 300 });
    const total = Number(
      (await sql<{ n: number }>`select count(*)::int n from match_person`.execute(t.db)).rows[0]!.n,
    );
    expect(r.persons).toBe(total);
    expect(r.suggestions).toBeGreaterThan(total);
    const run = await t.db.selectFrom('match_run').selectAll().executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'done', persons_done: total, persons_total: total });
    // A sample of persons: the stored rows are the ranking's, rank 1..n, terms with their facts.
    const ids = (
      await sql<{
        person_id: string;
      }>`select distinct person_id from match_suggestion order by person_id limit 25`.execute(t.db)
    ).rows.map((x) => x.person_id);
    const repo = matchRepository(t.db);
    const expected = await repo.topOffers(
      await repo.personFeatures(ids),
      'standard',
      PRESETS.standard.weights,
      20,
      TODAY,
      { skipDismissed: true },
    );
    for (const id of ids) {
      const stored = await t.db
        .selectFrom('match_suggestion')
        .select(['offer_id', 'rank', 'score', 'preset', 'terms'])
        .where('person_id', '=', id)
        .orderBy('rank')
        .execute();
      expect(stored.map((s) => [s.offer_id, s.rank, s.score])).toEqual(
        (expected.get(id) ?? []).map((m, i) => [m.offerId, i + 1, m.score]),
      );
      expect(stored.every((s) => s.preset === 'standard')).toBe(true);
      expect(stored[0]!.terms).toMatchObject({
        terms: { job: expect.any(Number) },
        facts: expect.any(Object),
      });
    }
    // A first run notifies too: one event per person with strong suggestions.
    const strongPersons = Number(
      (
        await sql<{
          n: number;
        }>`select count(distinct person_id)::int n from match_suggestion where score >= ${STRONG_SCORE}`.execute(
          t.db,
        )
      ).rows[0]!.n,
    );
    expect(r.events).toBe(strongPersons);
    expect((await strongEvents()).length).toBe(strongPersons);
  });

  it('is idempotent: a second run stores the same rows and raises no event', async () => {
    const before = await snapshot();
    const events = (await strongEvents()).length;
    const r = await use().rematchAll({ batchSize: 500 });
    expect(r.events).toBe(0);
    expect(await snapshot()).toEqual(before);
    expect((await strongEvents()).length).toBe(events);
  });

  it('turns a new strong suggestion into one event for its person', async () => {
    const strong = await sql<{ person_id: string; offer_id: string }>`
      select person_id, offer_id from match_suggestion where score >= ${STRONG_SCORE}
      order by person_id, rank limit 1`.execute(t.db);
    const { person_id, offer_id } = strong.rows[0]!;
    // As if that offer had not been suggested before (it was published since the last run).
    await sql`delete from match_suggestion where person_id = ${person_id} and offer_id = ${offer_id}`.execute(
      t.db,
    );
    const before = (await strongEvents()).length;
    const r = await use().rematchPersons([person_id]);
    expect(r).toMatchObject({ persons: 1, events: 1, strongNew: 1 });
    const events = await strongEvents();
    expect(events.length).toBe(before + 1);
    expect(events.at(-1)).toMatchObject({ personId: person_id, offerIds: [offer_id] });
    expect((await use().rematchPersons([person_id])).events).toBe(0);
    await expect(use().rematchPersons(['pas-un-uuid'])).rejects.toMatchObject({ field: 'personId' });
  });

  it('mails one digest per counsellor and marks the events processed', async () => {
    await sql`update domain_event set processed_at = now() where type like 'match.%'`.execute(t.db);
    // Two persons of two organisations: one file created by a counsellor still a member, one not.
    const { rows: picked } = await sql<{ person_id: string; offer_id: string; org: string }>`
      select distinct on (p.referent_organisation_id) s.person_id, s.offer_id, p.referent_organisation_id org
      from match_suggestion s join person p on p.id = s.person_id
      where s.score >= ${STRONG_SCORE} order by p.referent_organisation_id, s.person_id limit 2`.execute(
      t.db,
    );
    expect(picked.length).toBe(2);
    const [a, b] = picked as [(typeof picked)[number], (typeof picked)[number]];
    const { rows: creator } = await sql<{ user_id: string; email: string }>`
      select m.user_id, u.email from membership m join app_user u on u.id = m.user_id
      where m.organisation_id = ${a.org} and u.is_active order by m.user_id limit 1`.execute(t.db);
    await sql`update person set created_by = ${creator[0]!.user_id} where id = ${a.person_id}`.execute(t.db);
    await sql`update person set created_by = null where id = ${b.person_id}`.execute(t.db);
    for (const x of [a, b])
      await sql`delete from match_suggestion where person_id = ${x.person_id} and offer_id = ${x.offer_id}`.execute(
        t.db,
      );
    await use().rematchPersons([a.person_id, b.person_id]);
    // And an employer's contact request about the first person.
    await sql`insert into domain_event (type, payload) values ('match.contact_requested',
      ${JSON.stringify({ personId: a.person_id, offerId: a.offer_id, verdict: 'contact' })}::jsonb)`.execute(
      t.db,
    );
    const { rows: orgB } = await sql<{ email: string }>`
      select u.email from membership m join app_user u on u.id = m.user_id
      where m.organisation_id = ${b.org} and m.role in ('conseiller', 'administrateur') and u.is_active`.execute(
      t.db,
    );
    mailer.sent.length = 0;
    const d = await use().sendDigests();
    const expectedTo = new Set([creator[0]!.email, ...orgB.map((r) => r.email)]);
    expect(d).toMatchObject({ events: 3, failed: 0, mails: expectedTo.size });
    expect(new Set(mailer.sent.map((m) => m.to))).toEqual(expectedTo);
    expect(mailer.sent.length).toBe(expectedTo.size);
    const toCreator = mailer.sent.find((m) => m.to === creator[0]!.email)!;
    expect(toCreator.subject).toMatch(
      /^1\u00a0nouvelle offre à fort potentiel pour 1\u00a0personne et 1\u00a0demande/,
    );
    expect(toCreator.text).toContain(`${PUBLIC_URL}/personnes/${a.person_id}/suggestions`);
    expect(toCreator.text).toContain('souhaite être mis en relation avec');
    expect(toCreator.text).not.toContain(b.person_id);
    // No last name in full in a mail: first name and initial.
    const { rows: names } = await sql<{
      last_name: string;
    }>`select last_name from person where id = ${a.person_id}`.execute(t.db);
    expect(toCreator.text).not.toContain(names[0]!.last_name);
    const pending = await sql<{ n: number }>`select count(*)::int n from domain_event
      where type in ('match.strong_suggestions', 'match.contact_requested') and processed_at is null`.execute(
      t.db,
    );
    expect(Number(pending.rows[0]!.n)).toBe(0);
    mailer.sent.length = 0;
    expect(await use().sendDigests()).toMatchObject({ events: 0, mails: 0 });
    expect(mailer.sent.length).toBe(0);
  });

  it('resumes an interrupted run after its last person', async () => {
    const ids = (
      await sql<{ person_id: string }>`select person_id from match_person order by person_id`.execute(t.db)
    ).rows.map((r) => r.person_id);
    const last = ids[99]!;
    await sql`delete from match_suggestion`.execute(t.db);
    await t.db
      .insertInto('match_run')
      .values({ persons_total: ids.length, persons_done: 100, last_person_id: last })
      .execute();
    const progress: number[] = [];
    const r = await use().rematchAll({ batchSize: 400, onProgress: (done) => progress.push(done) });
    expect(r).toMatchObject({ resumed: true, persons: ids.length - 100 });
    expect(progress.at(-1)).toBe(ids.length);
    const before = await sql<{
      n: number;
    }>`select count(*)::int n from match_suggestion where person_id <= ${last}::uuid`.execute(t.db);
    expect(Number(before.rows[0]!.n)).toBe(0);
    const after = await sql<{
      n: number;
    }>`select count(*)::int n from match_suggestion where person_id > ${last}::uuid`.execute(t.db);
    expect(Number(after.rows[0]!.n)).toBeGreaterThan(0);
    const runs = await t.db
      .selectFrom('match_run')
      .select(['status'])
      .where('status', '=', 'running')
      .execute();
    expect(runs.length).toBe(0);
  });
});
