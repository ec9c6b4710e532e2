import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { DEMO_FEED_RECORDS, DEMO_FEED_SOURCE, DEMO_OFFERS } from './demo.js';
import { canTransition, OFFER_STATES, OFFER_TRANSITIONS, type OfferState } from './rules.js';

describe('offer states as data', () => {
  it('goes draft → published → filled / closed / expired, filled being final', () => {
    expect(canTransition('draft', 'published')).toBe(true);
    expect(canTransition('published', 'filled')).toBe(true);
    expect(canTransition('published', 'expired')).toBe(true);
    expect(canTransition('closed', 'published')).toBe(true);
    expect(canTransition('filled', 'published')).toBe(false);
    expect(canTransition('draft', 'filled')).toBe(false);
    // Every target is a state; nothing goes back to draft.
    for (const [from, tos] of Object.entries(OFFER_TRANSITIONS))
      for (const to of tos) {
        expect(to in OFFER_STATES).toBe(true);
        expect(to).not.toBe('draft');
        expect(to).not.toBe(from as OfferState);
      }
  });
});

describe.each(testEngines())('job offers on %s', (engine) => {
  let t: TestApp;
  const orgs = { employer: '', siae: '', accompanying: '' };
  let manager: Browser;
  let siaeManager: Browser;
  let employerCounsellor: Browser;
  let counsellor: Browser;
  let appellation = '';
  let commune = '';
  let skill = '';

  async function member(orgId: string, role: string) {
    const email = `o.${randomUUID().slice(0, 8)}@passerelle.demo`;
    await sql`
      with u as (insert into app_user (email, first_name, last_name, password_hash)
        select ${email}, 'Sacha', 'Recrute', password_hash from app_user where email = 'superadmin@passerelle.demo' returning id)
      insert into membership (user_id, organisation_id, role) select u.id, ${orgId}, ${role} from u`.execute(
      t.db,
    );
    return new Browser(t.app).login(email);
  }
  const offer = (over: Record<string, unknown> = {}) => ({
    appellationCode: appellation,
    title: 'Agent de propreté H/F',
    description: 'Entretien de bureaux, horaires du matin.',
    communeCode: commune,
    contractType: 'CDD',
    durationMonths: 6,
    workingTime: 'part_time',
    weeklyHours: 24,
    salaryMinCents: 1_500_00,
    salaryMaxCents: 1_800_00,
    positions: 2,
    skills: [{ code: skill, requirement: 'required' }],
    drivingLicences: ['B'],
    experience: 'D',
    accessibleDisability: true,
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const org = async (kinds: string) =>
      (
        await sql<{
          id: string;
        }>`select id from organisation where kind = any(${`{${kinds}}`}::text[]) order by name limit 1`.execute(
          t.db,
        )
      ).rows[0]!.id;
    orgs.employer = await org('employeur');
    orgs.siae = await org('siae_ei,siae_aci');
    orgs.accompanying = await org('mission_locale');
    manager = await member(orgs.employer, 'gestionnaire');
    siaeManager = await member(orgs.siae, 'administrateur');
    employerCounsellor = await member(orgs.employer, 'conseiller');
    counsellor = await member(orgs.accompanying, 'conseiller');
    appellation = (
      await sql<{ code: string }>`select code from rome_appellation order by code limit 1`.execute(t.db)
    ).rows[0]!.code;
    commune = (await sql<{ code: string }>`select code from commune order by code limit 1`.execute(t.db))
      .rows[0]!.code;
    skill = (await sql<{ code: string }>`select code from rome_skill order by code limit 1`.execute(t.db))
      .rows[0]!.code;
  }, 120_000);
  afterAll(() => t?.close());

  it('seeds a demo of ~3,000 offers over the region, some in trades the catalogue trains for', async () => {
    // The demo's imported board feed (demo-feed.ts) comes on top, under its own source.
    const { rows } = await sql<{ n: number; published: number; trained: number; own: number }>`
      select count(*)::int as n, count(*) filter (where state = 'published')::int as published,
        count(*) filter (where rome_code in (select unnest(rome_codes) from training))::int as trained,
        count(*) filter (where organisation_id is not null)::int as own
      from job_offer where source is distinct from ${DEMO_FEED_SOURCE}`.execute(t.db);
    expect(rows[0]!.n).toBe(DEMO_OFFERS);
    const feed = await sql<{ records: number; created: number; rejected: number; warnings: number }>`
      select records, created, rejected, warnings from job_offer_import where source = ${DEMO_FEED_SOURCE}`.execute(
      t.db,
    );
    expect(feed.rows).toEqual([
      {
        records: DEMO_FEED_RECORDS,
        created: expect.any(Number),
        rejected: expect.any(Number),
        warnings: expect.any(Number),
      },
    ]);
    expect(feed.rows[0]!.rejected).toBeGreaterThanOrEqual(5);
    expect(feed.rows[0]!.warnings).toBeGreaterThan(0);
    expect(rows[0]!.published).toBeGreaterThan(2000);
    expect(rows[0]!.trained).toBeGreaterThan(500);
    expect(rows[0]!.own).toBeGreaterThan(300);
  });

  it('lets an employer draft, publish and fill an offer, every transition logged and audited', async () => {
    const created = await manager.api('POST', '/api/v1/job-offers', offer());
    expect(created.statusCode).toBe(201);
    const { id, version, state } = created.json();
    expect(state).toBe('draft');
    // A draft is its organisation's only.
    expect((await counsellor.api('GET', `/api/v1/job-offers/${id}`)).statusCode).toBe(404);
    const published = await manager.api('POST', `/api/v1/job-offers/${id}/transitions`, {
      to: 'published',
      version,
    });
    expect(published.statusCode).toBe(201);
    const seen = await counsellor.api('GET', `/api/v1/job-offers/${id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({
      state: 'published',
      appellation: { code: appellation },
      contract: { type: 'CDD', durationMonths: 6 },
      salary: { minCents: 150000, maxCents: 180000 },
      positions: 2,
      openToBeginners: true,
      skills: [{ code: skill, requirement: 'required' }],
      transitions: [],
      history: [],
    });
    expect(seen.json().expiresOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const list = await counsellor.api('GET', `/api/v1/job-offers?appellation=${appellation}`);
    expect(list.json().items.map((o: { id: string }) => o.id)).toContain(id);

    const filled = await manager.api('POST', `/api/v1/job-offers/${id}/transitions`, {
      to: 'filled',
      version: published.json().version,
      reason: 'Recrutement fait',
    });
    expect(filled.statusCode).toBe(201);
    const again = await manager.api('POST', `/api/v1/job-offers/${id}/transitions`, {
      to: 'published',
      version: filled.json().version,
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().field).toBe('to');
    const mine = (await manager.api('GET', `/api/v1/job-offers/${id}`)).json();
    expect(mine.history.map((h: { to: string }) => h.to)).toEqual(['draft', 'published', 'filled']);
    expect(mine.history[2]).toMatchObject({ from: 'published', reason: 'Recrutement fait' });
    const { rows: audit } = await sql<{ action: string }>`
      select action from audit_log where subject_id = ${id} order by id`.execute(t.db);
    expect(audit.map((a) => a.action)).toEqual([
      'job_offer.created',
      'job_offer.transition',
      'job_offer.transition',
    ]);
    const { rows: events } = await sql<{ n: number }>`
      select count(*)::int as n from domain_event where payload->>'offerId' = ${id}`.execute(t.db);
    expect(events[0]!.n).toBe(3);
  });

  it('refuses bad input naming the field', async () => {
    const bad = async (over: Record<string, unknown>, field: string) => {
      const res = await manager.api('POST', '/api/v1/job-offers', offer(over));
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().field, JSON.stringify(res.json())).toBe(field);
    };
    await bad({ salaryMinCents: 2_000_00, salaryMaxCents: 1_800_00 }, 'salaryMinCents');
    await bad({ positions: -1 }, 'positions');
    await bad({ positions: 'deux' }, 'positions');
    await bad({ appellationCode: '99999999' }, 'appellationCode');
    await bad({ skills: [{ code: '99999999', requirement: 'required' }] }, 'skills/0/code');
    await bad({ contractType: 'CDI', durationMonths: 6 }, 'durationMonths');
    await bad({ contractType: 'XYZ' }, 'contractType');
    await bad({ communeCode: null }, 'communeCode');
    await bad({ startDate: '2027-02-31' }, 'startDate');
  });

  it('keeps offers to employers and SIAE managers, and refuses a stale edit', async () => {
    expect((await employerCounsellor.api('POST', '/api/v1/job-offers', offer())).statusCode).toBe(403);
    expect((await counsellor.api('POST', '/api/v1/job-offers', offer())).statusCode).toBe(403);
    const created = await siaeManager.api(
      'POST',
      '/api/v1/job-offers',
      offer({ contractType: 'CDDI', publish: true }),
    );
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    // Another organisation's manager neither edits nor closes it.
    expect(
      (await manager.api('PATCH', `/api/v1/job-offers/${id}`, { version: 1, positions: 3 })).statusCode,
    ).toBe(404);
    const edit = await siaeManager.api('PATCH', `/api/v1/job-offers/${id}`, { version: 1, positions: 3 });
    expect(edit.statusCode).toBe(200);
    const stale = await siaeManager.api('PATCH', `/api/v1/job-offers/${id}`, { version: 1, positions: 4 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().field).toBe('version');
    const invalidMerge = await siaeManager.api('PATCH', `/api/v1/job-offers/${id}`, {
      version: 2,
      salaryMinCents: 5_000_00,
    });
    expect(invalidMerge.json().field).toBe('salaryMinCents');
    const mine = await siaeManager.api('GET', '/api/v1/job-offers?scope=mine');
    expect(mine.json().items.map((o: { id: string }) => o.id)).toContain(id);
    expect((await counsellor.api('GET', '/api/v1/job-offers?scope=mine')).statusCode).toBe(403);
  });

  it('serves the employer pages: form, refusals named in the form, offer page, changes of state', async () => {
    const form = await manager.get('/employeur/offres/nouvelle');
    expect(form.statusCode).toBe(200);
    // The appellations are suggested by the referentials' route, as on the persons' form.
    expect(form.body).toContain('hx-get="/appellations/suggestions"');
    const fields = {
      appellationCode: appellation,
      title: 'Cariste H/F',
      description: 'Préparation de commandes.',
      communeCode: commune,
      contractType: 'MIS',
      durationMonths: '3',
      positions: '1',
      salaryMin: '2 000',
      salaryMax: '1 900',
      requiredSkill1: skill,
      experience: 'S',
    };
    const refused = await manager.post('/employeur/offres', fields);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/le minimum dépasse le maximum/);
    expect(refused.body).toContain('aria-describedby="champ-salaryMin-erreur"');
    const badSkill = await manager.post('/employeur/offres', {
      ...fields,
      salaryMax: '2 400',
      requiredSkill1: '99999999',
    });
    expect(badSkill.body).toContain('aria-describedby="champ-requiredSkill1-erreur"');
    const created = await manager.post('/employeur/offres', {
      ...fields,
      salaryMax: '2 400',
      publish: 'true',
    });
    expect(created.statusCode).toBe(303);
    const url = String(created.headers.location);
    const page = await manager.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Cariste H/F');
    expect(page.body).toMatch(/De 2\s000\s€ à 2\s400\s€ brut par mois/);
    expect(page.body).toContain('Marquer comme pourvue');
    expect(page.body).toContain('<caption>Historique des états</caption>');
    const closed = await manager.post(`${url}/etat`, { to: 'closed', version: '1' });
    expect(closed.statusCode).toBe(303);
    expect((await counsellor.get(url)).statusCode).toBe(404);
    const mine = await manager.get('/employeur/offres?state=closed');
    expect(mine.body).toContain('Cariste H/F');
    const suggestions = await manager.get(`/appellations/suggestions?appellationCode=agent`);
    expect(suggestions.body).toContain('<option value=');
    expect((await manager.get('/offres/appellations-suggerees?appellationCode=agent')).statusCode).toBe(404);
    expect((await counsellor.get('/employeur/offres/nouvelle')).statusCode).toBe(403);
  });
});
