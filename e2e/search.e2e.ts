import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, login, startServer } from './browser.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const shots = resolve(import.meta.dirname, '../.tmp/e2e/recherche');

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

describe('search a counsellor can rely on (issue 9 §4), end to end', () => {
  for (const width of [1280, 375]) {
    it(`picks Lyon among the commune suggestions, finds aide-soignant trainings within 30 km and opens the sheet, at ${width} px`, async () => {
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } });
      const page = await context.newPage();
      await login(page, server.baseUrl, 'conseiller.missionlocale@passerelle.demo');
      await page.goto(`${server.baseUrl}/formations`);
      await page.getByLabel('Métier, formation, compétence').fill('aide-soignant');
      const commune = page.getByLabel('Autour de la commune');
      await commune.pressSequentially('Lyo', { delay: 50 });
      // htmx fills the datalist from what was typed; the browser lists it under the field.
      const lyon = page.locator('#communes-suggerees option[value="Lyon (69)"]');
      await lyon.waitFor({ state: 'attached' });
      // A datalist's popup is drawn by the browser, outside the page: picking a suggestion puts
      // its value in the field, as done here.
      await commune.fill((await lyon.getAttribute('value')) ?? '');
      await page.getByLabel('Rayon').selectOption('30');
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await expect
        .poll(() => page.locator('#resultats').textContent())
        .toMatch(/^[1-9]\d* formations? trouvées? à moins de 30 km de Lyon$/);
      expect(await overflow(page)).toBe(0);
      await page.screenshot({ path: resolve(shots, `resultats-${width}.png`), fullPage: true });
      await expectAccessible(page);
      // « Plus de critères » opens on the DSFR grid, without sideways scrolling.
      await page.getByRole('button', { name: 'Plus de critères' }).click();
      await expect.poll(() => page.getByLabel('Entrée à partir du').isVisible()).toBe(true);
      expect(await overflow(page)).toBe(0);
      await page.screenshot({ path: resolve(shots, `criteres-${width}.png`), fullPage: true });
      const searchUrl = page.url();

      const first = page.locator('.fr-card__title a').first();
      expect(await first.textContent()).toMatch(/Aide-soignant/);
      await first.click();
      await expect.poll(() => page.locator('h1').textContent()).toMatch(/Aide-soignant/);
      expect(await overflow(page)).toBe(0);
      await expectAccessible(page);
      // Back to the same search, by the breadcrumb.
      const back = page.getByRole('link', { name: 'Résultats de la recherche' });
      const filled = (url: string) =>
        [...new URL(url, server.baseUrl).searchParams].filter(([, value]) => value !== '');
      expect(filled((await back.getAttribute('href')) ?? '')).toEqual(filled(searchUrl));

      await page.getByRole('link', { name: /Fiche à remettre/ }).click();
      await expect.poll(() => page.locator('.psl-qr svg').count()).toBe(1);
      const body = (await page.locator('main, body').first().textContent()) ?? '';
      expect(body).toMatch(/Financement\s:\s/);
      expect(body).toMatch(/https?:\/\/[^\s/]+\/formations\/[0-9a-f-]{36}\/fiche/);
      expect(body).not.toMatch(/SIRET/);
      expect(await page.getByRole('button', { name: 'Imprimer la fiche' }).count()).toBe(1);
      expect(await overflow(page)).toBe(0);
      await page.screenshot({ path: resolve(shots, `fiche-${width}.png`), fullPage: true });
      await expectAccessible(page);
      await context.close();
    });
  }

  it('works without JavaScript: the unfinished commune is answered with links, the criteria stay shown', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
    const page = await context.newPage();
    await login(page, server.baseUrl, 'conseiller.missionlocale@passerelle.demo');
    await page.goto(`${server.baseUrl}/formations`);
    expect(await page.getByLabel('Entrée à partir du').isVisible()).toBe(true);
    await page.getByLabel('Métier, formation, compétence').fill('cariste');
    await page.getByLabel('Autour de la commune').fill('Lyo');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('link', { name: 'Lyon (69)', exact: true }).click();
    await expect
      .poll(() => page.locator('#resultats').textContent())
      .toMatch(/^[1-9]\d* formations? trouvées? à moins de 30 km de Lyon$/);
    await context.close();
  });
});
