/**
 * Screenshots of the UI at desktop (1280 px) and phone (375 px) widths in light and dark
 * themes, saved as PNG under reports/e2e/ for people to look at. Each shot also asserts the
 * layout holds: nothing wider than the viewport, the composer on screen, the theme applied.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startBackend, type Backend } from './support/backend.js';
import { DESKTOP, PHONE, launchBrowser, newContext, screenshot } from './support/browser.js';
import { buildWeb } from './support/build.js';
import { authenticate, newChat, send, waitForReply } from './support/ui.js';

const SAMPLE = [
  'Show me **Markdown** with a [link](https://example.com), a list and code:',
  '',
  '- first item',
  '- second item with `inline code`',
  '',
  '```ts',
  'export function greet(name: string): string {',
  '  return `Hello, ${name}!`; // a comment',
  '}',
  '```',
].join('\n');

async function assertFits(page: Page, label: string) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `${label}: page scrolls sideways by ${overflow}px`);
  const box = await page.getByLabel('Message', { exact: true }).boundingBox();
  const vp = page.viewportSize()!;
  assert.ok(box && box.x >= 0 && box.x + box.width <= vp.width, `${label}: composer off screen`);
  assert.ok(box.y + box.height <= vp.height, `${label}: composer below the fold`);
}

describe('web E2E: screenshots (desktop and phone, light and dark)', function () {
  this.timeout(120000);
  let backend: Backend;
  let browser: Browser;
  let chatPath = '';

  before(async () => {
    await buildWeb();
    backend = await startBackend('screenshots');
    browser = await launchBrowser();
    const ctx = await newContext(browser, backend.url);
    const page = await ctx.newPage();
    await authenticate(page, 'register', 'screenshot_user', 'screenshot pass 1');
    await screenshotAuth();
    await newChat(page);
    await waitForReply(page, await send(page, SAMPLE));
    await waitForReply(page, await send(page, 'And a short follow-up question?'));
    chatPath = new URL(page.url()).pathname;
    await ctx.storageState({ path: '/tmp/aichat-e2e-shot-state.json' });
    await ctx.close();
  });

  async function screenshotAuth() {
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await newContext(browser, backend.url, { viewport: PHONE, colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto('/');
      await page.getByLabel('Username').waitFor();
      await screenshot(page, `signin-phone-${scheme}`);
      await ctx.close();
    }
  }

  after(async () => {
    await browser?.close();
    await backend?.dispose();
  });

  for (const [device, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`${device} ${viewport.width}px, ${scheme}`, async () => {
        const ctx = await browser.newContext({
          baseURL: backend.url,
          viewport,
          colorScheme: scheme,
          storageState: '/tmp/aichat-e2e-shot-state.json',
        });
        const page = await ctx.newPage();
        await page.goto(chatPath);
        await page.locator('.code-block .copy').first().waitFor();
        await page.locator('.hljs-keyword').first().waitFor();
        const bg = await page.evaluate(
          () => getComputedStyle(document.documentElement).backgroundColor,
        );
        const dark = bg === 'rgb(21, 23, 28)';
        assert.equal(dark, scheme === 'dark', `background ${bg} for ${scheme}`);
        await assertFits(page, `${device}-${scheme}`);
        await screenshot(page, `chat-${device}-${scheme}`);
        if (device === 'phone') {
          await page.getByRole('button', { name: 'Open conversation list' }).click();
          await page.getByRole('button', { name: '+ New chat' }).waitFor();
          await page.waitForTimeout(300); // drawer slide-in
          await screenshot(page, `drawer-${device}-${scheme}`);
        }
        await ctx.close();
      });
    }
  }
});
