import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOGINS } from '../src/modules/identity/demo.js';
import { expectAccessible, launchBrowser, login, startServer } from './browser.js';

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function session(email: string, options: { javaScriptEnabled?: boolean } = {}) {
  const context: BrowserContext = await browser.newContext({
    locale: 'fr-FR',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const page = await context.newPage();
  await login(page, server.baseUrl, email);
  return { context, page };
}

describe('accessibility checker', () => {
  it('does report violations (guards against a silently disabled check)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent('<html><body><input type="text"><img src="x.png"></body></html>');
    const { AxeBuilder } = await import('@axe-core/playwright');
    const result = await new AxeBuilder({ page }).analyze();
    expect(result.violations.map((v) => v.id)).toEqual(expect.arrayContaining(['image-alt', 'label']));
    await context.close();
  });
});

describe('pages without an account', () => {
  it('login, forgotten password, legal pages and errors are accessible', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    for (const path of [
      '/connexion',
      '/mot-de-passe/oubli',
      '/accessibilite',
      '/mentions-legales',
      '/donnees-personnelles',
      '/page-inconnue',
    ]) {
      await page.goto(`${server.baseUrl}${path}`);
      await expectAccessible(page);
    }
    await page.goto(`${server.baseUrl}/connexion`);
    await page.getByLabel('Adresse électronique').fill('admin.francetravail@passerelle.demo');
    await page.getByLabel('Mot de passe').fill('mauvais');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => page.locator('.fr-alert--error').textContent()).toContain('incorrect');
    await expectAccessible(page);

    // Forgotten password: the e-mailed link opens an accessible page that sets the new password.
    const demoEmails = DEMO_LOGINS.map((l) => l.email);
    const { rows } = await sql<{ email: string }>`
      select email from app_user where email not in (${sql.join(demoEmails)}) order by email limit 1`.execute(
      server.db,
    );
    const someone = rows[0]!.email;
    await page.goto(`${server.baseUrl}/mot-de-passe/oubli`);
    await page.getByLabel('Adresse électronique').fill(someone);
    await page.getByRole('button', { name: 'Recevoir un lien' }).click();
    await expect
      .poll(() => page.locator('.fr-alert--success').textContent())
      .toContain('Si un compte correspond');
    const link = server.mailer.sent
      .at(-1)!
      .text.match(/https?:\/\/\S+/)![0]
      .replace('http://passerelle.test', server.baseUrl);
    await page.goto(link);
    await expectAccessible(page);
    await page.getByLabel('Nouveau mot de passe').fill('Analyste-Region-2026!');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.waitForURL(/\/connexion\?info=mot-de-passe/);
    await login(page, server.baseUrl, someone, 'Analyste-Region-2026!');
    await context.close();
  });
});

describe.each(DEMO_LOGINS.map((l) => [l.role, l.email] as const))('signed in as %s', (role, email) => {
  let page: Page;
  let context: BrowserContext;
  beforeAll(async () => {
    ({ page, context } = await session(email));
  });
  afterAll(() => context.close());

  it('sees a home page for the role and an accessible directory they can filter', async () => {
    await expect.poll(() => page.locator('h1').textContent()).toBe('Bonjour');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Organisations partenaires' }).first().click();
    await page.waitForURL(/\/organisations$/);
    await expectAccessible(page);
    await page.getByLabel('Nom de l’organisation').fill('mission locale');
    await expect.poll(() => page.locator('#nombre-resultats').textContent()).toMatch(/^5\sorganisations$/);
    const first = page.locator('#liste-organisations tbody a').first();
    await first.click();
    await page.waitForURL(/\/organisations\/[0-9a-f-]{36}/);
    await expectAccessible(page);
  });

  it('updates their own account details', async () => {
    await page.goto(`${server.baseUrl}/mon-compte`);
    await expectAccessible(page);
    await page.getByLabel('Prénom').fill('Camille');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => page.locator('.fr-alert--success').textContent()).toContain('enregistrées');
    expect(await page.getByLabel('Prénom').inputValue()).toBe('Camille');
  });

  it('sees members and the audit log only where the role allows', async () => {
    const members = await page.goto(`${server.baseUrl}/membres`);
    if (role === 'super-administrateur') {
      expect(page.url()).toMatch(/\/organisations$/);
    } else {
      expect(members?.status()).toBe(200);
      await expectAccessible(page);
    }
    const journal = await page.goto(`${server.baseUrl}/journal`);
    if (role === 'super-administrateur' || role === 'administrateur') {
      expect(journal?.status()).toBe(200);
      await page.getByLabel('Action').selectOption('auth.');
      await page.getByRole('button', { name: 'Filtrer' }).click();
      await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(0);
      await expectAccessible(page);
    } else {
      expect(journal?.status()).toBe(403);
      await expectAccessible(page);
    }
  });
});

describe('administrator of an organisation', () => {
  let page: Page;
  let context: BrowserContext;
  beforeAll(async () => {
    ({ page, context } = await session('admin.francetravail@passerelle.demo'));
  });
  afterAll(() => context.close());

  it('invites a member and changes a role', async () => {
    await page.goto(`${server.baseUrl}/membres`);
    const form = page.locator('form', {
      has: page.getByRole('button', { name: 'Envoyer l’invitation', exact: true }),
    });
    await form.getByLabel('Prénom').fill('Yasmine');
    await form.getByLabel('Nom', { exact: false }).last().fill('Benali');
    await form.getByLabel('Adresse électronique').fill('yasmine.benali@passerelle.demo');
    await form.getByLabel('Rôle').selectOption('analyste');
    await page.getByRole('button', { name: 'Envoyer l’invitation', exact: true }).click();
    await expect.poll(() => page.locator('.fr-alert--success').textContent()).toContain('invitation');
    expect(server.mailer.sent.at(-1)?.to).toBe('yasmine.benali@passerelle.demo');
    // She is invited, not yet a member: listed as pending, to resend or cancel, until she accepts.
    const invitation = page.locator('tr', { hasText: 'yasmine.benali@passerelle.demo' });
    await expect.poll(() => invitation.getByText('Invitation en attente').count()).toBe(1);
    await expect.poll(() => invitation.getByRole('button', { name: /Annuler/ }).count()).toBe(1);
    await expect.poll(() => invitation.getByRole('button', { name: /Renvoyer/ }).count()).toBe(1);
    expect(await invitation.getByRole('combobox').count()).toBe(0);
    const row = page
      .locator('tr', { has: page.getByRole('combobox') })
      .filter({ hasNotText: 'admin.francetravail@passerelle.demo' })
      .first();
    await row.getByRole('combobox').selectOption('gestionnaire');
    await row.getByRole('button', { name: /Changer le rôle/ }).click();
    await expect.poll(() => page.locator('.fr-alert--success').textContent()).toContain('rôle');
    await expectAccessible(page);
  });

  it('edits the organisation and manages API tokens', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('link', { name: 'Jetons d’API' }).click();
    await page.getByLabel('Nom du jeton').fill('Logiciel de suivi');
    await page.getByRole('button', { name: 'Créer le jeton' }).click();
    const token = await page.locator('#jeton-cree').inputValue();
    expect(token).toMatch(/^psl_/);
    await expectAccessible(page);
    const res = await page.request.get(`${server.baseUrl}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await res.json()).via).toBe('token');
    await page
      .getByRole('button', { name: /Révoquer/ })
      .first()
      .click();
    // A destructive action asks first (issue 9 §6): the modal's own button confirms.
    await page.getByRole('dialog').getByRole('button', { name: 'Révoquer le jeton' }).click();
    await expect.poll(() => page.locator('.fr-alert--success').textContent()).toContain('révoqué');

    const orgUrl = page.url().replace(/\/jetons.*$/, '');
    await page.goto(`${orgUrl}/modifier`);
    await expectAccessible(page);
    await page.getByLabel('Téléphone').fill('04 72 00 00 00');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => page.locator('.fr-alert--success').textContent()).toContain('enregistrées');
    expect(await page.locator('dd', { hasText: '04 72 00 00 00' }).count()).toBe(1);
  });
});

describe('super-administrator', () => {
  it('creates an organisation, choosing the commune from suggestions', async () => {
    const { page, context } = await session('superadmin@passerelle.demo');
    await page.goto(`${server.baseUrl}/organisations/nouvelle`);
    await expectAccessible(page);
    await page.getByLabel('Nom').first().fill('Chantier d’insertion du Pilat');
    await page.getByLabel('Type d’organisation').selectOption('siae_aci');
    await page.getByLabel('SIRET').fill('13002526500013');
    await page.getByLabel('Commune').pressSequentially('st etienne', { delay: 20 });
    await expect
      .poll(() => page.locator('#communes-suggerees option').first().getAttribute('value'))
      .toBe('42218');
    await page.getByLabel('Commune').fill('42218');
    await page.getByRole('button', { name: 'Créer l’organisation' }).click();
    await page.waitForURL(/\/organisations\/[0-9a-f-]{36}\?info=cree/);
    expect(await page.locator('h1').textContent()).toBe('Chantier d’insertion du Pilat');
    expect(await page.locator('main').textContent()).toContain('Saint-Étienne (42)');
    await expectAccessible(page);
    await context.close();
  });
});

describe('without JavaScript', () => {
  it('the main actions still work: log in, filter the directory, invite a member', async () => {
    const { page, context } = await session('admin.francetravail@passerelle.demo', {
      javaScriptEnabled: false,
    });
    await page.goto(`${server.baseUrl}/organisations`);
    await page.getByLabel('Nom de l’organisation').fill('cap emploi');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/q=cap\+emploi/);
    expect(await page.locator('#nombre-resultats').textContent()).toMatch(/^3\sorganisations$/);
    await page.goto(`${server.baseUrl}/membres`);
    const form = page.locator('form', {
      has: page.getByRole('button', { name: 'Envoyer l’invitation', exact: true }),
    });
    await form.getByLabel('Prénom').fill('Hugo');
    await form.getByLabel('Nom', { exact: false }).last().fill('Marchand');
    await form.getByLabel('Adresse électronique').fill('hugo.marchand@passerelle.demo');
    await page.getByRole('button', { name: 'Envoyer l’invitation', exact: true }).click();
    expect(await page.locator('.fr-alert--success').textContent()).toContain('invitation');
    await context.close();
  });
});
