/**
 * Cross-site writes (issue #14): a cookie-authenticated POST, PATCH or DELETE must come from the
 * server's own origin or from CORS_ORIGINS; Bearer clients are unaffected.
 */
import assert from 'node:assert/strict';
import type { Test } from 'supertest';
import { createTestApp, signUp, type TestApp } from '../support/app.js';

const SITE = 'https://chat.example.com';
const HOST = 'chat.example.com';
const FOREIGN = [
  'https://evil.example',
  // A sibling subdomain is the same site, so SameSite=Lax still sends the cookie.
  'https://evil.chat.example.com',
  'https://chat.example.com.evil.example',
  // The opaque origin of a sandboxed frame or a no-referrer form.
  'null',
];

type Write = { method: 'post' | 'patch' | 'delete'; path: (id: string) => string; body?: object };
const WRITES: Write[] = [
  { method: 'post', path: () => '/api/conversations', body: { title: 'forged' } },
  { method: 'patch', path: (id) => `/api/conversations/${id}`, body: { title: 'forged' } },
  { method: 'delete', path: (id) => `/api/conversations/${id}` },
];

function assertRefused(res: { status: number; body: unknown }) {
  assert.equal(res.status, 403);
  const body = res.body as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'origin_not_allowed');
  assert.equal(typeof body.error.message, 'string');
}

describe('cross-site cookie-authenticated writes', () => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof signUp>>;
  let conversationId: string;
  const cookie = () => `aichat_session=${user.token}`;

  before(async () => {
    t = await createTestApp('postgres', { env: { CORS_ORIGINS: 'https://app.example.net' } });
    user = await signUp(t, 'csrf_victim');
  });
  after(() => t.close());

  beforeEach(async () => {
    const res = await t.http().post('/api/conversations').set(user.auth).send({ title: 'mine' });
    conversationId = res.body.id as string;
  });

  /** A cookie-authenticated write sent to Host chat.example.com; `decorate` adds the headers. */
  function write(w: Write, decorate: (r: Test) => Test): Test {
    const req = t
      .http()
      [w.method](w.path(conversationId))
      .set('Host', HOST)
      .set('Cookie', cookie());
    return w.body ? decorate(req).send(w.body) : decorate(req);
  }

  async function titleOf(id: string): Promise<string | undefined> {
    const res = await t.http().get(`/api/conversations/${id}`).set(user.auth);
    return res.status === 200 ? (res.body.title as string) : undefined;
  }

  for (const w of WRITES) {
    const name = w.method.toUpperCase();

    it(`${name}: refused with 403 origin_not_allowed from a foreign Origin, changing nothing`, async () => {
      const before = await t.http().get('/api/conversations').set(user.auth);
      for (const origin of FOREIGN) {
        assertRefused(await write(w, (r) => r.set('Origin', origin)));
      }
      const after = await t.http().get('/api/conversations').set(user.auth);
      assert.deepEqual(after.body, before.body, 'no conversation created, renamed or deleted');
    });

    it(`${name}: allowed from the same origin and from a CORS_ORIGINS origin`, async () => {
      const same = await write(w, (r) => r.set('Origin', SITE));
      assert.ok(same.status >= 200 && same.status < 300, `same origin: ${same.status}`);
      // DELETE removed the conversation: recreate it for the second call.
      if (w.method === 'delete') {
        const res = await t.http().post('/api/conversations').set(user.auth).send({});
        conversationId = res.body.id as string;
      }
      const listed = await write(w, (r) => r.set('Origin', 'https://app.example.net'));
      assert.ok(listed.status >= 200 && listed.status < 300, `CORS_ORIGINS: ${listed.status}`);
    });

    it(`${name}: falls back to the Referer when Origin is absent`, async () => {
      assertRefused(await write(w, (r) => r.set('Referer', 'https://evil.example/page')));
      assertRefused(await write(w, (r) => r.set('Referer', 'not a url')));
      const ok = await write(w, (r) => r.set('Referer', `${SITE}/c/${conversationId}?x=1`));
      assert.ok(ok.status >= 200 && ok.status < 300, `same-origin Referer: ${ok.status}`);
    });

    it(`${name}: refused when the request carries neither Origin nor Referer`, async () => {
      const res = await write(w, (r) => r);
      assertRefused(res);
      assert.match(res.body.error.message, /Bearer/);
    });

    it(`${name}: a Bearer client is unaffected, even with a foreign Origin and the cookie`, async () => {
      const res = await write(w, (r) =>
        r.set('Origin', 'https://evil.example').set('Authorization', `Bearer ${user.token}`),
      );
      assert.ok(res.status >= 200 && res.status < 300, `Bearer: ${res.status}`);
    });
  }

  it('a refused PATCH leaves the title, and the refusal is logged', async () => {
    const res = await t
      .http()
      .patch(`/api/conversations/${conversationId}`)
      .set('Host', HOST)
      .set('Cookie', cookie())
      .set('Origin', 'https://evil.example')
      .send({ title: 'pwned' });
    assertRefused(res);
    assert.equal(await titleOf(conversationId), 'mine');
    assert.ok(t.logs.some((l) => l.includes('cross-site cookie-authenticated write refused')));
  });

  it('refuses a cross-site logout (the session survives) and leaves reads alone', async () => {
    const out = await t
      .http()
      .post('/api/auth/logout')
      .set('Host', HOST)
      .set('Cookie', cookie())
      .set('Origin', 'https://evil.example');
    assertRefused(out);
    const me = await t
      .http()
      .get('/api/auth/me')
      .set('Host', HOST)
      .set('Cookie', cookie())
      .set('Origin', 'https://evil.example');
    assert.equal(me.status, 200, 'GET is not a write');
  });

  it('checks only requests the cookie authenticates: sign-in without a cookie is not affected', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .set('Origin', 'https://evil.example')
      .send({ username: 'csrf_victim', password: 'correct horse battery' });
    assert.equal(res.status, 200);
  });
});

describe('cross-site writes behind a proxy (TRUST_PROXY)', () => {
  const forwarded = async (trustProxy: boolean) => {
    const t = await createTestApp('sqlite', { env: { TRUST_PROXY: String(trustProxy) } });
    try {
      const user = await signUp(t, 'proxied');
      // The ingress forwards to the pod by its internal name; the browser saw chat.example.com.
      const res = await t
        .http()
        .post('/api/conversations')
        .set('Host', 'aichat-backend:8080')
        .set('X-Forwarded-Host', HOST)
        .set('X-Forwarded-Proto', 'https')
        .set('Cookie', `aichat_session=${user.token}`)
        .set('Origin', SITE)
        .send({});
      return res;
    } finally {
      await t.close();
    }
  };

  it('honours X-Forwarded-Host as the own origin only when TRUST_PROXY is set', async () => {
    assert.equal((await forwarded(true)).status, 201);
    assertRefused(await forwarded(false));
  });
});
