import assert from 'node:assert/strict';
import { ApiClient, ApiError } from '../src/lib/api/rest.js';
import { resolveConfig } from '../src/lib/config.js';

describe('web runtime config', () => {
  it('defaults to the page origin, mapping http(s) to ws(s)', () => {
    assert.deepEqual(
      resolveConfig({ apiUrl: '', wsUrl: '' }, new URL('https://chat.example/c/1')),
      {
        apiUrl: 'https://chat.example',
        wsUrl: 'wss://chat.example/ws',
      },
    );
    assert.deepEqual(resolveConfig(undefined, new URL('http://localhost:8080/')), {
      apiUrl: 'http://localhost:8080',
      wsUrl: 'ws://localhost:8080/ws',
    });
  });

  it('takes explicit URLs from config.js', () => {
    const c = resolveConfig(
      { apiUrl: 'https://api.example/', wsUrl: 'wss://ws.example/socket' },
      new URL('https://chat.example/'),
    );
    assert.deepEqual(c, { apiUrl: 'https://api.example', wsUrl: 'wss://ws.example/socket' });
    assert.equal(
      resolveConfig({ apiUrl: 'https://api.example' }, new URL('https://x/')).wsUrl,
      'wss://api.example/ws',
    );
  });
});

describe('web REST client', () => {
  const calls: { url: string; init?: RequestInit }[] = [];
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === null ? null : JSON.stringify(body), { status, headers });
  let next: Response;
  const api = new ApiClient('http://api', async (url, init) => {
    calls.push({ url, init });
    return next;
  });

  it('sends JSON with the session cookie and parses the answer', async () => {
    next = reply(201, { user: { id: '1', username: 'ann' }, token: 't', expiresAt: 'x' });
    const r = await api.register('ann', 'password1');
    assert.equal(r.user.username, 'ann');
    const call = calls.at(-1)!;
    assert.equal(call.url, 'http://api/api/auth/register');
    assert.equal(call.init?.credentials, 'include');
    assert.equal(call.init?.body, JSON.stringify({ username: 'ann', password: 'password1' }));
  });

  it('builds list queries and handles 204', async () => {
    next = reply(200, { items: [], nextCursor: null });
    await api.listConversations({ q: 'a b', cursor: 'cur', limit: 5 });
    assert.equal(calls.at(-1)!.url, 'http://api/api/conversations?limit=5&cursor=cur&q=a+b');
    next = reply(204, null);
    assert.equal(await api.deleteConversation('x/y'), undefined);
    assert.equal(calls.at(-1)!.url, 'http://api/api/conversations/x%2Fy');
  });

  it('turns error bodies into ApiError with code and Retry-After', async () => {
    next = reply(
      429,
      { error: { code: 'rate_limited', message: 'slow down' } },
      { 'retry-after': '9' },
    );
    const err = await api.me().catch((e: unknown) => e);
    assert.ok(err instanceof ApiError);
    assert.deepEqual(
      [err.status, err.code, err.message, err.retryAfter],
      [429, 'rate_limited', 'slow down', 9],
    );
    next = new Response('<html>bad gateway</html>', { status: 502 });
    const e2 = await api.me().catch((e: unknown) => e);
    assert.ok(e2 instanceof ApiError);
    assert.equal(e2.code, 'http_502');
  });
});
