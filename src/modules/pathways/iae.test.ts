import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { member, organisation } from '../../../test/persons-fixtures.js';
import { addDays, addMonths } from './dates.js';

/**
 * IAE eligibility, PASS IAE, contracts and exits (issue 12 §3-5) through the API, on both engines:
 * every « bad input » of the issue refused with its field and nothing half-written, the sensitive
 * criteria shown only to the author, the referent and the hiring SIAE, concurrent hires serialised.
 */
describe.each(testEngines())('IAE pathway on %s', (engine) => {
  let t: TestApp;
  const orgs = { ml: '', cap: '', aci: '', ei: '', ai: '', other: '' };
  const as: Record<keyof typeof orgs, Browser> = {} as never;
  const today = new Date().toISOString().slice(0, 10);

  /** A person followed by the Mission locale, shared with the given organisations. */
  async function person(
    shares: (keyof typeof orgs)[] = ['aci', 'ei', 'ai', 'cap'],
    birthDate = '1990-01-01',
  ) {
    const { rows } = await sql<{ id: string }>`
      insert into person (referent_organisation_id, last_name, first_name, name_key, birth_date, wanted_jobs, legal_basis, informed_on)
      values (${orgs.ml}, ${`Iae-${randomUUID().slice(0, 6)}`}, 'Sam', ${`iae|${randomUUID().slice(0, 8)}`}, ${birthDate},
        array[]::text[], 'public_service', '2026-01-02') returning id`.execute(t.db);
    const id = rows[0]!.id;
    for (const s of shares)
      await sql`insert into person_share (person_id, organisation_id, consent_on, recorded_by_label)
        values (${id}, ${orgs[s]}, ${today}, 'test')`.execute(t.db);
    return id;
  }
  const count = async (table: string, personId: string) =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*)::text as n from ${sql.table(table)} where person_id = ${personId}::uuid`.execute(
          t.db,
        )
      ).rows[0]!.n,
    );
  const diagnose = (who: keyof typeof orgs, personId: string, codes: string[]) =>
    as[who].api('POST', '/api/v1/eligibility-diagnoses', {
      personId,
      criteria: codes.map((code) => ({ code, proof: 'Attestation', proofOn: today })),
    });
  const hire = (who: keyof typeof orgs, personId: string, over: Record<string, unknown> = {}) =>
    as[who].api('POST', '/api/v1/approvals', {
      personId,
      startOn: today,
      contractKind: who === 'ai' ? 'MAD' : 'CDDI',
      endOn: addMonths(today, 6),
      hoursPerWeek: 26,
      ...over,
    });

  beforeAll(async () => {
    t = await createTestApp(engine);
    orgs.ml = await organisation(t.db, 'mission_locale');
    orgs.cap = await organisation(t.db, 'cap_emploi');
    orgs.aci = await organisation(t.db, 'siae_aci');
    orgs.ei = await organisation(t.db, 'siae_ei');
    orgs.ai = await organisation(t.db, 'siae_ai');
    orgs.other = await organisation(t.db, 'structure_accompagnement');
    for (const k of Object.keys(orgs) as (keyof typeof orgs)[])
      as[k] = await new Browser(t.app).login(await member(t.db, orgs[k], 'conseiller'));
  });
  afterAll(() => t.close());

  it('refuses a diagnosis with incompatible criteria or too few for the SIAE kind, naming the field', async () => {
    const p = await person();
    const tooFew = await diagnose('aci', p, ['CAP_BEP', 'TH']);
    expect(tooFew.statusCode).toBe(400);
    expect(tooFew.json().field ?? tooFew.json().errors?.[0]?.field).toBeDefined();
    expect(JSON.stringify(tooFew.json())).toContain('criteria');
    // Two level-2 criteria are enough for an AI (arrêté du 1er septembre 2021).
    expect((await diagnose('ai', p, ['CAP_BEP', 'TH'])).statusCode).toBe(201);
    const incompatible = await diagnose('ml', p, ['SENIOR', 'JEUNE']);
    expect(incompatible.statusCode).toBe(400);
    expect(JSON.stringify(incompatible.json())).toContain('criteria');
    const unknown = await diagnose('ml', p, ['NOPE']);
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json())).toContain('criteria.NOPE');
    // A prescriber needs none; an organisation that is neither is refused.
    expect((await diagnose('ml', p, [])).statusCode).toBe(201);
    expect((await diagnose('other', p, [])).statusCode).toBe(403);
    expect(await count('eligibility_diagnosis', p)).toBe(2);
  });

  it('shows the criteria to the author, the referent and the hiring SIAE only, and audits every read', async () => {
    const p = await person();
    const made = await diagnose('aci', p, ['RSA']);
    expect(made.statusCode).toBe(201);
    const read = async (who: keyof typeof orgs) => {
      const r = await as[who].api('GET', `/api/v1/eligibility-diagnoses?personId=${p}`);
      expect(r.statusCode).toBe(200);
      return r.json()[0];
    };
    expect((await read('aci')).criteria.map((c: { code: string }) => c.code)).toEqual(['RSA']);
    expect((await read('ml')).criteria).toHaveLength(1);
    const cap = await read('cap');
    expect(cap.criteria).toBeNull();
    expect(cap.criteriaNote).toBe('critères réservés');
    expect((await read('ei')).criteria).toBeNull();
    // The EI hires with it: it now sees them.
    expect((await hire('ei', p)).statusCode).toBe(201);
    expect((await read('ei')).criteria).toHaveLength(1);
    expect((await read('cap')).criteria).toBeNull();
    const one = await as.cap.api('GET', `/api/v1/eligibility-diagnoses/${made.json().id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().criteria).toBeNull();
    const { rows } = await sql<{ n: string }>`
      select count(*)::text as n from audit_log where action = 'eligibility.read'
        and details->>'personId' = ${p}`.execute(t.db);
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(7);
    // The timeline never carries the criteria.
    const { rows: steps } = await sql<{ summary: string }>`
      select summary from pathway_event where person_id = ${p}::uuid and kind = 'diagnosis'`.execute(t.db);
    expect(steps[0]!.summary).toMatch(/valable jusqu’au/);
    expect(steps[0]!.summary).not.toMatch(/RSA|revenu/i);
    // An organisation without access to the file gets 403.
    const stranger = await person([]);
    expect((await as.aci.api('GET', `/api/v1/eligibility-diagnoses?personId=${stranger}`)).statusCode).toBe(
      403,
    );
  });

  it('issues a PASS on hire, refuses a hire without diagnosis, and a person in the waiting period', async () => {
    const p = await person();
    const none = await hire('aci', p);
    expect(none.statusCode).toBe(400);
    expect(await count('approval', p)).toBe(0);
    expect((await diagnose('aci', p, ['RSA'])).statusCode).toBe(201);
    const ok = await hire('aci', p);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().number).toMatch(/^99998\d{7}$/);
    expect(ok.json().issued).toBe(true);
    expect(ok.json().endOn).toBe(addDays(addMonths(today, 24), -1));
    const { rows } = await sql<{ kind: string }>`
      select kind from pathway_event where person_id = ${p}::uuid order by id`.execute(t.db);
    expect(rows.map((r) => r.kind)).toEqual(['diagnosis', 'approval', 'contract']);
    const outbox = await sql<{ n: string }>`
      select count(*)::text as n from domain_event where type = 'approval.issued' and payload->>'personId' = ${p}`.execute(
      t.db,
    );
    expect(outbox.rows[0]!.n).toBe('1');

    // Waiting period: a PASS that ended 100 days ago; an SIAE's diagnosis does not lift it.
    const q = await person();
    await sql`insert into approval (number, person_id, siae_organisation_id, start_on, base_end_on, end_on, created_by_label)
      values (${`99997${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`}, ${q}, ${orgs.ei},
        ${addDays(today, -830)}, ${addDays(today, -100)}, ${addDays(today, -100)}, 'test')`.execute(t.db);
    expect((await diagnose('aci', q, ['RSA'])).statusCode).toBe(201);
    const waiting = await hire('aci', q);
    expect(waiting.statusCode).toBe(400);
    expect(waiting.json().detail ?? waiting.json().title).toMatch(/carence/);
    expect(await count('approval', q)).toBe(1);
    expect(await count('iae_contract', q)).toBe(0);
    // An authorised prescriber's diagnosis after that end lifts it.
    expect((await diagnose('ml', q, [])).statusCode).toBe(201);
    expect((await hire('aci', q)).statusCode).toBe(201);
    expect(await count('approval', q)).toBe(2);
  });

  it('serialises two concurrent hires of the same person: one PASS, one contract, the other refused', async () => {
    const p = await person();
    expect((await diagnose('ml', p, [])).statusCode).toBe(201);
    const [a, b] = await Promise.all([hire('aci', p), hire('ei', p)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect(await count('approval', p)).toBe(1);
    expect(await count('iae_contract', p)).toBe(1);
  });

  it('suspends within the limits and moves the end; prolongs on an authorised prescriber’s decision', async () => {
    const p = await person();
    await diagnose('ml', p, []);
    const h = (await hire('aci', p)).json();
    const tooLong = await as.aci.api('POST', `/api/v1/approvals/${h.approvalId}/suspensions`, {
      startOn: today,
      endOn: addMonths(today, 36),
      reason: 'CONTRACT_SUSPENDED',
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().field ?? JSON.stringify(tooLong.json())).toContain('endOn');
    expect(
      (
        await as.ei.api('POST', `/api/v1/approvals/${h.approvalId}/suspensions`, {
          startOn: today,
          endOn: addDays(today, 9),
          reason: 'CONTRACT_SUSPENDED',
        })
      ).statusCode,
    ).toBe(403);
    const s = await as.aci.api('POST', `/api/v1/approvals/${h.approvalId}/suspensions`, {
      startOn: today,
      endOn: addDays(today, 9),
      reason: 'CONTRACT_SUSPENDED',
    });
    expect(s.statusCode).toBe(201);
    expect(s.json().endOn).toBe(addDays(h.endOn, 10));
    const read = await as.aci.api('GET', `/api/v1/approvals/${h.approvalId}`);
    expect(read.json().approval.status).toBe('suspended');

    const request = await as.aci.api('POST', `/api/v1/approvals/${h.approvalId}/prolongations`, {
      endOn: addMonths(s.json().endOn, 6),
      reason: 'RQTH',
      prescriberOrganisationId: orgs.ml,
    });
    expect(request.statusCode).toBe(201);
    const pid = request.json().id;
    expect(
      (await as.aci.api('POST', `/api/v1/prolongations/${pid}/decision`, { decision: 'granted', version: 1 }))
        .statusCode,
    ).toBe(403);
    expect(
      (await as.cap.api('POST', `/api/v1/prolongations/${pid}/decision`, { decision: 'granted', version: 1 }))
        .statusCode,
    ).toBe(403);
    const list = await as.ml.get('/pass-iae/prolongations');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(h.number);
    const granted = await as.ml.api('POST', `/api/v1/prolongations/${pid}/decision`, {
      decision: 'granted',
      version: 1,
    });
    expect(granted.statusCode).toBe(200);
    expect(granted.json().endOn).toBe(addMonths(s.json().endOn, 6));
    expect(
      (await as.ml.api('POST', `/api/v1/prolongations/${pid}/decision`, { decision: 'granted', version: 1 }))
        .statusCode,
    ).toBe(409);
  });

  it('records hours and exits: refuses an exit before the start, an unknown reason and a second exit', async () => {
    const p = await person();
    await diagnose('ml', p, []);
    const h = (await hire('ai', p)).json();
    const hours = await as.ai.api('POST', `/api/v1/contracts/${h.contractId}/hours`, {
      month: today.slice(0, 7),
      hours: 151,
    });
    expect(hours.statusCode).toBe(200);
    const before = await as.ai.api('POST', '/api/v1/exits', {
      contractId: h.contractId,
      exitOn: addDays(today, -1),
      reason: 'CDI',
    });
    expect(before.statusCode).toBe(400);
    expect(JSON.stringify(before.json())).toContain('La sortie précède le début du contrat');
    const unknown = await as.ai.api('POST', '/api/v1/exits', {
      contractId: h.contractId,
      exitOn: today,
      reason: 'NOPE',
    });
    expect(unknown.statusCode).toBe(400);
    expect(await count('iae_exit', p)).toBe(0);
    expect(
      (await as.aci.api('POST', '/api/v1/exits', { contractId: h.contractId, exitOn: today, reason: 'CDI' }))
        .statusCode,
    ).toBe(403);
    const exit = await as.ai.api('POST', '/api/v1/exits', {
      contractId: h.contractId,
      exitOn: today,
      reason: 'CDD_6_MOIS_OU_PLUS',
    });
    expect(exit.statusCode).toBe(201);
    expect(exit.json()).toMatchObject({
      category: 'durable',
      counted: true,
      hoursWorked: 151,
      contractDays: 1,
    });
    expect(
      (await as.ai.api('POST', '/api/v1/exits', { contractId: h.contractId, exitOn: today, reason: 'CDI' }))
        .statusCode,
    ).toBe(409);
    const exits = await as.ml.api('GET', `/api/v1/exits?personId=${p}`);
    expect(exits.json()).toHaveLength(1);
    expect(exits.json()[0].categoryLabel).toBeTruthy();
    const { rows } = await sql<{ summary: string }>`
      select summary from pathway_event where person_id = ${p}::uuid and kind = 'exit'`.execute(t.db);
    expect(rows[0]!.summary).toMatch(/^Sortie : /);
    // The share of the file with the AI now ends after the follow-up period.
    const share = await sql<{ until: string | null }>`
      select until::text from person_share where person_id = ${p}::uuid and organisation_id = ${orgs.ai}::uuid`.execute(
      t.db,
    );
    expect(share.rows[0]).toBeDefined();
  });

  it('serves the pages: eligibility on the file, hire from an accepted orientation, the PASS, the SIAE’s list', async () => {
    const p = await person();
    const page = await as.ml.get(`/personnes/${p}/eligibilite`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Éligibilité IAE');
    expect(page.body).toContain('aucun critère n’est exigé');
    const tooFew = await as.aci.post(`/personnes/${p}/eligibilite`, { criteria: 'CAP_BEP' });
    expect(tooFew.statusCode).toBe(400);
    expect(tooFew.body).toContain('Diagnostic refusé');
    const made = await as.aci.post(`/personnes/${p}/eligibilite`, {
      criteria: 'RSA',
      proof: 'Attestation CAF',
    });
    expect(made.statusCode).toBe(303);
    expect((await as.aci.get(`/personnes/${p}/eligibilite`)).body).toContain('Attestation CAF');
    expect((await as.cap.get(`/personnes/${p}/eligibilite`)).body).toContain('critères réservés');

    const { rows } = await sql<{ id: string }>`
      insert into orientation (person_id, prescriber_organisation_id, prescriber_label, target_kind, target_organisation_id,
        target_label, message, expires_on, state, accepted_on, start_on)
      values (${p}, ${orgs.ml}, 'Conseillère ML', 'siae_position', ${orgs.aci}, 'Agent d’entretien', 'Motivée',
        ${addDays(today, 60)}, 'accepted', ${today}, ${today}) returning id`.execute(t.db);
    const o = rows[0]!.id;
    expect((await as.ml.get(`/orientations/${o}/embauche`)).statusCode).toBe(403);
    const form = await as.aci.get(`/orientations/${o}/embauche`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('CDDI');
    const refused = await as.aci.post(`/orientations/${o}/embauche`, {
      contractKind: 'CTTI',
      startOn: today,
    });
    expect(refused.statusCode).toBe(400);
    const hired = await as.aci.post(`/orientations/${o}/embauche`, {
      contractKind: 'CDDI',
      startOn: today,
      endOn: addMonths(today, 4),
      hoursPerWeek: '26',
    });
    expect(hired.statusCode).toBe(303);
    const pass = String(hired.headers.location);
    expect(pass).toMatch(/^\/pass-iae\/[0-9a-f-]{36}\?info=delivre$/);
    const passPage = await as.aci.get(pass);
    expect(passPage.statusCode).toBe(200);
    expect(passPage.body).toContain('PASS IAE n° 99998');
    expect(passPage.body).toContain('Suspendre');
    const tooEarly = await as.aci.post(
      `${pass.split('?')[0]}/contrats/${
        (
          await sql<{ id: string }>`
      select id from iae_contract where person_id = ${p}::uuid`.execute(t.db)
        ).rows[0]!.id
      }/sortie`,
      {
        form: 'sortie',
        exitOn: addDays(today, -1),
        reason: 'CDI',
      },
    );
    expect(tooEarly.statusCode).toBe(400);
    expect(tooEarly.body).toContain('La sortie précède le début du contrat');
    // The file's referent reads the PASS without its forms.
    const mlPass = await as.ml.get(pass.split('?')[0]!);
    expect(mlPass.statusCode).toBe(200);
    expect(mlPass.body).not.toContain('Suspendre le PASS');
    const list = await as.aci.get('/iae');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('PASS n° 99998');
    expect((await as.ml.get('/iae')).statusCode).toBe(403);
  });

  it('declared every audited access of its routes', () => {
    expect(t.app.auditViolations).toEqual([]);
  });
});
