import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitRates } from '../src/modules/pathways/rates-repository.js';
import { expectAccessible, launchBrowser, login, startServer } from './browser.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const shots = resolve(import.meta.dirname, '../.tmp/e2e/parcours');
const PRESCRIBER = 'conseiller.missionlocale@passerelle.demo';
const SIAE = 'conseiller.siae@passerelle.demo';
const OUTSIDER = 'admin.francetravail@passerelle.demo';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const overflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

/** Each page of the journey at 1280 px and at 375 px: no overflow, axe at 0, a screenshot each. */
async function checkPage(page: Page, name: string) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await overflow(page), `${name} à ${width} px`).toBe(0);
    await expectAccessible(page);
    await page.screenshot({ path: resolve(shots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function signIn(
  email: string,
  organisation?: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await login(page, server.baseUrl, email);
  if (organisation) {
    await page.getByRole('button', { name: new RegExp(`^${organisation}`) }).click();
    await page.waitForURL(/\/mon-compte\?info=organisation$/);
  }
  return { context, page };
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const today = () => iso(new Date());

describe('A pathway to an ACI, from the orientation to the exit (issue 12 « Done when »), end to end', () => {
  it('orients with a diagnosis, accepts, hires with a PASS, suspends and prolongs it, records the exit, and the basin counts it', async () => {
    const db = server.db;
    const ml = (
      await sql<{ id: string; name: string }>`
        select o.id, o.name from app_user u join membership m on m.user_id = u.id
        join organisation o on o.id = m.organisation_id where u.email = ${PRESCRIBER} and o.kind = 'mission_locale' limit 1`.execute(
        db,
      )
    ).rows[0]!;
    const aci = (
      await sql<{ id: string; name: string; zone: string }>`
        select o.id, o.name, z.zone_code as zone from app_user u join membership m on m.user_id = u.id
        join organisation o on o.id = m.organisation_id
        join commune_employment_zone z on z.commune_code = o.commune_code
        where u.email = ${SIAE} limit 1`.execute(db)
    ).rows[0]!;
    // A person the Mission locale follows, new to the IAE, and a position of the ACI with places.
    const lastName = `Parcours-${randomUUID().slice(0, 6)}`;
    const personId = (
      await sql<{ id: string }>`
        insert into person (referent_organisation_id, last_name, first_name, name_key, birth_date, wanted_jobs,
          legal_basis, informed_on, situations)
        values (${ml.id}, ${lastName}, 'Inès', ${`parcours|${randomUUID().slice(0, 8)}`}, '1994-02-11', '{}',
          'public_service', '2026-01-05', array['rsa']::text[]) returning id`.execute(db)
    ).rows[0]!.id;
    const positionId = (
      await sql<{ id: string }>`
        insert into siae_position (organisation_id, appellation_code, title, commune_code, open_places)
        select ${aci.id}, code, 'Agent d’entretien des espaces verts', (select commune_code from organisation where id = ${aci.id}), 3
        from rome_appellation order by code limit 1 returning id`.execute(db)
    ).rows[0]!.id;
    // Exits earlier this year in the ACI's basin, enough for its rate to be shown (under 5, masked).
    const others = (
      await sql<{ id: string }>`select id from person order by id limit 5 offset 50`.execute(db)
    ).rows;
    for (const other of others) {
      const contract = (
        await sql<{ id: string }>`
          insert into iae_contract (person_id, siae_organisation_id, siae_kind, kind, start_on, end_on, hours_per_week, created_by_label)
          values (${other.id}, ${aci.id}, 'ACI', 'CDDI', current_date - 200, current_date - 2, 26, 'e2e') returning id`.execute(
          db,
        )
      ).rows[0]!.id;
      await sql`
        insert into iae_exit (contract_id, person_id, siae_organisation_id, siae_kind, zone_code, department_code, exit_on,
          reason, category, counted, hours_worked, contract_days, created_by_label)
        select ${contract}, ${other.id}, ${aci.id}, 'ACI', ${aci.zone}, c.department_code, current_date - 2,
          'CHOMAGE', 'other', true, 600, 199, 'e2e'
        from organisation o join commune c on c.code = o.commune_code where o.id = ${aci.id}`.execute(db);
    }
    const year = new Date().getUTCFullYear();
    const zoneRate = async () => {
      const rows = await exitRates(db, { year, zone: aci.zone, levels: ['zone'] });
      return rows.find((r) => r.level === 'zone') ?? null;
    };
    const before = await zoneRate();

    // 1. The Mission locale counsellor makes the eligibility diagnosis (an authorised prescriber needs no criterion).
    const prescriber = await signIn(PRESCRIBER, ml.name);
    let page = prescriber.page;
    const headline = async () => {
      await page.goto(`${server.baseUrl}/cta/${aci.zone}`);
      return (await page.locator('p', { hasText: 'Taux hors ACI du bassin' }).textContent()) ?? '';
    };
    const rateBefore = await headline();
    expect(rateBefore).toMatch(/toutes SIAE\s:\s\d/);
    await page.goto(`${server.baseUrl}/personnes/${personId}/eligibilite`);
    await checkPage(page, 'eligibilite');
    await page.getByRole('button', { name: 'Enregistrer le diagnostic' }).click();
    await page.waitForURL(/info=cree/);
    await page.getByText('Diagnostic d’éligibilité enregistré.').waitFor();

    // 2. Orients the person to the ACI's position, from the file.
    await page.goto(`${server.baseUrl}/personnes/${personId}/parcours`);
    await page.getByRole('link', { name: 'Orienter la personne' }).click();
    await page.getByLabel(/Poste proposé par une SIAE/).selectOption(positionId);
    await page
      .getByLabel(/Pourquoi cette orientation/)
      .fill('Souhaite travailler en extérieur ; disponible dès lundi.');
    await checkPage(page, 'orienter');
    await page.getByRole('button', { name: 'Envoyer l’orientation' }).click();
    await page.waitForURL(/\/orientations\/[0-9a-f-]+\?info=envoyee/);
    const orientationUrl = page.url().split('?')[0]!;
    expect(await page.locator('main').textContent()).toMatch(/Diagnostic d[\s\S]*valable jusqu/);
    await checkPage(page, 'orientation-envoyee');

    // 3. The ACI reads the request (not the file), accepts it and hires: the PASS IAE is issued.
    const siae = await signIn(SIAE);
    page = siae.page;
    await page.goto(`${server.baseUrl}/orientations?cote=recues`);
    await page.getByRole('link', { name: new RegExp(lastName, 'i') }).click();
    await page.waitForURL(orientationUrl);
    expect(await page.locator('main').textContent()).not.toContain('RSA');
    await checkPage(page, 'orientation-recue');
    await page.getByLabel(/Date d’entrée prévue/).fill(today());
    await page.getByRole('button', { name: 'Accepter l’orientation' }).click();
    await page.waitForURL(/info=decision/);
    await page.getByRole('link', { name: 'Embaucher et délivrer le PASS IAE' }).click();
    await checkPage(page, 'embauche');
    await page.getByLabel(/Type de contrat/).selectOption('CDDI');
    await page.getByLabel(/Fin du contrat/).fill(iso(new Date(Date.now() + 200 * 86_400_000)));
    await page.getByLabel(/Heures par semaine/).fill('26');
    await page.getByRole('button', { name: 'Embaucher et délivrer le PASS IAE' }).click();
    await page.waitForURL(/\/pass-iae\/[0-9a-f-]+\?info=/);
    const passUrl = page.url().split('?')[0]!;
    const approvalId = passUrl.split('/').at(-1)!;
    await checkPage(page, 'pass-iae');

    // Six months later (the contract and the PASS moved back in time): the ACI suspends the PASS…
    await sql`update approval set start_on = start_on - 200, base_end_on = base_end_on - 200, end_on = end_on - 200 where id = ${approvalId}`.execute(
      db,
    );
    await sql`update iae_contract set start_on = start_on - 200, end_on = end_on - 200 where approval_id = ${approvalId}`.execute(
      db,
    );
    await page.goto(passUrl);
    const suspension = page.locator('form:has(input[name="form"][value="suspension"])');
    await suspension.getByLabel(/Début/).fill(iso(new Date(Date.now() - 10 * 86_400_000)));
    await suspension.getByLabel(/Fin/).fill(iso(new Date(Date.now() + 20 * 86_400_000)));
    await suspension.getByLabel(/Motif/).selectOption('CONTRACT_SUSPENDED');
    await suspension.getByRole('button', { name: 'Suspendre' }).click();
    await page.waitForURL(/info=/);
    // …then asks the Mission locale to prolong it (particular difficulties, an ACI's reason).
    const end = (
      await sql<{ end_on: string }>`select end_on::text from approval where id = ${approvalId}`.execute(db)
    ).rows[0]!.end_on;
    const prolongation = page.locator('form:has(input[name="form"][value="prolongation"])');
    await prolongation
      .getByLabel(/Nouvelle fin demandée/)
      .fill(iso(new Date(Date.parse(end) + 300 * 86_400_000)));
    await prolongation.getByLabel(/Motif/).selectOption('PARTICULAR_DIFFICULTIES');
    await prolongation.getByLabel(/Prescripteur habilité/).selectOption(ml.id);
    await prolongation.getByRole('button', { name: 'Demander la prolongation' }).click();
    await page.waitForURL(/info=/);
    await checkPage(page, 'pass-iae-suspendu');

    // 4. The Mission locale grants the prolongation.
    page = prescriber.page;
    await page.goto(`${server.baseUrl}/pass-iae/prolongations`);
    await checkPage(page, 'prolongations');
    await page.getByRole('button', { name: new RegExp(`^Accorder .*${lastName}`, 'i') }).click();
    await page.waitForURL(/info=/);
    const prolonged = (
      await sql<{ end_on: string }>`select end_on::text from approval where id = ${approvalId}`.execute(db)
    ).rows[0]!.end_on;
    expect(prolonged > end).toBe(true);

    // 5. The ACI records the exit « CDD de 6 mois ou plus »: a durable job.
    page = siae.page;
    await page.goto(passUrl);
    const exit = page.locator('form:has(input[name="form"][value^="sortie-"])').first();
    await exit.getByLabel(/Date de sortie/).fill(today());
    await exit.getByLabel(/Motif de sortie/).selectOption('CDD_6_MOIS_OU_PLUS');
    await exit.getByRole('button', { name: 'Enregistrer la sortie' }).click();
    await page.waitForURL(/info=/);
    await page
      .getByText(/Emploi durable/)
      .first()
      .waitFor();
    await checkPage(page, 'sortie');

    // 6. The timeline shows every step to both organisations…
    for (const who of [prescriber.page, siae.page]) {
      await who.goto(`${server.baseUrl}/personnes/${personId}/parcours`);
      const text = (await who.locator('.pa-timeline').textContent()) ?? '';
      for (const step of ['Orientation vers', 'acceptée', 'PASS IAE', 'Sortie'])
        expect(text, `${step} sur le parcours`).toContain(step);
      expect(text).not.toContain('RSA');
    }
    await checkPage(prescriber.page, 'parcours');
    // …and to no other organisation.
    const outsider = await signIn(OUTSIDER);
    for (const url of [
      `/personnes/${personId}/parcours`,
      `/personnes/${personId}/eligibilite`,
      orientationUrl.replace(server.baseUrl, ''),
      `/pass-iae/${approvalId}`,
    ]) {
      const response = await outsider.page.goto(`${server.baseUrl}${url}`);
      expect(response?.status(), url).toBe(403);
    }

    // 7. The basin's page counts the exit as durable, and its rate moves.
    const after = await zoneRate();
    expect(after!.durable).toBe((before?.durable ?? 0) + 1);
    expect(after!.examined).toBe((before?.examined ?? 0) + 1);
    page = prescriber.page;
    expect(await headline()).not.toBe(rateBefore);
    await page.getByRole('heading', { name: 'Sorties et taux de sorties dynamiques' }).waitFor();
    await checkPage(page, 'cta');
    for (const c of [prescriber.context, siae.context, outsider.context]) await c.close();
  }, 240_000);
});
