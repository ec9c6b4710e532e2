import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { sampleService, sampleStructure } from '../../../test/directory-fixtures.js';
import { member, organisation } from '../../../test/persons-fixtures.js';
import { recordsRepository } from '../directory/records-repository.js';

/**
 * Orientation to a service of the directory (issue 13 §4): the structure's Passerelle organisation
 * receives it, whatever its kind, and finds it among its received requests; a structure that is not
 * on Passerelle is refused naming targetRef; the forms and the request link the service's sheet.
 */
describe.each(testEngines())('orientations to a directory service on %s', (engine) => {
  let t: TestApp;
  const orgs = { ml: '', partner: '', employer: '' };
  const services = { partner: '', employer: '', unlinked: '', own: '' };
  let ml: Browser;
  let partner: Browser;
  let employer: Browser;
  let personId = '';

  async function publish(key: string, organisationId: string | null) {
    const records = recordsRepository(t.db);
    return t.db.transaction().execute(async (tx) => {
      const { uuid } = await records.writeStructure(
        tx,
        sampleStructure({ id: `test--${key}`, nom: `Structure ${key}`, siret: null }),
        organisationId,
      );
      return (
        await records.writeService(
          tx,
          sampleService({ id: `test--${key}-v`, structure_id: `test--${key}`, nom: `Service ${key}` }),
          uuid,
        )
      ).uuid;
    });
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    orgs.ml = await organisation(t.db, 'mission_locale');
    orgs.partner = await organisation(t.db, 'structure_accompagnement', 'Logement Solidaire');
    orgs.employer = await organisation(t.db, 'employeur');
    services.partner = await publish('partenaire', orgs.partner);
    services.employer = await publish('employeur', orgs.employer);
    services.unlinked = await publish('hors-passerelle', null);
    services.own = await publish('mission-locale', orgs.ml);
    personId = (
      await sql<{ id: string }>`
        insert into person (referent_organisation_id, last_name, first_name, name_key, birth_date, wanted_jobs,
          legal_basis, informed_on, situations)
        values (${orgs.ml}, 'Annuaire', 'Sacha', ${`an|${randomUUID().slice(0, 8)}`}, '1995-03-04', '{}',
          'public_service', '2026-01-02', array['rsa']::text[]) returning id`.execute(t.db)
    ).rows[0]!.id;
    ml = await new Browser(t.app).login(await member(t.db, orgs.ml));
    partner = await new Browser(t.app).login(await member(t.db, orgs.partner));
    employer = await new Browser(t.app).login(await member(t.db, orgs.employer, 'administrateur'));
  });
  afterAll(() => t.close());

  const orient = (targetRef: string) =>
    ml.api('POST', '/api/v1/orientations', {
      personId,
      targetKind: 'service',
      targetRef,
      message: 'Recherche de logement urgente, accompagnement souhaité.',
    });

  it('reaches the structure’s organisation, which finds it among its received requests', async () => {
    const sent = await orient(services.partner);
    expect(sent.statusCode).toBe(201);
    const received = await partner.api('GET', '/api/v1/orientations?side=received&state=open');
    const item = received.json().items.find((o: { id: string }) => o.id === sent.json().id);
    expect(item.target.label).toBe('Service partenaire — Structure partenaire');
    expect(item.target.ref).toBe(services.partner);
    // Any kind of organisation receives orientations to its own directory service.
    const toEmployer = await orient(services.employer);
    expect(toEmployer.statusCode).toBe(201);
    const employerReceived = await employer.api('GET', '/api/v1/orientations?side=received&state=open');
    expect(employerReceived.json().items.map((o: { id: string }) => o.id)).toContain(toEmployer.json().id);
    // The request links the service's sheet.
    const page = await partner.get(`/orientations/${sent.json().id}`);
    expect(page.body).toContain(`href="/annuaire/services/${services.partner}"`);
  });

  it('refuses a structure not on Passerelle, an unknown service and one’s own, naming the field', async () => {
    const unlinked = await orient(services.unlinked);
    expect(unlinked.statusCode).toBe(400);
    expect(unlinked.json().field).toBe('targetRef');
    expect(unlinked.json().detail).toContain('pas inscrit sur Passerelle');
    const unknown = await orient(randomUUID());
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe('targetRef');
    expect(unknown.json().detail).toContain('n’existe pas dans l’annuaire');
    const own = await orient(services.own);
    expect(own.statusCode).toBe(400);
  });

  it('leads from the service to the person, then to a form naming the service', async () => {
    const choose = await ml.get(`/orientations/nouvelle?vers=service&service=${services.partner}`);
    expect(choose.statusCode).toBe(200);
    expect(choose.body).toContain(`/personnes/${personId}/orienter?vers=service&service=${services.partner}`);
    const form = await ml.get(`/personnes/${personId}/orienter?vers=service&service=${services.partner}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`name="targetRef" value="${services.partner}"`);
    expect(form.body).toContain('Logement Solidaire');
    expect(form.body).toContain(`href="/annuaire/services/${services.partner}"`);
    expect(form.body).not.toContain('name="organisationId"');
    const free = await ml.get(`/personnes/${personId}/orienter?vers=service`);
    expect(free.body).toContain('Chercher le service dans l’annuaire');
    expect(free.body).toContain('name="organisationId"');
    const posted = await ml.post(`/personnes/${personId}/orienter`, {
      targetKind: 'service',
      targetRef: services.unlinked,
      message: 'Besoin d’un logement.',
    });
    expect(posted.statusCode).toBe(400);
    expect(posted.body).toContain('pas inscrit sur Passerelle');
  });
});
