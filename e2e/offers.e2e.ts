import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REGION_CODE } from '../src/demo.js';
import { DEMO_FEED_SOURCE } from '../src/modules/offers/demo.js';
import { expectAccessible, launchBrowser, login, startServer } from './browser.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const shots = resolve(import.meta.dirname, '../.tmp/e2e/offres');
const EMPLOYER = 'recruteur.employeur@passerelle.demo';
const IMPORTER = 'admin.francetravail@passerelle.demo';

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

/** An appellation of a métier with ROME 4.0 skills, two of them, and the region's largest commune. */
async function references() {
  const { rows } = await sql<{
    code: string;
    label: string;
    rome_code: string;
    required: string;
    required_label: string;
    wished: string;
    wished_label: string;
  }>`
    with pick as (
      select a.code, a.label, a.rome_code, min(ms.skill_code) as required, max(ms.skill_code) as wished
      from rome_appellation a join rome_metier_skill ms on ms.metier_code = a.metier_code
      group by a.code, a.label, a.rome_code having count(distinct ms.skill_code) > 1
      order by a.code limit 1)
    select pick.*, r.label as required_label, w.label as wished_label
    from pick join rome_skill r on r.code = pick.required join rome_skill w on w.code = pick.wished`.execute(
    server.db,
  );
  const commune = (
    await sql<{ code: string }>`
      select code from commune where kind = 'commune' and region_code = ${DEMO_REGION_CODE}
      order by population desc nulls last limit 1`.execute(server.db)
  ).rows[0]!.code;
  return { ...rows[0]!, commune };
}

/** Text as the pages typeset it (no-break spaces, typographic apostrophes), for comparison. */
const plain = (text: string | null) =>
  (text ?? '')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .replace(/[’']/g, "'")
    .trim();

describe('job offers (issue 10 §3), end to end', () => {
  for (const width of [1280, 375]) {
    it(`an employer publishes an offer with ROME 4.0 skills, at ${width} px`, async () => {
      const refs = await references();
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } });
      const page = await context.newPage();
      await login(page, server.baseUrl, EMPLOYER);
      await page.goto(`${server.baseUrl}/employeur/offres`);
      await checkPage(page, 'mes-offres', width);
      await page.goto(`${server.baseUrl}/employeur/offres/nouvelle`);
      await checkPage(page, 'formulaire', width);
      const title = `Offre e2e ${width} — ${refs.label}`;
      await page.getByLabel(/^Métier \(appellation ROME\)/).fill(refs.code);
      await page.getByLabel(/^Intitulé de l’offre/).fill(title);
      await page
        .getByLabel(/^Description/)
        .fill('Accueil des clients, tenue du poste ; horaires de journée.');
      await page.getByLabel(/^Commune/).fill(refs.commune);
      await page.getByLabel('Compétence exigée 1').fill(refs.required);
      await page.getByLabel('Compétence souhaitée 1').fill(refs.wished);
      await page.getByRole('button', { name: 'Publier l’offre' }).click();
      await page.waitForURL(/\/offres\/[0-9a-f-]{36}/);
      expect(plain(await page.locator('h1').textContent())).toBe(plain(title));
      const text = plain(await page.locator('main').textContent());
      expect(text).toContain(plain(refs.required_label));
      expect(text).toContain(plain(refs.wished_label));
      await checkPage(page, 'offre-publiee', width);
      await context.close();
    });

    it(`an importer uploads a feed, reads its rejections, and confirms a held withdrawal, at ${width} px`, async () => {
      const refs = await references();
      const record = (id: string, over: Record<string, unknown> = {}) => ({
        id,
        intitule: `${refs.label} H/F`,
        description: 'Poste en journée.',
        lieuTravail: { libelle: refs.commune, commune: refs.commune },
        romeCode: refs.rome_code,
        appellationlibelle: refs.label,
        typeContrat: 'CDI',
        competences: [{ code: refs.required, libelle: '', exigence: 'E' }],
        nombrePostes: 1,
        ...over,
      });
      const feed = (records: unknown[]) => ({
        name: 'offres.ndjson',
        mimeType: 'application/x-ndjson',
        buffer: Buffer.from(records.map((r) => JSON.stringify(r)).join('\n')),
      });
      const source = `e2e-${width}`;
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: 900 } });
      const page = await context.newPage();
      await login(page, server.baseUrl, IMPORTER);
      await page.goto(`${server.baseUrl}/offres/imports`);
      expect(await page.locator('main').textContent()).toContain(DEMO_FEED_SOURCE);
      await checkPage(page, 'imports', width);

      // The demo's past import: its rejections, then its warnings.
      await page.locator('tbody tr', { hasText: DEMO_FEED_SOURCE }).first().getByRole('link').click();
      await page.waitForURL(/\/offres\/imports\/[0-9a-f-]{36}$/);
      expect(await page.locator('table caption').textContent()).toMatch(/Enregistrements rejetés/);
      await checkPage(page, 'import-demo', width);
      await page.getByRole('link', { name: /^Avertissements/ }).click();
      await page.waitForURL(/gravite=avertissements/);
      await checkPage(page, 'import-demo-avertissements', width);

      // A full feed of five, one sent twice and one with a salary upside down (the DSFR checkbox's
      // label covers its input: a person clicks the label).
      await page.goto(`${server.baseUrl}/offres/imports`);
      await page.getByLabel(/^Source du flux/).fill(source);
      await page.locator('label[for="flux-complet"]').click();
      expect(await page.getByLabel(/^Flux complet/).isChecked()).toBe(true);
      await page
        .getByLabel(/^Fichier d’offres/)
        .setInputFiles(
          feed([
            record('E1'),
            record('E2'),
            record('E3'),
            record('E3'),
            record('E4', { salaire: { libelle: 'Mensuel de 3000 Euros à 2000 Euros' } }),
          ]),
        );
      await page.getByRole('button', { name: 'Importer' }).click();
      await page.waitForURL(/\/offres\/imports\/[0-9a-f-]{36}$/);
      const rows = page.locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.nth(0).textContent()).toContain('en double');
      expect(await rows.nth(1).textContent()).toContain('salaire/libelle');
      await checkPage(page, 'import-rejets', width);

      // The same source's full feed with one offer left: held, then confirmed in the modal.
      await page.goto(`${server.baseUrl}/offres/imports`);
      await page.getByLabel(/^Source du flux/).fill(source);
      await page.locator('label[for="flux-complet"]').click();
      await page.getByLabel(/^Fichier d’offres/).setInputFiles(feed([record('E1')]));
      await page.getByRole('button', { name: 'Importer' }).click();
      await page.waitForURL(/\/offres\/imports\/[0-9a-f-]{36}$/);
      expect(await page.locator('.fr-alert--warning').textContent()).toMatch(/2\s+offres seraient clôturées/);
      await checkPage(page, 'retrait-retenu', width);
      await page.getByRole('button', { name: /Clôturer les offres absentes/ }).click();
      const dialog = page.getByRole('dialog');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      await checkPage(page, 'retrait-confirmation', width);
      await dialog.getByRole('button', { name: /^Clôturer 2\s+offres$/ }).click();
      await page.waitForURL(/\/offres\/imports\/[0-9a-f-]{36}$/);
      await expect.poll(() => page.locator('.fr-alert').first().textContent()).toMatch(/Retrait confirmé/);
      await checkPage(page, 'retrait-fait', width);
      await context.close();
    });
  }
});
