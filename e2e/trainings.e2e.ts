import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REGION_CODE } from '../src/demo.js';
import { feedBytes, feedInputs } from '../src/modules/trainings/feed.js';
import { expectAccessible, launchBrowser, login, startServer } from './browser.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const dir = resolve(import.meta.dirname, '../.tmp/e2e');

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  mkdirSync(dir, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('training offer, end to end', () => {
  it('imports a feed, finds a training by a misspelt query near a commune, exports it and re-imports it unchanged', async () => {
    const inputs = await feedInputs(server.db, DEMO_REGION_CODE);
    const parts: Uint8Array[] = [];
    for await (const p of feedBytes({
      seed: 11,
      sessions: 200,
      appellations: inputs.appellations,
      communes: inputs.communes,
      today: new Date().toISOString().slice(0, 10),
      numberPrefix: 'E2E',
      seededOverlap: true,
    }))
      parts.push(p);
    const feedPath = resolve(dir, 'flux-e2e.xml');
    writeFileSync(feedPath, Buffer.concat(parts));

    const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true });
    const page = await context.newPage();
    // 'carif-oref-demo' is the declared Carif-Oref feed: only the super-admin (and an operator
    // organisation declared for it) may import under it, France Travail no more (issue 8, hole 3).
    await login(page, server.baseUrl, 'superadmin@passerelle.demo');

    const upload = async (file: string) => {
      await page.goto(`${server.baseUrl}/formations/imports`);
      await expectAccessible(page);
      await page.setInputFiles('#champ-file', file);
      await page.getByLabel('Source du flux').fill('carif-oref-demo');
      await page.getByLabel('Mise à jour : ajoute et modifie, ne retire rien').check();
      await page.getByRole('button', { name: 'Importer' }).click();
      await page.waitForURL(/\/formations\/imports\/[0-9a-f-]{36}$/);
      await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Import d(e |’)/);
      return (await page.locator('main, body').first().textContent()) ?? '';
    };
    const first = await upload(feedPath);
    expect(first).toContain('Import terminé');
    expect(first).toMatch(/Créées\s:\s[1-9]\d*/);
    await expectAccessible(page);

    await page.goto(`${server.baseUrl}/formations`);
    await page.getByLabel('Métier, formation, compétence').fill('electrisien');
    await page.getByLabel('Autour de la commune').fill('Lyon');
    await page.getByLabel('Rayon').selectOption('30');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect
      .poll(() => page.locator('#resultats').textContent())
      .toMatch(/formations? trouvées? à moins de 30 km de Lyon/);
    expect(await page.locator('body').textContent()).toMatch(/«\s?electrisien\s?» → «\s?electricien\s?»/);
    await expectAccessible(page);
    const searchUrl = page.url();

    const firstResult = page.locator('.fr-card__title a').first();
    const title = (await firstResult.textContent())?.trim() ?? '';
    expect(title).toMatch(/lectricien/i);
    await firstResult.click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(title);
    await expectAccessible(page);
    await page.getByRole('link', { name: /Fiche à remettre/ }).click();
    await expectAccessible(page);

    await page.goto(searchUrl);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Exporter en LHÉO' }).click(),
    ]);
    const exported = resolve(dir, 'export.xml');
    await download.saveAs(exported);

    const again = await upload(exported);
    expect(again).toContain('Import terminé');
    expect(again).toMatch(/Créées\s:\s0 · modifiées\s:\s0 · inchangées\s:\s[1-9]/);
    await context.close();
  });

  it('shows the seeded overlap to a Region analyst, in accessible tables and charts', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, server.baseUrl, 'analyste.region@passerelle.demo');
    await page.getByRole('link', { name: 'Financeurs et places' }).first().click();
    await expect.poll(() => page.locator('#recouvrements').textContent()).toMatch(/Recouvrements\s:\s[1-9]/);
    // The seeded overlap (Region 12 places, France Travail 10) may sit past the first lines the page
    // shows; the table lists overlaps as « financeur : N places », the full list is in the CSV.
    expect(await page.locator('#recouvrements').locator('..').textContent()).toMatch(
      /Conseil régional\s:\s\d+\splaces[^;]*;\s?\S/,
    );
    await expectAccessible(page);
    await context.close();
  });

  it('lets a training organisation close recruitment on its session', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, server.baseUrl, 'gestionnaire.formation@passerelle.demo');
    await page.goto(`${server.baseUrl}/mon-offre`);
    await expectAccessible(page);
    await page.locator('table a').first().click();
    await expectAccessible(page);
    const state = page.locator('select[name="recruitmentState"]').first();
    await state.selectOption('2');
    await page.locator('input[name="placesRemaining"]').first().fill('0');
    await page
      .getByRole('button', { name: /^Enregistrer/ })
      .first()
      .click();
    await expect
      .poll(() => page.locator('.fr-alert--success').textContent())
      .toContain('Session enregistrée');
    expect(await page.locator('select[name="recruitmentState"]').first().inputValue()).toBe('2');
    await context.close();
  });
});
