/**
 * The whole chat flow in Debian's Chromium against the real backend (child process, SQLite,
 * echo provider, and the OpenAI provider pointed at the local OpenAI-compatible test server):
 * register → new chat → streamed reply appears incrementally → Stop leaves a partial reply
 * marked interrupted → reload shows the same history → a second tab sees the stream live →
 * hostile Markdown is inert → the server restarts and the page reconnects and recovers →
 * another user cannot see the first user's conversations.
 * The steps share one browser session and run in order; each asserts its own outcome.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startFakeOpenAI, type FakeOpenAI } from '../../app/test/support/fake-openai.js';
import { startBackend, type Backend } from './support/backend.js';
import {
  launchBrowser,
  newContext,
  screenshot,
  watchProblems,
  type PageProblems,
} from './support/browser.js';
import { buildWeb } from './support/build.js';
import { assistantTexts, authenticate, newChat, send, waitForReply } from './support/ui.js';

const PASSWORD = 'correct horse battery';

/** Picks a model in the chat header and waits until the server has saved it. */
async function pickModel(page: Page, convId: string, model: string): Promise<void> {
  const saved = page.waitForResponse(
    (r) => r.url().includes(`/api/conversations/${convId}`) && r.request().method() === 'PATCH',
  );
  await page.getByLabel('Model').selectOption(model);
  assert.equal((await saved).status(), 200);
}
const TOKENS = Array.from({ length: 60 }, (_, i) => `word${i} `);

describe('web E2E: chat in Chromium against the real backend', function () {
  this.timeout(120000);
  let fake: FakeOpenAI;
  let backend: Backend;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let convId = '';

  before(async () => {
    await buildWeb();
    fake = await startFakeOpenAI();
    backend = await startBackend('chat', {
      OPENAI_API_KEY: fake.apiKey,
      OPENAI_BASE_URL: fake.baseURL,
      MODELS: 'gpt-4o-mini',
      DEFAULT_MODEL: 'echo',
    });
    browser = await launchBrowser();
    ctx = await newContext(browser, backend.url);
    page = await ctx.newPage();
    problems = watchProblems(page);
  });

  after(async () => {
    await browser?.close();
    await backend?.dispose();
    await fake?.close();
  });

  it('registers a user and shows clear errors for a taken name and a wrong password', async () => {
    await authenticate(page, 'register', 'alice', PASSWORD);
    await page.getByText('No chats yet.').waitFor();

    const other = await newContext(browser, backend.url);
    const p2 = await other.newPage();
    await p2.goto('/');
    await p2.getByRole('button', { name: 'Create one' }).click();
    await p2.getByLabel('Username').fill('alice');
    await p2.getByLabel('Password').fill(PASSWORD);
    await p2.getByRole('button', { name: 'Create account' }).click();
    assert.equal(await p2.getByRole('alert').innerText(), 'That username is already taken.');
    await p2.getByRole('button', { name: 'Sign in', exact: true }).first().click();
    await p2.getByLabel('Username').fill('alice');
    await p2.getByLabel('Password').fill('wrong password!');
    await p2.getByRole('button', { name: 'Sign in', exact: true }).click();
    assert.equal(await p2.getByRole('alert').innerText(), 'Wrong username or password.');
    await other.close();
  });

  it('new chat: the echo reply streams in and shows token usage', async () => {
    convId = await newChat(page);
    const i = await send(page, 'hello world');
    assert.equal(await waitForReply(page, i), 'Echo: hello world');
    await page.locator('.usage').first().waitFor();
    assert.match(await page.locator('.usage').first().innerText(), /\d+ \+ \d+ tokens/);
    // The first message names the chat.
    await page.getByRole('link', { name: 'hello world' }).waitFor();
  });

  it('a reply appears incrementally, and Stop leaves the partial reply marked interrupted', async () => {
    await pickModel(page, convId, 'gpt-4o-mini');
    fake.next({ kind: 'stream', tokens: TOKENS, tokenDelayMs: 60 });
    const i = await send(page, 'count for me');
    const reply = page.locator('[data-testid="message-assistant"]').nth(i);
    const seen = new Set<number>();
    const deadline = Date.now() + 10000;
    while (seen.size < 4 && Date.now() < deadline) {
      const text = await reply.locator('.markdown').innerText();
      if (text.length > 0) seen.add(text.length);
      await page.waitForTimeout(40);
    }
    assert.ok(seen.size >= 4, `saw ${seen.size} growing states of the reply`);
    await screenshot(page, 'streaming-desktop-light');
    await page.getByRole('button', { name: 'Stop' }).click();
    const partial = await waitForReply(page, i, 'interrupted');
    await reply.getByText('Stopped').waitFor();
    const full = TOKENS.join('').trim();
    assert.ok(full.startsWith(partial.trim()), 'partial text is a prefix of the full reply');
    assert.ok(partial.trim().length < full.length, 'the reply was cut short');
    // Stop gives the composer back.
    await page.getByRole('button', { name: 'Send' }).waitFor();
    await screenshot(page, 'interrupted-desktop-light');
  });

  it('reload shows the same history', async () => {
    const before = await assistantTexts(page);
    const statuses = await page
      .locator('[data-testid="message-assistant"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    await page.reload();
    await page
      .locator('[data-testid="message-assistant"]')
      .nth(before.length - 1)
      .waitFor();
    assert.equal(new URL(page.url()).pathname, `/c/${convId}`);
    assert.deepEqual(await assistantTexts(page), before);
    assert.deepEqual(
      await page
        .locator('[data-testid="message-assistant"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
      statuses,
    );
    assert.deepEqual(statuses, ['complete', 'interrupted']);
  });

  it('a second tab sees the stream live', async () => {
    const tab2 = await ctx.newPage();
    const tab2Problems = watchProblems(tab2);
    await tab2.goto(`/c/${convId}`);
    await tab2.locator('[data-testid="message-assistant"]').nth(1).waitFor();
    fake.next({ kind: 'stream', tokens: TOKENS.slice(0, 30), tokenDelayMs: 60 });
    const i = await send(page, 'again please');
    const live = tab2.locator('[data-testid="message-assistant"]').nth(2);
    await tab2.getByText('again please').waitFor();
    await live.waitFor();
    // Seen mid-stream in the other tab: some text, not yet complete.
    await tab2.waitForFunction(() => {
      const el = document.querySelectorAll('[data-testid="message-assistant"]')[2];
      return el?.getAttribute('data-status') === 'streaming' && (el.textContent ?? '').length > 5;
    });
    await waitForReply(tab2, i, 'complete');
    assert.equal(
      (await live.locator('.markdown').innerText()).trim(),
      TOKENS.slice(0, 30).join('').trim(),
    );
    assert.deepEqual(tab2Problems.errors, []);
    await tab2.close();
  });

  it('hostile Markdown in a reply is inert', async () => {
    await pickModel(page, convId, 'echo');
    const hostile =
      '<img src=x onerror="window.__pwned=1"> [click me](javascript:window.__pwned=2) ' +
      '<a href="javascript:window.__pwned=3">link</a> <script>window.__pwned=4</script>';
    await waitForReply(page, await send(page, hostile));
    const last = page.locator('[data-testid="message-assistant"]').last();
    await page.waitForTimeout(300); // give a broken image's onerror the chance to fire
    assert.equal(await page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
    assert.equal(await last.locator('img, [onerror], script').count(), 0);
    // Raw HTML is shown as the text the model wrote.
    await last.getByText('<img src=x onerror=').waitFor();
    const hrefs = await last
      .locator('a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(
      hrefs.every((h) => h === null || !/^\s*javascript:/i.test(h)),
      `hrefs: ${hrefs}`,
    );
    // Clicking what is left of the links runs nothing either.
    for (const a of await last.locator('a').all())
      await a.click({ noWaitAfter: true }).catch(() => {});
    assert.equal(await page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
    // The user's own message is shown as text, not markup.
    await page.locator('[data-testid="message-user"]').last().getByText('<img src=x').waitFor();
  });

  it('a provider error shows as a readable notice on the reply', async () => {
    await pickModel(page, convId, 'gpt-4o-mini');
    fake.next({ kind: 'status', status: 429 });
    const i = await send(page, 'will be rate limited');
    const reply = page.locator('[data-testid="message-assistant"]').nth(i);
    await reply.locator('.msg-notice').waitFor();
    assert.equal(await reply.getAttribute('data-status'), 'failed');
    assert.equal(
      await reply.locator('.msg-notice').innerText(),
      'The AI provider is rate limiting requests.',
    );
    await pickModel(page, convId, 'echo');
  });

  it('the reply shows as waiting before the model answers, and Stop works then too', async () => {
    await pickModel(page, convId, 'gpt-4o-mini');
    fake.next({ kind: 'stall', tokens: [] });
    const i = await send(page, 'take your time');
    const reply = page.locator('[data-testid="message-assistant"]').nth(i);
    // The reply's row exists from the send: shown at once, streaming, with the typing mark.
    await reply.locator('.typing').waitFor();
    assert.equal(await reply.getAttribute('data-status'), 'streaming');
    await page.getByRole('button', { name: 'Stop' }).click();
    await reply.getByText('Stopped').waitFor();
    assert.equal(await reply.getAttribute('data-status'), 'interrupted');
    assert.equal((await reply.locator('.markdown').innerText()).trim(), '', 'saved empty');
    assert.equal(await reply.locator('.typing').count(), 0);
    await page.getByRole('button', { name: 'Send' }).waitFor();
  });

  it('the system prompt set in the header reaches the model', async () => {
    await pickModel(page, convId, 'gpt-4o-mini');
    await page.getByRole('button', { name: 'System prompt' }).click();
    await page.getByLabel('System prompt for this chat').fill('You are terse.');
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH');
    await page.getByRole('button', { name: 'Save' }).click();
    assert.equal((await saved).status(), 200);
    fake.next({ kind: 'stream', tokens: ['Ok.'] });
    await waitForReply(page, await send(page, 'be brief'));
    const messages = fake.requests.at(-1)?.messages as { role: string; content: string }[];
    assert.deepEqual(messages[0], { role: 'system', content: 'You are terse.' });
    await page.reload();
    await page.getByRole('button', { name: 'System prompt' }).click();
    assert.equal(
      await page.getByLabel('System prompt for this chat').inputValue(),
      'You are terse.',
    );
    await page.getByRole('button', { name: 'Cancel' }).click();
    await pickModel(page, convId, 'echo');
  });

  it('auto-scroll follows a stream until the reader scrolls up', async () => {
    await pickModel(page, convId, 'gpt-4o-mini');
    fake.next({ kind: 'stream', tokens: Array(120).fill('paragraph\n\n'), tokenDelayMs: 25 });
    const i = await send(page, 'a long answer please');
    const log = page.getByRole('log', { name: 'Messages' });
    const gap = () =>
      log.evaluate((el) => ({
        fromBottom: el.scrollHeight - el.scrollTop - el.clientHeight,
        top: el.scrollTop,
        height: el.scrollHeight,
      }));
    await page.waitForFunction(() => {
      const el = document.querySelector('[role="log"]')!;
      return el.scrollHeight > el.clientHeight + 600;
    });
    assert.ok((await gap()).fromBottom < 40, 'pinned to the bottom while streaming');
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    const before = await gap();
    await page.waitForTimeout(500);
    const after = await gap();
    assert.ok(after.height > before.height, 'the reply kept growing');
    assert.ok(after.top < 50, `stayed where the reader scrolled (top ${after.top})`);
    await waitForReply(page, i);
    await pickModel(page, convId, 'echo');
  });

  it('reconnects after a server restart, shows the state, and recovers', async () => {
    const banner = page.getByTestId('connection-banner');
    await backend.stop();
    await banner.waitFor();
    assert.match(await banner.innerText(), /Reconnecting/);
    await screenshot(page, 'reconnecting-desktop-light');
    // Written while offline: kept as "Sending…" and delivered once the server is back.
    const offline = await send(page, 'sent while offline');
    await page.locator('[data-testid="message-user"]').last().getByText('Sending…').waitFor();
    await backend.start();
    await banner.waitFor({ state: 'detached', timeout: 30000 });
    assert.equal(await waitForReply(page, offline), 'Echo: sent while offline');
    assert.equal(await page.getByText('Sending…').count(), 0);
    const i = await send(page, 'after restart');
    assert.equal(await waitForReply(page, i), 'Echo: after restart');
    // Nothing doubled: the history the server kept matches the page.
    const shown = await assistantTexts(page);
    await page.reload();
    await page
      .locator('[data-testid="message-assistant"]')
      .nth(shown.length - 1)
      .waitFor();
    assert.deepEqual(await assistantTexts(page), shown);
    assert.deepEqual(
      problems.errors.filter(
        (e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e),
      ),
      [],
    );
  });

  it("another user cannot see the first user's conversations", async () => {
    const bobCtx = await newContext(browser, backend.url);
    const bob = await bobCtx.newPage();
    await authenticate(bob, 'register', 'bob', PASSWORD);
    await bob.getByText('No chats yet.').waitFor();
    await bob.goto(`/c/${convId}`);
    await bob.getByText('This conversation no longer exists.').waitFor();
    assert.equal(await bob.locator('[data-testid^="message-"]').count(), 0);
    const status = await bob.evaluate(
      async (id) => (await fetch(`/api/conversations/${id}`)).status,
      convId,
    );
    assert.equal(status, 404);
    const list = await bob.evaluate(async () => (await fetch('/api/conversations')).json());
    assert.deepEqual(list.items, []);
    await bobCtx.close();
  });
});
