import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { member, organisation } from '../../../test/persons-fixtures.js';
import { personsService } from '../persons/service.js';
import type { PathwaysNeeds } from './needs.js';
import { pathwaysService } from './service.js';

/**
 * Orientations between partners (issue 12 §1): a Mission locale orients a person it follows to an
 * ACI's position; the ACI sees what it needs to decide and nothing more, answers with the states of
 * the table, and once it accepts reads the file (« qui voit ce dossier »); an unrelated organisation
 * is refused everywhere; a stale or concurrent decision is refused; an unanswered request expires.
 */
describe.each(testEngines())('orientations on %s', (engine) => {
  let t: TestApp;
  const orgs = { ml: '', aci: '', ei: '', other: '' };
  const positions = { aci: '', ei: '', full: '' };
  let ml: Browser;
  let aci: Browser;
  let ei: Browser;
  let other: Browser;

  async function person(referent: string) {
    const { rows } = await sql<{ id: string }>`
      insert into person (referent_organisation_id, last_name, first_name, name_key, birth_date, wanted_jobs,
        legal_basis, informed_on, situations)
      values (${referent}, ${`Orient-${randomUUID().slice(0, 6)}`}, 'Sacha', ${`or|${randomUUID().slice(0, 8)}`},
        '1995-03-04', '{}', 'public_service', '2026-01-02', array['rsa']::text[]) returning id`.execute(t.db);
    return rows[0]!.id;
  }
  async function position(org: string, places = 2) {
    const { rows } = await sql<{ id: string }>`
      insert into siae_position (organisation_id, appellation_code, title, open_places)
      values (${org}, (select code from rome_appellation order by code limit 1), 'Agent d’entretien des espaces verts', ${places})
      returning id`.execute(t.db);
    return rows[0]!.id;
  }
  const orient = (b: Browser, personId: string, targetRef: string) =>
    b.api('POST', '/api/v1/orientations', {
      personId,
      targetKind: 'siae_position',
      targetRef,
      message: 'Projet : reprendre une activité en extérieur, accompagnement renforcé.',
    });

  beforeAll(async () => {
    t = await createTestApp(engine);
    orgs.ml = await organisation(t.db, 'mission_locale');
    orgs.aci = await organisation(t.db, 'siae_aci');
    orgs.ei = await organisation(t.db, 'siae_ei');
    orgs.other = await organisation(t.db, 'cap_emploi');
    positions.aci = await position(orgs.aci);
    positions.ei = await position(orgs.ei);
    positions.full = await position(orgs.aci, 0);
    ml = await new Browser(t.app).login(await member(t.db, orgs.ml));
    aci = await new Browser(t.app).login(await member(t.db, orgs.aci));
    ei = await new Browser(t.app).login(await member(t.db, orgs.ei));
    other = await new Browser(t.app).login(await member(t.db, orgs.other));
  });
  afterAll(() => t.close());

  it('sends a request the SIAE reads without the file, accepts it, and then shares the file', async () => {
    const personId = await person(orgs.ml);
    const sent = await orient(ml, personId, positions.aci);
    expect(sent.statusCode).toBe(201);
    const { id } = sent.json();

    // The ACI sees the request, not the file (no situations, no barriers).
    const seen = await aci.api('GET', `/api/v1/orientations/${id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().orientation.person).not.toHaveProperty('situations');
    expect(JSON.stringify(seen.json())).not.toContain('rsa');
    expect((await aci.api('GET', `/api/v1/persons/${personId}`)).statusCode).toBe(403);
    const received = await aci.api('GET', '/api/v1/orientations?side=received&state=open');
    expect(received.json().items.map((o: { id: string }) => o.id)).toContain(id);

    // Others: 403 on the request, the file and the timeline.
    expect((await other.api('GET', `/api/v1/orientations/${id}`)).statusCode).toBe(403);
    expect((await other.api('GET', `/api/v1/persons/${personId}/pathway`)).statusCode).toBe(403);

    // The prescriber may not answer in the receiver's place.
    const byPrescriber = await ml.api('POST', `/api/v1/orientations/${id}/decision`, {
      to: 'accepted',
      version: 1,
      startOn: '2026-12-01',
    });
    expect(byPrescriber.statusCode).toBe(409);

    const studying = await aci.api('POST', `/api/v1/orientations/${id}/decision`, {
      to: 'studying',
      version: 1,
    });
    expect(studying.json()).toEqual({ version: 2, state: 'studying' });
    // A decision on a version read before someone changed it is refused.
    const stale = await aci.api('POST', `/api/v1/orientations/${id}/decision`, { to: 'on_hold', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().field).toBe('version');
    const noDate = await aci.api('POST', `/api/v1/orientations/${id}/decision`, {
      to: 'accepted',
      version: 2,
    });
    expect(noDate.statusCode).toBe(400);
    expect(noDate.json().field).toBe('startOn');
    const accepted = await aci.api('POST', `/api/v1/orientations/${id}/decision`, {
      to: 'accepted',
      version: 2,
      startOn: '2026-12-01',
    });
    expect(accepted.statusCode).toBe(200);

    // Accepted: the ACI reads the file (without its sensitive facets), and the file says who sees it.
    const file = await aci.api('GET', `/api/v1/persons/${personId}`);
    expect(file.statusCode).toBe(200);
    const held = await ml.api('GET', `/api/v1/persons/${personId}`);
    expect(held.json().shares.map((s: { organisationId: string }) => s.organisationId)).toContain(orgs.aci);

    // The timeline shows every step to both organisations, and to no other.
    for (const b of [ml, aci]) {
      const timeline = await b.api('GET', `/api/v1/persons/${personId}/pathway`);
      expect(timeline.statusCode).toBe(200);
      const summaries = timeline
        .json()
        .events.map((e: { summary: string }) => e.summary)
        .join('\n');
      expect(summaries).toContain('acceptée');
      expect(summaries).toContain('mise à l’étude');
    }
    expect((await other.api('GET', `/api/v1/persons/${personId}/pathway`)).statusCode).toBe(403);

    // A final state moves no more.
    const again = await aci.api('POST', `/api/v1/orientations/${id}/decision`, {
      to: 'refused',
      version: 3,
      reason: 'full',
    });
    expect(again.statusCode).toBe(409);
  });

  it('refuses a full position, a duplicate request, a refusal without a reason, and names the field', async () => {
    const personId = await person(orgs.ml);
    const full = await orient(ml, personId, positions.full);
    expect(full.statusCode).toBe(400);
    expect(full.json().field).toBe('targetRef');
    expect(full.json().detail).toContain('complet');
    expect((await orient(ml, personId, positions.aci)).statusCode).toBe(201);
    const twice = await orient(ml, personId, positions.aci);
    expect(twice.statusCode).toBe(409);
    const { items } = (await aci.api('GET', '/api/v1/orientations?side=received&state=open')).json();
    const mine = items.find((o: { person: { id: string } }) => o.person.id === personId);
    const noReason = await aci.api('POST', `/api/v1/orientations/${mine.id}/decision`, {
      to: 'refused',
      version: mine.version,
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().field).toBe('reason');
    const otherNoComment = await aci.api('POST', `/api/v1/orientations/${mine.id}/decision`, {
      to: 'refused',
      version: mine.version,
      reason: 'other',
    });
    expect(otherNoComment.json().field).toBe('comment');
    const refused = await aci.api('POST', `/api/v1/orientations/${mine.id}/decision`, {
      to: 'refused',
      version: mine.version,
      reason: 'barriers',
      comment: 'Revenir après la levée du frein logement.',
    });
    expect(refused.statusCode).toBe(200);
    // The prescriber reads the reason and the comment.
    const seen = (await ml.api('GET', `/api/v1/orientations/${mine.id}`)).json().orientation;
    expect(seen.refusalReasonLabel).toContain('Freins');
    expect(seen.decisionComment).toContain('logement');
    // Refused: no share.
    expect((await aci.api('GET', `/api/v1/persons/${personId}`)).statusCode).toBe(403);
    // An organisation that cannot read the file cannot orient the person.
    expect((await orient(other, personId, positions.ei)).statusCode).toBe(403);
  });

  it('lets only one of two SIAE accept the same person the same day, even at once', async () => {
    const personId = await person(orgs.ml);
    const a = (await orient(ml, personId, positions.aci)).json().id;
    const b = (await orient(ml, personId, positions.ei)).json().id;
    const [ra, rb] = await Promise.all([
      aci.api('POST', `/api/v1/orientations/${a}/decision`, {
        to: 'accepted',
        version: 1,
        startOn: '2026-12-07',
      }),
      ei.api('POST', `/api/v1/orientations/${b}/decision`, {
        to: 'accepted',
        version: 1,
        startOn: '2026-12-07',
      }),
    ]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([200, 409]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from orientation
      where person_id = ${personId} and state = 'accepted'`.execute(t.db);
    expect(rows[0]!.n).toBe(1);
    const refusedOne = [ra, rb].find((r) => r.statusCode === 409)!;
    expect(refusedOne.json().detail).toContain('aujourd’hui');
  });

  it('expires unanswered requests after the delay, with a notice to both, and safely when run twice', async () => {
    const personId = await person(orgs.ml);
    const { id } = (await orient(ml, personId, positions.ei)).json();
    await sql`update orientation set expires_on = current_date - 1 where id = ${id}`.execute(t.db);
    // The nightly job's use case, built as the app builds it (persons for the shares it ends).
    const pathways = pathwaysService(t.db, { persons: personsService(t.db) } as unknown as PathwaysNeeds);
    const first = await pathways.expireOverdue();
    expect(first.expired).toBeGreaterThanOrEqual(1);
    expect((await pathways.expireOverdue()).expired).toBe(0);
    const seen = (await ml.api('GET', `/api/v1/orientations/${id}`)).json();
    expect(seen.orientation.state).toBe('expired');
    expect(seen.transitions.at(-1).actorLabel).toContain('Passerelle');
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from domain_event
      where type = 'orientation.expired' and payload->>'orientationId' = ${id}`.execute(t.db);
    expect(rows[0]!.n).toBe(1);
  });

  it('walks the pages: orient from the file, answer on the request page, read the timeline and the daily lists', async () => {
    const personId = await person(orgs.ml);
    const fresh = await position(orgs.aci, 3);
    const form = await ml.get(`/personnes/${personId}/orienter?vers=siae_position`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Poste proposé par une SIAE');
    const empty = await ml.post(`/personnes/${personId}/orienter`, {
      targetKind: 'siae_position',
      targetRef: positions.aci,
      message: '',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('pourquoi vous orientez');
    const sent = await ml.post(`/personnes/${personId}/orienter`, {
      targetKind: 'siae_position',
      targetRef: fresh,
      message: 'Souhaite travailler en extérieur.',
    });
    expect(sent.statusCode).toBe(303);
    const url = String(sent.headers.location).split('?')[0]!;
    const page = await aci.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Accepter l’orientation');
    const version = page.body.match(/name="version" value="(\d+)"/)![1]!;
    const refusedNoReason = await aci.post(`${url}/decision`, { to: 'refused', version });
    expect(refusedNoReason.statusCode).toBe(400);
    expect(refusedNoReason.body).toContain('motif du refus');
    const accepted = await aci.post(`${url}/decision`, { to: 'accepted', version, startOn: '2026-12-14' });
    expect(accepted.statusCode).toBe(303);
    const after = await aci.get(url);
    expect(after.body).toContain('Embaucher et délivrer le PASS IAE');
    const note = await ml.post(`/personnes/${personId}/parcours/notes`, {
      kind: 'appointment',
      occurredOn: '2026-12-01',
      text: 'Point d’étape avec la Mission locale',
    });
    expect(note.statusCode).toBe(303);
    for (const b of [ml, aci]) {
      const timeline = await b.get(`/personnes/${personId}/parcours`);
      expect(timeline.statusCode).toBe(200);
      expect(timeline.body).toContain('Point d’étape avec la Mission locale');
      expect(timeline.body).toContain('acceptée');
    }
    expect((await other.get(`/personnes/${personId}/parcours`)).statusCode).toBe(403);
    const lists = await ml.get('/parcours/suivi?perimetre=organisation');
    expect(lists.statusCode).toBe(200);
    expect(lists.body).toContain('Orientations en attente de réponse');
  });

  it('joins the prescriber’s valid IAE diagnosis to an orientation to an SIAE, its validity shown, never its criteria', async () => {
    const personId = await person(orgs.ml);
    const diagnosis = await ml.api('POST', '/api/v1/eligibility-diagnoses', {
      personId,
      criteria: [{ code: 'RSA' }],
    });
    expect(diagnosis.statusCode).toBe(201);
    const fresh = await position(orgs.aci, 3);
    const { id } = (await orient(ml, personId, fresh)).json();
    const seen = (await aci.api('GET', `/api/v1/orientations/${id}`)).json().orientation;
    expect(seen.diagnosisId).toBe(diagnosis.json().id);
    expect(seen.diagnosis.expiresOn).toBe(diagnosis.json().expiresOn);
    expect(JSON.stringify(seen)).not.toContain('RSA');
    const page = await aci.get(`/orientations/${id}`);
    expect(page.body).toMatch(/Diagnostic de .*valable jusqu/);
  });

  it('mails each organisation the news of its orientations once, without the person’s situation', async () => {
    const personId = await person(orgs.ml);
    const fresh = await position(orgs.ei, 2);
    const { id } = (await orient(ml, personId, fresh)).json();
    const { memoryMailer } = await import('../../shared/mailer.js');
    const mailer = memoryMailer();
    const pathways = pathwaysService(t.db, { persons: personsService(t.db) } as unknown as PathwaysNeeds, {
      mailer,
      publicUrl: 'https://passerelle.example',
    });
    const first = await pathways.sendNotices();
    expect(first.mails).toBeGreaterThanOrEqual(1);
    const toReceiver = mailer.sent.find((m) => m.text.includes(`/orientations/${id}`));
    expect(toReceiver?.text).toContain('Nouvelle orientation de Sacha');
    expect(toReceiver?.text).not.toContain('rsa');
    // Sent once: the events are marked processed.
    expect((await pathways.sendNotices()).mails).toBe(0);
  });
});
