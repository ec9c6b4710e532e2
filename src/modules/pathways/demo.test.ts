import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { DEMO_PASSWORD, DEMO_REGION_CODE, DEMO_SEED } from '../../demo.js';
import type { Actor, OrganisationKind, Role } from '../identity/model.js';
import { personsService } from '../persons/service.js';
import { DEMO_COUNSELLOR_EMAIL, generateDemoPathways, seedDemoPathways } from './demo.js';
import { pathwaysDemoRepository } from './demo-repository.js';
import type { SiaeKind } from './eligibility-rules.js';
import { exitCategory, exitCounts } from './exit-rules.js';
import type { PathwaysNeeds } from './needs.js';
import { OPEN_STATES } from './rules.js';
import { pathwaysService } from './service.js';

const today = new Date().toISOString().slice(0, 10);

describe.each(testEngines())('pathways demo (%s)', (engine) => {
  let t: TestApp;
  let counsellor: Actor;
  let service: ReturnType<typeof pathwaysService>;

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    // The module seeds it when module.ts lists seedDemoPathways; until then (or on an older
    // template) it is seeded here: false when the demo already holds pathways.
    await seedDemoPathways({
      db: t.db,
      log: () => {},
      seed: DEMO_SEED,
      regionCode: DEMO_REGION_CODE,
      password: DEMO_PASSWORD,
      today,
    });
    // Only the persons' read check and the daily lists are used here: the offers and trainings
    // services the pathways' orientations need are left out.
    service = pathwaysService(t.db, { persons: personsService(t.db) } as unknown as PathwaysNeeds, {
      today: () => today,
    });
    const { rows } = await sql<{
      userId: string;
      organisationId: string;
      organisationName: string;
      label: string;
    }>`select u.id as "userId", o.id as "organisationId", o.name as "organisationName",
        u.first_name || ' ' || u.last_name as label
      from app_user u join membership m on m.user_id = u.id join organisation o on o.id = m.organisation_id
      where u.email = ${DEMO_COUNSELLOR_EMAIL} and o.kind = 'mission_locale'`.execute(t.db);
    const me = rows[0]!;
    counsellor = {
      via: 'session',
      userId: me.userId,
      label: me.label,
      isSuperAdmin: false,
      organisationId: me.organisationId,
      role: 'conseiller' as Role,
      memberships: [
        {
          organisationId: me.organisationId,
          organisationName: me.organisationName,
          organisationKind: 'mission_locale' as OrganisationKind,
          role: 'conseiller' as Role,
        },
      ],
      ip: null,
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives dynamic-exit rates neither 0 nor 100 %, with every exit category', async () => {
    const { rows } = await sql<{ scope: string; examined: number; dynamic: number }>`
      select scope, count(*)::int as examined,
        count(*) filter (where category in ('durable', 'transition', 'positive'))::int as dynamic
      from iae_exit, lateral (values ('all'), (case when siae_kind <> 'ACI' then 'excluding_aci' end)) s(scope)
      where counted and category <> 'withdrawn' and scope is not null
      group by scope order by scope`.execute(t.db);
    expect(rows.map((r) => r.scope)).toEqual(['all', 'excluding_aci']);
    for (const r of rows) {
      expect(r.dynamic).toBeGreaterThan(0);
      expect(r.dynamic).toBeLessThan(r.examined);
    }
    const categories = await sql<{
      category: string;
    }>`select distinct category from iae_exit order by 1`.execute(t.db);
    expect(categories.rows.map((r) => r.category)).toEqual([
      'durable',
      'other',
      'positive',
      'transition',
      'withdrawn',
    ]);
  });

  it('records each exit with the exit rules’ category and counting', async () => {
    const { rows } = await sql<{
      reason: string;
      category: string;
      counted: boolean;
      siae_kind: SiaeKind;
      hours: number;
      contract_days: number;
    }>`select reason, category, counted, siae_kind, hours_worked::float as hours, contract_days from iae_exit`.execute(
      t.db,
    );
    expect(rows.length).toBeGreaterThan(50);
    for (const x of rows) {
      expect(x.category).toBe(exitCategory(x.reason));
      expect(x.counted).toBe(
        exitCounts({ siaeKind: x.siae_kind, hoursWorked: x.hours, contractDays: x.contract_days }),
      );
    }
  });

  it('leaves every demo SIAE requests to answer', async () => {
    const { rows } = await sql<{ name: string; open: number }>`
      select o.name, count(r.id)::int as open from organisation o
      left join orientation r on r.target_organisation_id = o.id and r.state = any(${[...OPEN_STATES]})
      where o.kind like 'siae\\_%' group by o.id, o.name`.execute(t.db);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.open, r.name).toBeGreaterThan(0);
  });

  it('fills the demo Mission locale counsellor’s daily lists', async () => {
    const lists = await service.dailyLists(counsellor, { scope: 'me' });
    expect(lists.waiting.length).toBeGreaterThan(0);
    expect(lists.contractsEnding.length).toBeGreaterThan(0);
    expect(lists.approvalsEnding.length).toBeGreaterThan(0);
    expect(lists.silent.length).toBeGreaterThan(0);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pathway_member
      where user_id = ${counsellor.userId} and role = 'referent'`.execute(t.db);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(50);
  });

  it('shows a hired person’s timeline as orientation → diagnosis → PASS IAE → contract → exit', async () => {
    const { rows } = await sql<{
      person_id: string;
      orientation_id: string;
      approval_id: string;
      contract_id: string;
    }>`
      select c.person_id, c.orientation_id, c.approval_id, c.id as contract_id
      from iae_contract c join iae_exit x on x.contract_id = c.id
      join approval a on a.id = c.approval_id join eligibility_diagnosis d on d.id = a.diagnosis_id
      join pathway_member m on m.person_id = c.person_id and m.user_id = ${counsellor.userId}
      where d.author_kind = 'siae' order by c.start_on limit 1`.execute(t.db);
    const hired = rows[0]!;
    expect(hired).toBeDefined();
    const page = await service.timeline(counsellor, hired.person_id);
    const steps = [...page.events].reverse();
    const dates = steps.map((e) => e.occurredOn);
    expect(dates).toEqual([...dates].sort());
    const first = (kind: string, ref: string) => steps.findIndex((e) => e.kind === kind && e.refId === ref);
    const accepted = steps.findIndex(
      (e) => e.kind === 'orientation' && e.refId === hired.orientation_id && e.summary.includes('acceptée'),
    );
    const diagnosis = steps.findIndex((e, i) => e.kind === 'diagnosis' && i > accepted);
    const approval = first('approval', hired.approval_id);
    const contract = first('contract', hired.contract_id);
    const exit = first('exit', hired.contract_id);
    expect(first('orientation', hired.orientation_id)).toBeLessThan(accepted);
    expect([accepted, diagnosis, approval, contract, exit].every((i) => i >= 0)).toBe(true);
    expect(accepted).toBeLessThan(diagnosis);
    expect(diagnosis).toBeLessThan(approval);
    expect(approval).toBeLessThan(contract);
    expect(contract).toBeLessThan(exit);
  });

  it('writes each step by an organisation that may read the file, or that received the request', async () => {
    // The referent organisation, an organisation the file was shared with on that day (by consent
    // or by an accepted orientation, until its end), or the receiver of one of the person's
    // orientations (it reads the request's view to answer it, issue 12 §1); null: the platform.
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pathway_event e join person p on p.id = e.person_id
      where e.organisation_id is not null and e.organisation_id <> p.referent_organisation_id
        and not exists (select 1 from person_share s where s.person_id = e.person_id
          and s.organisation_id = e.organisation_id and (s.until is null or s.until >= e.occurred_on))
        and not exists (select 1 from orientation o where o.person_id = e.person_id
          and o.target_organisation_id = e.organisation_id)`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
    // The SIAE that employ a person now read the file (checkReader: referent or share).
    const running = await sql<{ person_id: string; organisation_id: string }>`
      select m.person_id, m.organisation_id from pathway_member m where m.role = 'co' limit 5`.execute(t.db);
    expect(running.rows.length).toBeGreaterThan(0);
    const persons = personsService(t.db);
    for (const r of running.rows)
      await persons.checkReader(
        {
          ...counsellor,
          organisationId: r.organisation_id,
          memberships: [{ ...counsellor.memberships[0]!, organisationId: r.organisation_id }],
        },
        r.person_id,
      );
  });

  it('records every change of state of an orientation as a transition', async () => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from orientation o where
        (select t.to_state from orientation_transition t where t.orientation_id = o.id order by t.occurred_at desc, t.id desc limit 1)
          is distinct from o.state
        or not exists (select 1 from orientation_transition t where t.orientation_id = o.id and t.from_state is null and t.to_state = 'sent')`.execute(
      t.db,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('draws the same pathways from the same region, seed and day', async () => {
    const sources = await pathwaysDemoRepository(t.db).sources();
    const a = generateDemoPathways(sources, { seed: DEMO_SEED, today, firstApprovalNumber: 1 });
    const b = generateDemoPathways(sources, { seed: DEMO_SEED, today, firstApprovalNumber: 1 });
    expect(a.counts).toEqual(b.counts);
    expect(a.rows.iae_exit).toEqual(b.rows.iae_exit);
  });
});
