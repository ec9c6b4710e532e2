import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, login, startServer } from './browser.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const shots = resolve(import.meta.dirname, '../.tmp/e2e/annuaire');
const ROOT = resolve(import.meta.dirname, '..');
const COUNSELLOR = 'conseiller.missionlocale@passerelle.demo';
const REGION_ADMIN = 'superadmin@passerelle.demo';

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
  email: string | null,
  organisation?: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  if (!email) return { context, page };
  await login(page, server.baseUrl, email);
  if (organisation) {
    await page.getByRole('button', { name: new RegExp(`^${organisation}`) }).click();
    await page.waitForURL(/\/mon-compte\?info=organisation$/);
  }
  return { context, page };
}

/** A locator's text with every kind of space as one (the pages put narrow no-break spaces before « : »). */
const textOf = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ');

function schemaValidator(name: 'structure' | 'service') {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(resolve(ROOT, `data/data-inclusion/${name}.json`), 'utf8')));
}

describe('The directory (issue 13 « Done when »), end to end', () => {
  it('imports a data·inclusion file, finds « logement » within 20 km, exports valid records, and orients from a service sheet', async () => {
    const db = server.db;

    // 1. The platform imports a data·inclusion file: valid records in, every problem of the others listed.
    const admin = await signIn(REGION_ADMIN);
    await admin.page.goto(`${server.baseUrl}/annuaire/imports`);
    await checkPage(admin.page, '1-imports');
    await admin.page.getByLabel('Source').fill('test');
    await admin.page
      .getByLabel(/Fichier data·inclusion/)
      .setInputFiles(resolve(ROOT, 'test/fixtures/data-inclusion/import.json'));
    await admin.page.getByRole('button', { name: 'Importer' }).click();
    await admin.page.waitForURL(/\/annuaire\/imports\/[0-9a-f-]{36}/);
    expect(await textOf(admin.page.locator('main'))).toContain('rejet');
    expect(await textOf(admin.page.locator('main'))).toContain('Services créés : 1');
    expect(await textOf(admin.page.locator('main'))).toContain('thematiques');
    await checkPage(admin.page, '2-rapport-import');

    // 2. The export of the region's directory validates against the data·inclusion JSON Schemas.
    for (const kind of ['structure', 'service'] as const) {
      const res = await admin.page.request.get(`${server.baseUrl}/annuaire/export/${kind}s.json`);
      expect(res.status()).toBe(200);
      const items = (await res.json()) as unknown[];
      expect(items.length).toBeGreaterThan(kind === 'service' ? 300 : 60);
      const validate = schemaValidator(kind);
      const invalid = items.filter((item) => !validate(item));
      expect(invalid, `${kind}s hors schéma`).toEqual([]);
    }
    await admin.context.close();

    // 3. A Mission locale counsellor looks for housing within 20 km of Lyon, with a typo.
    const ml = (
      await sql<{ id: string; name: string }>`
        select o.id, o.name from app_user u join membership m on m.user_id = u.id
        join organisation o on o.id = m.organisation_id where u.email = ${COUNSELLOR} and o.kind = 'mission_locale' limit 1`.execute(
        db,
      )
    ).rows[0]!;
    const counsellor = await signIn(COUNSELLOR, ml.name);
    const page = counsellor.page;
    await page.goto(`${server.baseUrl}/annuaire`);
    await checkPage(page, '3-annuaire');
    await page.getByLabel('Votre besoin').fill('logemnt');
    await page.getByLabel('Commune').fill('Lyon (69)');
    await page.getByLabel('Rayon').selectOption('20');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL(/\/annuaire\?/);
    const main = page.locator('main');
    expect(await textOf(main)).toContain('Besoin compris : Logement et hébergement');
    // The imported Villeurbanne service (4 km away) is among the results.
    expect(await textOf(main)).toContain('Maison de l’emploi de Villeurbanne');
    await checkPage(page, '4-resultats');
    // Every result within 20 km of Lyon is a housing service, and every housing service there is listed.
    const expected = (
      await sql<{ n: number }>`
        select count(*)::int as n from directory_service v, commune c
        where c.code = '69123' and v.thematiques && (select array_agg(value) from unnest(array[
          'logement-hebergement--acheter-un-logement', 'logement-hebergement--changer-de-logement',
          'logement-hebergement--louer-un-logement', 'logement-hebergement--rechercher-une-solution-dhebergement-temporaire',
          'logement-hebergement--reduire-les-impayes-de-loyer', 'logement-hebergement--se-maintenir-dans-le-logement',
          'logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement']) as value)
          and v.place_latitude is not null
          and earth_distance(ll_to_earth(c.latitude, c.longitude), ll_to_earth(v.place_latitude, v.place_longitude)) <= 20000`.execute(
        db,
      )
    ).rows[0]!.n;
    const heading = await page
      .getByRole('heading', { name: /services?\sà\smoins\sde\s20\skm/ })
      .textContent();
    expect(
      Number(/([\d\s]+)\sservices?/.exec(heading ?? '')?.[1]?.replace(/\s/g, '')),
    ).toBeGreaterThanOrEqual(expected);

    // 4. A housing service of another Passerelle organisation leads to an orientation.
    const target = (
      await sql<{ id: string; nom: string; organisation: string }>`
        select v.id, v.nom, o.name as organisation from directory_service v
        join directory_structure s on s.id = v.structure_id join organisation o on o.id = s.organisation_id
        where s.organisation_id <> ${ml.id} and v.thematiques::text like '%logement-hebergement%'
        order by v.nom limit 1`.execute(db)
    ).rows[0]!;
    await page.goto(`${server.baseUrl}/annuaire/services/${target.id}`);
    await checkPage(page, '5-fiche-service');
    await page.getByRole('link', { name: 'Orienter une personne vers ce service' }).click();
    await page.waitForURL(/\/orientations\/nouvelle\?vers=service/);
    await checkPage(page, '6-choisir-personne');
    await page.locator('main ul a').first().click();
    await page.waitForURL(/\/personnes\/[0-9a-f-]{36}\/orienter\?vers=service/);
    expect(await textOf(main)).toContain(target.nom);
    await checkPage(page, '7-formulaire-orientation');
    await page.getByLabel(/Pourquoi cette orientation/).fill('Cherche un logement près de son futur emploi.');
    await page.getByRole('button', { name: 'Envoyer l’orientation' }).click();
    await page.waitForURL(/\/orientations\/[0-9a-f-]{36}\?info=envoyee/);
    expect(await textOf(main)).toContain(target.organisation);
    await checkPage(page, '8-orientation-envoyee');
    const sent = (
      await sql<{ n: number }>`
        select count(*)::int as n from orientation where target_kind = 'service' and target_ref = ${target.id}::text
          and prescriber_organisation_id = ${ml.id}`.execute(db)
    ).rows[0]!.n;
    expect(sent).toBe(1);
    await counsellor.context.close();

    // 5. Without login, the public finds the services open to users only.
    const visitor = await signIn(null);
    await visitor.page.goto(`${server.baseUrl}/annuaire?q=logement&commune=69123&radiusKm=20`);
    await checkPage(visitor.page, '9-public');
    const links = await visitor.page
      .locator('main a[href^="/annuaire/services/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!.split('/').pop()!));
    if (links.length) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from directory_service where id = any(${links}::uuid[]) and not ('usagers' = any(mobilisable_par))`.execute(
        db,
      );
      expect(rows[0]!.n).toBe(0);
    }
    await visitor.context.close();
  });
});
