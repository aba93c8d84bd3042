/**
 * Debian's Chromium driven by playwright-core (no downloaded browsers). Missing Chromium fails
 * the run loudly with the install command.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPORTS } from './paths.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (Debian: apt-get install chromium) ` +
        'or set CHROMIUM_PATH.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-dev-shm-usage',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 740 };

/** Problems a page reported: uncaught errors, console errors, CSP violations. */
export interface PageProblems {
  errors: string[];
}

/**
 * Records uncaught exceptions, console errors and CSP violations of a page, so a test can
 * assert the app stayed clean (readable notices instead of console errors).
 */
export function watchProblems(page: Page): PageProblems {
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (e) => problems.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.errors.push(`console: ${m.text()}`);
  });
  return problems;
}

/** A fresh browser context (own cookies) with a base URL. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  opts: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    viewport: opts.viewport ?? DESKTOP,
    colorScheme: opts.colorScheme ?? 'light',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
}

/** Saves a full-page PNG under reports/e2e/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(REPORTS, { recursive: true });
  const path = join(REPORTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
