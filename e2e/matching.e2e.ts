import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, login, startServer } from './browser.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const shots = resolve(import.meta.dirname, '../.tmp/e2e/appariement');
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

const overflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

async function checkPage(page: Page, name: string, width: number) {
  expect(await overflow(page), `${name} à ${width} px`).toBe(0);
  await expectAccessible(page);
  await page.screenshot({ path: resolve(shots, `${name}-${width}.png`), fullPage: true });
}

/** The titles of the suggested offers, in their order. */
const titles = (page: Page) => page.locator('.pa-suggestion h3 a').allTextContents();

describe('Suggested offers and « Se former », a counsellor’s journey (issue 11), end to end', () => {
  for (const width of [1280, 375]) {
    it(`ranks a person's offers with reasons, changes the preset, excludes one with a reason and opens « Se former », at ${width} px`, async () => {
      const db = server.db;
      // A file of the counsellor's Mission locale with at least three suggestions today.
      const org = (
        await sql<{ id: string; name: string }>`
          select o.id, o.name from app_user u join membership m on m.user_id = u.id
          join organisation o on o.id = m.organisation_id where u.email = ${COUNSELLOR} and o.kind = 'mission_locale' limit 1`.execute(
          db,
        )
      ).rows[0]!;
      const person = (
        await sql<{ id: string }>`
          select s.person_id as id from match_suggestion s join person p on p.id = s.person_id
          where p.referent_organisation_id = ${org.id}::uuid
          group by s.person_id having count(*) >= 3 order by s.person_id limit 1 offset ${width === 1280 ? 0 : 1}`.execute(
          db,
        )
      ).rows[0]!;

      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } });
      const page = await context.newPage();
      await login(page, server.baseUrl, COUNSELLOR);
      await page.getByRole('button', { name: new RegExp(`^${org.name}`) }).click();
      await page.waitForURL(/\/mon-compte\?info=organisation$/);

      await page.goto(`${server.baseUrl}/personnes/${person.id}/suggestions`);
      expect(await page.getByRole('link', { name: 'Offres suggérées' }).getAttribute('aria-current')).toBe(
        'page',
      );
      const standard = await titles(page);
      expect(standard.length).toBeGreaterThanOrEqual(3);
      expect(await page.locator('.pa-suggestion').first().textContent()).toContain('Correspondance');
      await checkPage(page, 'suggestions', width);

      // Another preset: the same offers may come in another order, the choice is offered to keep.
      await page.getByLabel(/Critères de classement/).selectOption('proximite');
      await page.getByRole('button', { name: 'Classer les offres' }).click();
      await page.waitForURL(/preset=proximite/);
      await page.getByRole('button', { name: /Garder «\s?Proximité\s?» pour cette personne/ }).waitFor();

      // Excluding needs a reason; then the offer leaves the list for « Offres écartées ».
      const first = page.locator('.pa-suggestion').first();
      // By its link, not its title: two offers may share a title (« Conducteur H/F »).
      const href = (await first.locator('h3 a').getAttribute('href'))!;
      await first.getByText('Écarter ou noter une suite').click();
      await first.getByLabel('Raison pour écarter cette offre').selectOption('distance');
      await first.getByRole('button', { name: 'Écarter' }).click();
      await page.waitForURL(/info=ecartee/);
      await page.getByRole('heading', { name: 'Offres écartées' }).waitFor();
      expect(
        await page
          .locator('.pa-suggestion h3 a')
          .evaluateAll((as) =>
            as.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href')),
          ),
      ).not.toContain(href);
      await checkPage(page, 'suggestions-ecartee', width);

      // « Se former »: the missing skills of a wanted job and the trainings that lead to it.
      await page.getByRole('link', { name: 'Se former' }).click();
      await page.getByRole('heading', { name: 'Métier visé' }).waitFor();
      await checkPage(page, 'se-former', width);
      await context.close();
    }, 120_000);
  }
});
