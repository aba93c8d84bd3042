/**
 * Conversation management and session handling in Chromium against the real backend: rename,
 * filter, delete with confirmation, infinite scroll, regenerate, Shift+Enter, the composer's
 * byte limit, and a session that ends underneath the page.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MAX_CONTENT_BYTES, MAX_SYSTEM_PROMPT_BYTES } from '../src/lib/contract.js';
import { startBackend, type Backend } from './support/backend.js';
import { launchBrowser, newContext } from './support/browser.js';
import { buildWeb } from './support/build.js';
import { authenticate, newChat, send, waitForReply } from './support/ui.js';

const titles = (page: Page) => page.locator('.conv-list .conv a').allInnerTexts();

describe('web E2E: conversations sidebar and session', function () {
  this.timeout(120000);
  let backend: Backend;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;

  before(async () => {
    await buildWeb();
    backend = await startBackend('sidebar');
    browser = await launchBrowser();
    ctx = await newContext(browser, backend.url);
    page = await ctx.newPage();
    await authenticate(page, 'register', 'sidebar_user', 'sidebar password');
  });

  after(async () => {
    await browser?.close();
    await backend?.dispose();
  });

  it('names chats after the first message, filters, renames and deletes with confirmation', async () => {
    for (const first of ['alpha plan', 'beta notes', 'gamma ideas']) {
      await newChat(page);
      await waitForReply(page, await send(page, first));
      await page.getByRole('link', { name: first }).waitFor();
    }
    assert.deepEqual(await titles(page), ['gamma ideas', 'beta notes', 'alpha plan']);

    await page.getByLabel('Filter conversations by title').fill('beta');
    await page.waitForFunction(() => document.querySelectorAll('.conv-list .conv').length === 1);
    assert.deepEqual(await titles(page), ['beta notes']);
    await page.getByLabel('Filter conversations by title').fill('');
    await page.waitForFunction(() => document.querySelectorAll('.conv-list .conv').length === 3);

    await page.getByRole('button', { name: 'Rename alpha plan' }).click();
    const input = page.getByLabel('New title');
    await input.fill('Renamed alpha');
    await input.press('Enter');
    await page.getByRole('link', { name: 'Renamed alpha' }).waitFor();

    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Delete gamma ideas' }).click();
    await page.waitForTimeout(200);
    assert.ok((await titles(page)).includes('gamma ideas'), 'cancel keeps the chat');
    page.once('dialog', (d) => {
      assert.match(d.message(), /Delete “gamma ideas”\?/);
      void d.accept();
    });
    await page.getByRole('button', { name: 'Delete gamma ideas' }).click();
    await page.getByRole('link', { name: 'gamma ideas' }).waitFor({ state: 'detached' });

    await page.reload();
    await page.getByRole('link', { name: 'Renamed alpha' }).waitFor();
    assert.deepEqual((await titles(page)).sort(), ['Renamed alpha', 'beta notes']);
  });

  it('loads older conversations when the list is scrolled to the end', async () => {
    await page.evaluate(async () => {
      for (let i = 0; i < 25; i++) {
        await fetch('/api/conversations', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `bulk ${i}` }),
        });
      }
    });
    await page.reload();
    await page.getByRole('link', { name: 'bulk 24' }).waitFor();
    const list = page.locator('.conv-list');
    for (let i = 0; i < 20 && (await titles(page)).length < 27; i++) {
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page
        .getByRole('button', { name: 'Load more' })
        .scrollIntoViewIfNeeded()
        .catch(() => {});
      await page.waitForTimeout(150);
    }
    const all = await titles(page);
    assert.equal(all.length, 27, `listed ${all.length}`);
    assert.equal(new Set(all).size, 27, 'no duplicates across pages');
  });

  it('Shift+Enter adds a line; Regenerate replaces the last reply', async () => {
    await newChat(page);
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('line one');
    await box.press('Shift+Enter');
    await box.pressSequentially('line two');
    const i = await page.locator('[data-testid="message-assistant"]').count();
    await box.press('Enter');
    assert.equal(await waitForReply(page, i), 'Echo: line one\nline two');
    assert.equal(
      await page.locator('[data-testid="message-user"] .plain').last().innerText(),
      'line one\nline two',
    );
    await page.getByRole('button', { name: 'Regenerate' }).click();
    await waitForReply(page, 0);
    await page.getByRole('button', { name: 'Regenerate' }).waitFor();
    assert.equal(await page.locator('[data-testid="message-assistant"]').count(), 1);
    await page.reload();
    await page.locator('[data-testid="message-assistant"]').first().waitFor();
    assert.equal(await page.locator('[data-testid="message-assistant"]').count(), 1);
  });

  it('the composer counts UTF-8 bytes: over the limit it says so and does not send', async () => {
    await newChat(page);
    const box = page.getByLabel('Message', { exact: true });
    const sendButton = page.getByRole('button', { name: 'Send' });
    // Two bytes each: 16,385 characters pass a 32,000-character maxlength but are 2 bytes over.
    const over = 'é'.repeat(MAX_CONTENT_BYTES / 2 + 1);
    await box.fill(over);
    await page.getByText('Too long by 2 bytes: the limit is 32 KB.').waitFor();
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.ok(await sendButton.isDisabled(), 'Send is disabled');
    await box.press('Enter');
    // Sending clears the box in the same handler, so an unchanged box means nothing was sent.
    assert.equal(await box.inputValue(), over);
    assert.equal(await page.locator('[data-testid="message-user"]').count(), 0);

    await box.fill('é'.repeat(MAX_CONTENT_BYTES / 2)); // exactly the limit: the server takes it
    await page.getByText('Enter to send · Shift+Enter for a new line').waitFor();
    assert.ok(await sendButton.isEnabled(), 'Send is enabled again');
    await box.press('Enter');
    await waitForReply(page, 0); // a reply exists only if the server accepted the message
    assert.equal(await page.locator('.msg-notice').count(), 0);
  });

  it('the system prompt counts UTF-8 bytes too', async () => {
    await newChat(page);
    await page.getByRole('button', { name: 'System prompt' }).click();
    const prompt = page.getByLabel('System prompt for this chat');
    const save = page.getByRole('button', { name: 'Save' });
    // 4,097 characters pass the old maxlength of 8,192 but are 2 bytes over the limit.
    await prompt.fill('é'.repeat(MAX_SYSTEM_PROMPT_BYTES / 2 + 1));
    await page.getByText('Too long by 2 bytes: the limit is 8 KB.').waitFor();
    assert.ok(await save.isDisabled(), 'Save is disabled');
    const atLimit = 'é'.repeat(MAX_SYSTEM_PROMPT_BYTES / 2);
    await prompt.fill(atLimit);
    await save.click();
    await prompt.waitFor({ state: 'detached' });
    // Reopened, the form shows the conversation as the server returned it: the prompt was saved.
    await page.getByRole('button', { name: 'System prompt' }).click();
    assert.equal(await prompt.inputValue(), atLimit);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('the copy button puts a code block on the clipboard', async () => {
    await newChat(page);
    await waitForReply(page, await send(page, 'Run:\n```sh\nnpm start\n```'));
    // Headless Chromium has no system clipboard to read back: record what the app writes.
    await page.evaluate(() => {
      const w = window as unknown as { __copied: string[] };
      w.__copied = [];
      const write = navigator.clipboard.writeText.bind(navigator.clipboard);
      navigator.clipboard.writeText = (text: string) => {
        w.__copied.push(text);
        return write(text);
      };
    });
    await page.getByRole('button', { name: 'Copy code' }).click();
    await page.getByRole('button', { name: 'Copy code' }).filter({ hasText: 'Copied' }).waitFor();
    assert.deepEqual(
      await page.evaluate(() => (window as unknown as { __copied: string[] }).__copied),
      ['npm start'],
    );
  });

  it('a session that ends underneath the page returns to sign-in with a notice', async () => {
    await page.evaluate(async () => {
      await fetch('/api/auth/logout', { method: 'POST' });
    });
    await page.getByRole('button', { name: '+ New chat' }).click();
    await page.getByText('Your session has expired. Please sign in again.').waitFor();
    await page.getByLabel('Username').waitFor();
    await authenticate(page, 'login', 'sidebar_user', 'sidebar password');
    await page.getByRole('link', { name: 'Renamed alpha' }).waitFor();
  });
});
