import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { member } from '../../../test/persons-fixtures.js';

/**
 * Orientations to a training session and to a job offer (issue 12 §1), on the demo region: a full
 * session is refused naming the field (issue 12, bad input), a session with places takes the
 * request, and the training organisation finds it among its received requests; a closed offer is
 * refused, a published one takes the request.
 */
describe.each(testEngines())('orientations to sessions and offers on %s', (engine) => {
  let t: TestApp;
  let counsellor: Browser;
  let personId = '';
  const session = { id: '', organisationId: '' };
  const offer = { id: '' };

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const ml = (
      await sql<{
        id: string;
      }>`select id from organisation where kind = 'mission_locale' order by name limit 1`.execute(t.db)
    ).rows[0]!.id;
    personId = (
      await sql<{
        id: string;
      }>`select id from person where referent_organisation_id = ${ml} order by id limit 1`.execute(t.db)
    ).rows[0]!.id;
    Object.assign(
      session,
      (
        await sql<{ id: string; organisationId: string }>`
          select s.id, pr.organisation_id as "organisationId" from training_session s
          join training_action a on a.id = s.action_id join training tr on tr.id = a.training_id
          join training_provider pr on pr.id = tr.provider_id
          where pr.organisation_id is not null and s.status = 'active' and s.end_date >= current_date and s.recruitment_state <> '3'
          order by s.id limit 1`.execute(t.db)
      ).rows[0]!,
    );
    offer.id = (
      await sql<{
        id: string;
      }>`select id from job_offer where state = 'published' and organisation_id is not null
        and organisation_id <> ${ml} order by id limit 1`.execute(t.db)
    ).rows[0]!.id;
    counsellor = await new Browser(t.app).login(await member(t.db, ml));
  });
  afterAll(() => t.close());

  const orient = (targetKind: string, targetRef: string) =>
    counsellor.api('POST', '/api/v1/orientations', {
      personId,
      targetKind,
      targetRef,
      message: 'Projet validé en entretien.',
    });

  it('refuses a full session, takes one with places, and the organisation receives it', async () => {
    await sql`update training_session set places_remaining = 0 where id = ${session.id}`.execute(t.db);
    const full = await orient('training_session', session.id);
    expect(full.statusCode).toBe(400);
    expect(full.json().field).toBe('targetRef');
    expect(full.json().detail).toContain('complète');
    await sql`update training_session set places_remaining = 4 where id = ${session.id}`.execute(t.db);
    const sent = await orient('training_session', session.id);
    expect(sent.statusCode).toBe(201);
    const trainer = await new Browser(t.app).login(await member(t.db, session.organisationId));
    const received = await trainer.api('GET', '/api/v1/orientations?side=received&state=open');
    expect(received.json().items.map((o: { id: string }) => o.id)).toContain(sent.json().id);
  });

  it('refuses a closed offer and takes a published one', async () => {
    const sent = await orient('job_offer', offer.id);
    expect(sent.statusCode).toBe(201);
    await sql`update job_offer set state = 'closed' where id = ${offer.id}`.execute(t.db);
    const closed = await counsellor.api('POST', '/api/v1/orientations', {
      personId,
      targetKind: 'job_offer',
      targetRef: offer.id,
      message: 'Autre tentative.',
    });
    expect(closed.statusCode).toBe(400);
    expect(closed.json().field).toBe('targetRef');
  });
});
