/** Small page helpers that speak the UI's accessible names, shared by the E2E specs. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { conversationIdFromPath } from '../../src/lib/route.js';

/** Registers (or signs in) through the form and waits for the workspace. */
export async function authenticate(
  page: Page,
  mode: 'register' | 'login',
  username: string,
  password: string,
): Promise<void> {
  await page.goto('/');
  if (mode === 'register') await page.getByRole('button', { name: 'Create one' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page
    .getByRole('button', { name: mode === 'register' ? 'Create account' : 'Sign in' })
    .click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}

/** Starts a new conversation; returns its id from the URL. */
export async function newChat(page: Page): Promise<string> {
  const openId = () => conversationIdFromPath(new URL(page.url()).pathname);
  const before = openId();
  await page.getByRole('button', { name: '+ New chat' }).click();
  // The chat open before may be an empty one too: wait for this click's chat, not that one.
  await page.waitForURL((url) => ![null, before].includes(conversationIdFromPath(url.pathname)));
  // The empty-chat hint shows only once the new (empty) conversation has loaded.
  await page.getByText('Say hello to start the conversation.').waitFor();
  return openId()!;
}

/**
 * Types a message and sends it with Enter. Returns the index the reply to it will have among
 * the assistant messages, for `waitForReply`.
 */
export async function send(page: Page, text: string): Promise<number> {
  const replyIndex = await page.locator('[data-testid="message-assistant"]').count();
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
  return replyIndex;
}

/** Texts of the assistant messages, in order. */
export function assistantTexts(page: Page): Promise<string[]> {
  return page.locator('[data-testid="message-assistant"] .markdown').allInnerTexts();
}

/** Waits until assistant message `index` exists and has `status`; returns its text. */
export async function waitForReply(
  page: Page,
  index: number,
  status = 'complete',
  timeout = 15000,
) {
  await page.waitForFunction(
    ([i, s]) =>
      document
        .querySelectorAll('[data-testid="message-assistant"]')
        [i as number]?.getAttribute('data-status') === s,
    [index, status] as const,
    { timeout },
  );
  const text = await page
    .locator('[data-testid="message-assistant"]')
    .nth(index)
    .locator('.markdown')
    .innerText();
  assert.ok(text.length > 0, 'reply has text');
  return text;
}
