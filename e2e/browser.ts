import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApp } from '../src/app.js';
import { memoryMailer } from '../src/shared/mailer.js';
import { testConfig } from '../test/config.js';
import { createTestDatabase } from '../test/databases.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's chromium, headless, with the flags this sandboxed, offline machine needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function startServer() {
  const { db, drop } = await createTestDatabase('pglite', { demo: true });
  const mailer = memoryMailer();
  const app: FastifyInstance = await buildApp({ config: testConfig(), db, mailer });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    mailer,
    close: async () => {
      await app.close();
      await drop();
    },
  };
}

/**
 * The page's globals as the functions run in it see them (the project's TypeScript has no DOM
 * library). The functions are sent to the page as they are written (no outer name reaches them),
 * and as functions, not strings: the pages' CSP refuses evaluating strings (no 'unsafe-eval').
 */
type InPage = {
  document: {
    documentElement: { getAttribute(name: string): string | null };
    getAnimations(): { playState: string }[];
  };
};

/** axe-core on the WCAG 2.1 A/AA rules the RGAA maps to: no violation allowed. */
export async function expectAccessible(page: Page) {
  // DSFR's script marks the page once it has taken over its components (modals hidden, buttons
  // styled): axe run before that reads a closed modal's buttons half-styled (contrast failures
  // on the offer import’s withdrawal modal with Chromium 156, seen on 2026-11-24).
  await page.waitForFunction(
    () => (globalThis as unknown as InPage).document.documentElement.getAttribute('data-fr-js') === 'true',
    undefined,
    {
      timeout: 5_000,
    },
  );
  // Nor mid-transition: a modal fading in or out has its colours blended with the page's
  // (#bbbbe4 on #6c6cc0 for a #000091 button).
  await page.waitForFunction(
    () => (globalThis as unknown as InPage).document.getAnimations().every((a) => a.playState !== 'running'),
    undefined,
    { timeout: 5_000 },
  );
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary, `axe on ${page.url()}`).toEqual([]);
}

export async function login(page: Page, baseUrl: string, email: string, password = 'Passerelle-Demo-2026!') {
  await page.goto(`${baseUrl}/connexion`);
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${baseUrl}/`);
}
