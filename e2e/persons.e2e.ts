import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, login, startServer } from './browser.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const shots = resolve(import.meta.dirname, '../.tmp/e2e/personnes');
const COUNSELLOR = 'conseiller.missionlocale@passerelle.demo';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** How far the page is wider than the window (0: no sideways scrolling). */
const overflow = (page: Page) =>
  // A string, run in the page: the project's TypeScript has no DOM library.
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

/** Each page of the journey: no sideways scrolling, axe clean, a screenshot to look at. */
async function checkPage(page: Page, name: string, width: number) {
  expect(await overflow(page), `${name} à ${width} px`).toBe(0);
  await expectAccessible(page);
  await page.screenshot({ path: resolve(shots, `${name}-${width}.png`), fullPage: true });
}

const isoDaysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

describe('« Mes personnes », a counsellor’s day (issue 10), end to end', () => {
  for (const width of [1280, 375]) {
    it(`searches, opens a file, creates a person past a duplicate warning and shares the file, at ${width} px`, async () => {
      const db = server.db;
      // The counsellor's organisation, a file it holds, and a file another organisation holds
      // (its name and birth date make the duplicate the creation must warn about).
      const org = (
        await sql<{ id: string; name: string }>`
          select o.id, o.name from app_user u join membership m on m.user_id = u.id
          join organisation o on o.id = m.organisation_id where u.email = ${COUNSELLOR} and o.kind = 'mission_locale' limit 1`.execute(
          db,
        )
      ).rows[0]!;
      const held = (
        await sql<{ last_name: string; first_name: string }>`
          select last_name, first_name from person where referent_organisation_id = ${org.id}::uuid
          order by last_name, first_name limit 1 offset ${width === 1280 ? 3 : 4}`.execute(db)
      ).rows[0]!;
      const elsewhere = (
        await sql<{ last_name: string; first_name: string; birth_date: string; holder: string }>`
          select p.last_name, p.first_name, to_char(p.birth_date, 'YYYY-MM-DD') as birth_date, o.name as holder
          from person p join organisation o on o.id = p.referent_organisation_id
          where p.referent_organisation_id <> ${org.id}::uuid
          order by p.last_name limit 1 offset ${width === 1280 ? 10 : 11}`.execute(db)
      ).rows[0]!;
      const appellation = (
        await sql<{ code: string }>`select code from rome_appellation order by code limit 1`.execute(db)
      ).rows[0]!.code;
      // A declared skill (ROME 4.0): typed in its field as its code, shown on the file by its label.
      const skill = (
        await sql<{ code: string; label: string }>`
          select code, label from rome_skill where kind = 'savoir_faire' order by code limit 1`.execute(db)
      ).rows[0]!;

      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } });
      const page = await context.newPage();
      await login(page, server.baseUrl, COUNSELLOR);
      // The demo counsellor works for a Mission locale and a Cap emploi: the home page asks which.
      await checkPage(page, 'accueil-choix', width);
      await page.getByRole('button', { name: new RegExp(`^${org.name}`) }).click();
      await page.waitForURL(/\/mon-compte\?info=organisation$/);
      await page.goto(`${server.baseUrl}/`);

      // « Mes personnes » from the home page.
      await page.getByRole('link', { name: 'Mes personnes' }).first().click();
      await page.waitForURL(`${server.baseUrl}/personnes`);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Mes personnes');
      expect(await page.locator('table caption').textContent()).toMatch(/\d[\d\s]*\spersonnes?/);
      await checkPage(page, 'liste', width);

      // Search by last name: the file held is among the results; then open it.
      await page.getByLabel('Nom ou identifiant France Travail').fill(held.last_name);
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await page.waitForURL(/\/personnes\?/);
      const row = page.locator('tbody tr', { hasText: held.first_name }).first();
      await expect.poll(() => row.textContent()).toContain(held.last_name.toUpperCase());
      await checkPage(page, 'recherche', width);
      await row.getByRole('link').click();
      await page.waitForURL(/\/personnes\/[0-9a-f-]{36}$/);
      expect(await page.locator('h1').textContent()).toContain(held.first_name);
      expect(await page.locator('main, body').first().textContent()).toContain(
        `Dossier tenu par ${org.name}`,
      );
      await checkPage(page, 'dossier', width);

      // A creation with the same names and birth date as another organisation's file: warned.
      await page.goto(`${server.baseUrl}/personnes`);
      await page.getByRole('link', { name: 'Créer un dossier' }).click();
      await page.waitForURL(`${server.baseUrl}/personnes/nouvelle`);
      await checkPage(page, 'creation', width);
      await page.getByLabel(/^Nom\s/).fill(elsewhere.last_name);
      await page.getByLabel(/^Prénom\s/).fill(elsewhere.first_name);
      await page.getByLabel('Date de naissance').fill(elsewhere.birth_date);
      await page.getByLabel('Métier recherché 1').fill(appellation);
      await page.getByLabel(/^Autre compétence 1/).fill(skill.code);
      await page.getByLabel('Date à laquelle la personne a été informée').fill(isoDaysAgo(1));
      await page.getByRole('button', { name: 'Créer le dossier' }).click();
      const warning = page.locator('.fr-alert--warning');
      await expect.poll(() => warning.textContent()).toContain('Un dossier existe peut-être déjà');
      expect(await warning.textContent()).toContain(elsewhere.holder);
      // What was typed is kept; the skill typed is now a box, ticked, with its label.
      expect(await page.getByLabel(/^Nom\s/).inputValue()).toBe(elsewhere.last_name);
      expect(await page.getByLabel(skill.label, { exact: true }).isChecked()).toBe(true);
      await checkPage(page, 'doublon', width);

      // The warning links to the confirmation, which sits right above the submit button.
      await page.getByRole('link', { name: /Confirmer la création/ }).click();
      await page.waitForURL(/#confirmation-doublon$/);
      const confirmation = page.locator('#confirmation-doublon');
      const submit = page.getByRole('button', { name: 'Créer le dossier' });
      const [box, button] = [await confirmation.boundingBox(), await submit.boundingBox()];
      expect(button!.y - (box!.y + box!.height)).toBeLessThan(120);
      await page.getByText(/créer quand même/).click();
      await submit.click();
      await page.waitForURL(/\/personnes\/[0-9a-f-]{36}\?info=cree$/);
      await expect.poll(() => page.locator('.fr-alert--success').textContent()).toContain('Dossier créé');
      expect(await page.locator('main, body').first().textContent()).toContain(
        `Dossier tenu par ${org.name}`,
      );
      expect(await page.locator('main').textContent()).toContain(skill.label);
      await checkPage(page, 'cree', width);
      const fileUrl = page.url().replace(/\?.*$/, '');

      // Shared with another organisation, with the person's consent date.
      await page.getByRole('link', { name: 'Partager avec une organisation' }).click();
      await page.waitForURL(/\/partage$/);
      await checkPage(page, 'partage', width);
      const select = page.getByLabel('Organisation');
      const first = select.locator('option:not([value=""])').first();
      const target = {
        value: (await first.getAttribute('value')) ?? '',
        text: (await first.textContent())?.trim() ?? '',
      };
      await select.selectOption(target.value);
      await page.getByLabel('Date du consentement de la personne').fill(isoDaysAgo(0));
      await page.getByRole('button', { name: 'Partager', exact: true }).click();
      await page.waitForURL(/\?info=partage$/);
      await expect.poll(() => page.locator('.fr-alert--success').textContent()).toContain('Dossier partagé');
      expect(await page.locator('main, body').first().textContent()).toContain(target.text);
      await checkPage(page, 'partage-fait', width);

      // The history tells it, naming who acted (never an address), under the file's sections.
      await page.goto(`${fileUrl}/historique`);
      expect(
        await page
          .getByRole('navigation', { name: 'Sections du dossier' })
          .getByRole('link', { name: 'Historique' })
          .getAttribute('aria-current'),
      ).toBe('page');
      expect(await page.locator('main table').textContent()).not.toContain('@');
      const history = (await page.locator('table').textContent()) ?? '';
      expect(history).toContain('Création du dossier');
      expect(history).toContain(`avec ${target.text}`);
      await checkPage(page, 'historique', width);
      await context.close();
    });
  }
});
