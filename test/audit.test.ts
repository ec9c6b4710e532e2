/**
 * Issue 8, hole 13: every audited read and every change of the training offer leaves exactly one
 * audit line (who, organisation, IP, what), and a line that cannot be written withholds the data
 * or undoes the change. Before the fix none of these actions wrote any line.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REGION_CODE } from '../src/demo.js';
import { feedBytes, feedInputs } from '../src/modules/trainings/feed.js';
import { AUDITED_ACTIONS, type AuditAction } from '../src/shared/audit.js';
import { Browser, createTestApp, type TestApp } from './app.js';
import { testEngines } from './databases.js';

const FT_ADMIN = 'admin.francetravail@passerelle.demo';
const ANALYST = 'analyste.region@passerelle.demo';
const OF_MANAGER = 'gestionnaire.formation@passerelle.demo';

describe.each(testEngines())('audit of reads and offer changes on %s', (engine) => {
  let t: TestApp;
  let ftOrg: string;
  let ofOrg: string;
  const own = { training: '', action: '', session: '' };
  const browsers: Record<string, Browser> = {};

  /** Runs `call`; returns the audit lines it added for `action` and every action it added. */
  async function added(action: AuditAction, call: () => Promise<{ statusCode: number; body: string }>) {
    const max = await sql<{ n: string }>`select coalesce(max(id), 0)::text as n from audit_log`.execute(t.db);
    const res = await call();
    const { rows } = await sql<{
      action: string;
      actor_label: string;
      actor_organisation_id: string | null;
      ip: string | null;
      subject_type: string | null;
      subject_id: string | null;
      details: Record<string, unknown>;
    }>`select action, actor_label, actor_organisation_id, ip, subject_type, subject_id, details
       from audit_log where id > ${max.rows[0]!.n}::bigint order by id`.execute(t.db);
    const mine = rows.filter((r) => r.action === action);
    return { res, count: mine.length, last: mine.at(-1), all: rows };
  }
  const orgOf = async (email: string) =>
    (
      await sql<{
        id: string;
      }>`select m.organisation_id as id from membership m join app_user u on u.id = m.user_id
        where u.email = ${email} limit 1`.execute(t.db)
    ).rows[0]!.id;

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    ftOrg = await orgOf(FT_ADMIN);
    ofOrg = await orgOf(OF_MANAGER);
    const { rows } = await sql<{ training: string; action: string; session: string }>`
      select t.id as training, a.id as action, s.id as session from training t
      join training_provider p on p.id = t.provider_id join training_action a on a.training_id = t.id
      join training_session s on s.action_id = a.id
      where p.organisation_id = ${ofOrg} and t.status = 'active' and a.status = 'active' and s.status = 'active'
      order by t.lheo_number limit 1`.execute(t.db);
    Object.assign(own, rows[0]);
    for (const email of [FT_ADMIN, ANALYST, OF_MANAGER])
      browsers[email] = await new Browser(t.app).login(email);
  });
  afterAll(() => t.close());

  it('records one line per read of the members, page and API, naming who, where from and which organisation', async () => {
    const b = browsers[FT_ADMIN]!;
    const page = await added('members.read', () => b.get(`/organisations/${ftOrg}/membres`));
    expect(page.res.statusCode).toBe(200);
    expect(page.count).toBe(1);
    expect(page.last).toMatchObject({
      actor_label: FT_ADMIN,
      actor_organisation_id: ftOrg,
      ip: '127.0.0.1',
      subject_type: 'organisation',
      subject_id: ftOrg,
    });
    expect(page.last!.details.rows).toBeGreaterThan(0);
    const api = await added('members.read', () => b.api('GET', `/api/v1/organisations/${ftOrg}/members`));
    expect(api.res.statusCode).toBe(200);
    expect(api.count).toBe(1);
  });

  it('records one line per read of the API tokens, page and API', async () => {
    const b = browsers[FT_ADMIN]!;
    const page = await added('api_tokens.read', () => b.get(`/organisations/${ftOrg}/jetons`));
    expect([page.res.statusCode, page.count]).toEqual([200, 1]);
    expect(page.last).toMatchObject({ subject_type: 'organisation', subject_id: ftOrg });
    // Creating a token redirects (POST/redirect/GET, issue 9): the list is read, and audited, by
    // the page it redirects to, not by the creation.
    const created = await added('api_tokens.read', () =>
      b.post(`/organisations/${ftOrg}/jetons`, { name: 'Jeton audité', role: 'analyste' }),
    );
    expect([created.res.statusCode, created.count]).toEqual([303, 0]);
    const shown = await added('api_tokens.read', () => b.get(`/organisations/${ftOrg}/jetons`));
    expect([shown.res.statusCode, shown.count]).toEqual([200, 1]);
    const api = await added('api_tokens.read', () =>
      b.api('GET', `/api/v1/organisations/${ftOrg}/api-tokens`),
    );
    expect([api.res.statusCode, api.count]).toEqual([200, 1]);
  });

  it('records one line per read of the audit log, with the filters used', async () => {
    const b = browsers[FT_ADMIN]!;
    const page = await added('audit_log.read', () => b.get('/journal?action=auth.'));
    expect([page.res.statusCode, page.count]).toEqual([200, 1]);
    expect(page.last!.details).toMatchObject({ filters: { action: 'auth.' } });
    const api = await added('audit_log.read', () => b.api('GET', '/api/v1/audit-log'));
    expect([api.res.statusCode, api.count]).toEqual([200, 1]);
  });

  it('records one line for the purchases page and one for their CSV export', async () => {
    const b = browsers[ANALYST]!;
    const page = await added('purchases.read', () => b.get('/financeurs'));
    expect([page.res.statusCode, page.count]).toEqual([200, 1]);
    const csv = await added('purchases.export', () => b.get('/financeurs/achats.csv'));
    expect([csv.res.statusCode, csv.count]).toEqual([200, 1]);
    expect(csv.all.filter((r) => r.action === 'purchases.read')).toEqual([]);
    const overlaps = await added('purchases.export', () => b.get('/financeurs/recouvrements.csv'));
    expect([overlaps.res.statusCode, overlaps.count]).toEqual([200, 1]);
    expect(overlaps.all.filter((r) => r.action === 'purchases.read')).toEqual([]);
  });

  it('records one line per catalogue export (LHÉO and CSV), with its size', async () => {
    const b = browsers[ANALYST]!;
    for (const format of ['xml', 'csv']) {
      const run = await added('trainings.export', () => b.api('GET', `/api/v1/trainings/export.${format}`));
      expect([format, run.res.statusCode, run.count]).toEqual([format, 200, 1]);
      expect(run.last!.details.trainings).toBeGreaterThan(0);
    }
  });

  it('records one line per change of the offer: a session edit, a text edit, an added session (page and API)', async () => {
    const b = browsers[OF_MANAGER]!;
    await b.get(`/formations/${own.training}`);
    const edit = await added('training_session.updated', () =>
      b.post(`/formations/${own.training}/sessions/${own.session}`, {
        recruitmentState: '2',
        placesRemaining: '3',
      }),
    );
    expect([edit.res.statusCode, edit.count]).toEqual([303, 1]);
    expect(edit.last).toMatchObject({
      actor_label: OF_MANAGER,
      actor_organisation_id: ofOrg,
      subject_type: 'training_session',
      subject_id: own.session,
    });
    const apiEdit = await added('training_session.updated', () =>
      b.api('PATCH', `/api/v1/training-sessions/${own.session}`, { placesRemaining: 2 }),
    );
    expect([apiEdit.res.statusCode, apiEdit.count]).toEqual([204, 1]);

    const text = await added('training.updated', () =>
      b.api('PATCH', `/api/v1/trainings/${own.training}`, { title: 'Intitulé revu par l’organisme' }),
    );
    expect([text.res.statusCode, text.count]).toEqual([204, 1]);
    expect(text.last).toMatchObject({ subject_type: 'training', subject_id: own.training });
    expect(text.last!.details).toEqual({ fields: ['title'] });
    await b.get(`/formations/${own.training}/modifier`);
    const pageText = await added('training.updated', () =>
      b.post(`/formations/${own.training}/modifier`, {
        title: 'Intitulé revu',
        objective: 'Objectif revu',
        expectedResults: 'Résultats revus',
        content: 'Contenu revu',
      }),
    );
    expect([pageText.res.statusCode, pageText.count]).toEqual([303, 1]);

    const addedSession = await added('training_session.created', () =>
      b.api('POST', `/api/v1/trainings/${own.training}/actions/${own.action}/sessions`, {
        start: '2027-01-04',
        end: '2027-03-05',
      }),
    );
    expect([addedSession.res.statusCode, addedSession.count]).toEqual([201, 1]);
    expect(addedSession.last!.subject_id).toBe(JSON.parse(addedSession.res.body).id);
    await b.get(`/formations/${own.training}`);
    const pageSession = await added('training_session.created', () =>
      b.post(`/formations/${own.training}/actions/${own.action}/sessions`, {
        start: '2027-02-01',
        end: '2027-04-01',
      }),
    );
    expect([pageSession.res.statusCode, pageSession.count]).toEqual([303, 1]);
  });

  it('records one line for an LHÉO import that changed the offer, none for a refused file', async () => {
    const inputs = await feedInputs(t.db, DEMO_REGION_CODE);
    const parts: Uint8Array[] = [];
    for await (const p of feedBytes({
      seed: 3,
      sessions: 20,
      appellations: inputs.appellations,
      communes: inputs.communes,
      today: '2026-11-23',
      numberPrefix: 'AUDIT',
    }))
      parts.push(p);
    const b = browsers[FT_ADMIN]!;
    const post = (xml: string | Buffer) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/lheo-imports?source=flux-audit&mode=partial',
        payload: xml,
        headers: {
          cookie: b.cookies,
          'x-csrf-token': b.csrf,
          accept: 'application/json',
          'content-type': 'application/xml',
        },
      });
    const done = await added('lheo_import.done', () => post(Buffer.concat(parts)));
    expect([done.res.statusCode, done.count]).toEqual([200, 1]);
    expect(done.last).toMatchObject({ actor_label: FT_ADMIN, subject_id: JSON.parse(done.res.body).id });
    expect(done.last!.details).toMatchObject({ source: 'flux-audit', mode: 'partial' });
    const refused = await added('lheo_import.done', () =>
      post('<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY a "a">]><lheo>&a;</lheo>'),
    );
    expect(refused.count).toBe(0);
  });

  it('writes no line for a refused or invalid change', async () => {
    const b = browsers[OF_MANAGER]!;
    const invalid = await added('training_session.updated', () =>
      b.api('PATCH', `/api/v1/training-sessions/${own.session}`, { placesTotal: 1, placesRemaining: 9 }),
    );
    expect([invalid.res.statusCode, invalid.count]).toEqual([400, 0]);
    const refused = await added('training.updated', () =>
      browsers[ANALYST]!.api('PATCH', `/api/v1/trainings/${own.training}`, { title: 'Pas le mien' }),
    );
    expect([refused.res.statusCode, refused.count]).toEqual([403, 0]);
  });

  describe('when the audit line cannot be written', () => {
    // A trigger makes every insert into the audit log fail, as a full disk or a lost table would.
    beforeAll(async () => {
      await sql`create function audit_refuses() returns trigger language plpgsql as $$
        begin raise exception 'journal indisponible'; end $$`.execute(t.db);
      await sql`create trigger audit_refuses before insert on audit_log for each row execute function audit_refuses()`.execute(
        t.db,
      );
    });
    afterAll(async () => {
      await sql`drop trigger audit_refuses on audit_log`.execute(t.db);
      await sql`drop function audit_refuses()`.execute(t.db);
    });

    it('does not serve the members it could not audit', async () => {
      const res = await browsers[FT_ADMIN]!.api('GET', `/api/v1/organisations/${ftOrg}/members`);
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toContain(FT_ADMIN);
    });

    it('undoes the session edit it could not audit', async () => {
      const before = await sql<{ p: number | null }>`
        select places_remaining as p from training_session where id = ${own.session}`.execute(t.db);
      const res = await browsers[OF_MANAGER]!.api('PATCH', `/api/v1/training-sessions/${own.session}`, {
        placesRemaining: 1,
      });
      expect(res.statusCode).toBe(500);
      const after = await sql<{ p: number | null }>`
        select places_remaining as p from training_session where id = ${own.session}`.execute(t.db);
      expect(after.rows[0]!.p).toBe(before.rows[0]!.p);
    });
  });

  it('shows the new actions with their French label on the audit page', async () => {
    const page = await browsers[FT_ADMIN]!.get('/journal?action=members.read');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(AUDITED_ACTIONS['members.read'].label);
    expect(page.body).toContain('Export de l’offre de formation');
  });

  it('found no route touching audited data without declaring it', () => {
    expect(t.app.auditViolations).toEqual([]);
  });
});
