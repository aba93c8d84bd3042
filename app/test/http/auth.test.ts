import assert from 'node:assert/strict';
import supertest from 'supertest';
import { hashToken } from '../../src/auth/tokens.js';
import { createTestApp, signUp, type TestApp } from '../support/app.js';

for (const engine of ['postgres', 'sqlite'] as const) {
  describe(`REST auth [${engine}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(() => t.close());

    it('registers, sets an httpOnly SameSite cookie and returns the token', async () => {
      const res = await t
        .http()
        .post('/api/auth/register')
        .send({ username: 'alice', password: 'password123' });
      assert.equal(res.status, 201);
      assert.equal(res.body.user.username, 'alice');
      assert.match(res.body.user.id, /^[0-9a-f-]{36}$/);
      assert.ok(res.body.token.length >= 40);
      assert.ok(Date.parse(res.body.expiresAt) > Date.now() + 160 * 3600 * 1000);
      const cookie = String(res.headers['set-cookie']);
      assert.match(cookie, new RegExp(`^aichat_session=${res.body.token};`));
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.doesNotMatch(cookie, /Secure/);
      // Only the hash is stored.
      const rows = await t.deps.db('sessions').select('token_hash');
      assert.ok(
        rows.some((r: { token_hash: string }) => r.token_hash === hashToken(res.body.token)),
      );
      assert.ok(rows.every((r: { token_hash: string }) => r.token_hash !== res.body.token));
      const user = await t.deps.db('users').where({ username: 'alice' }).first();
      assert.notEqual(user.password_hash, 'password123');
      assert.match(user.password_hash, /^\$argon2id\$/);
    });

    it('rejects a taken username (any case) with 409 username_taken', async () => {
      const res = await t
        .http()
        .post('/api/auth/register')
        .send({ username: 'ALICE', password: 'password123' });
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'username_taken');
    });

    it('logs in with the right password only', async () => {
      const ok = await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'alice', password: 'password123' });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.user.username, 'alice');
      for (const body of [
        { username: 'alice', password: 'wrong-password' },
        { username: 'nobody', password: 'password123' },
      ]) {
        const bad = await t.http().post('/api/auth/login').send(body);
        assert.equal(bad.status, 401);
        assert.equal(bad.body.error.code, 'invalid_credentials');
      }
    });

    it('authenticates /me by cookie and by Bearer token', async () => {
      const agent = supertest.agent(t.callback);
      await agent.post('/api/auth/login').send({ username: 'alice', password: 'password123' });
      const byCookie = await agent.get('/api/auth/me');
      assert.equal(byCookie.status, 200);
      assert.equal(byCookie.body.user.username, 'alice');
      const { token } = await signUp(t, 'bearer_user');
      const byBearer = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      assert.equal(byBearer.body.user.username, 'bearer_user');
      const none = await t.http().get('/api/auth/me');
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'unauthenticated');
      const garbage = await t.http().get('/api/auth/me').set('Authorization', 'Bearer nope');
      assert.equal(garbage.status, 401);
      const malformed = await t.http().get('/api/auth/me').set('Authorization', 'Basic abc');
      assert.equal(malformed.status, 401);
      const longToken = await t
        .http()
        .get('/api/auth/me')
        .set('Cookie', `aichat_session=${'x'.repeat(2000)}`);
      assert.equal(longToken.status, 401);
    });

    it('logout deletes the session and clears the cookie', async () => {
      const agent = supertest.agent(t.callback);
      const login = await agent
        .post('/api/auth/login')
        .send({ username: 'alice', password: 'password123' });
      const token = login.body.token as string;
      // As a browser sends it: same-origin, with Origin (cross-site writes are refused).
      const out = await agent
        .post('/api/auth/logout')
        .set('Host', 'chat.example.com')
        .set('Origin', 'https://chat.example.com');
      assert.equal(out.status, 204);
      assert.match(String(out.headers['set-cookie']), /aichat_session=;.*Max-Age=0/);
      const after = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      assert.equal(after.status, 401);
      // Logging out again (no session) is harmless.
      assert.equal((await t.http().post('/api/auth/logout')).status, 204);
    });

    it('answers session_expired for an expired session and deletes it', async () => {
      const { token } = await signUp(t, 'expiring');
      await t.deps
        .db('sessions')
        .where({ token_hash: hashToken(token) })
        .update({ expires_at: new Date(Date.now() - 1000) });
      const res = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'session_expired');
      assert.equal(
        await t.deps
          .db('sessions')
          .where({ token_hash: hashToken(token) })
          .first(),
        undefined,
      );
      const again = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      assert.equal(again.body.error.code, 'unauthenticated');
    });

    for (const [label, body] of [
      ['missing body', undefined],
      ['short username', { username: 'ab', password: 'password123' }],
      ['long username', { username: 'a'.repeat(33), password: 'password123' }],
      ['bad characters', { username: 'al ice', password: 'password123' }],
      ['short password', { username: 'carol', password: 'short' }],
      ['long password', { username: 'carol', password: 'p'.repeat(129) }],
      ['wrong types', { username: 42, password: ['x'] }],
      ['extra field', { username: 'carol', password: 'password123', admin: true }],
      ['array body', [1, 2]],
    ] as const) {
      it(`register and login reject ${label} with 400 validation_failed`, async () => {
        for (const path of ['/api/auth/register', '/api/auth/login']) {
          const req = t.http().post(path);
          const res = body === undefined ? await req : await req.send(body as object);
          assert.equal(res.status, 400, `${path}: ${res.text}`);
          assert.equal(res.body.error.code, 'validation_failed');
          assert.ok(Array.isArray(res.body.error.details));
        }
      });
    }

    it('never logs passwords or tokens', async () => {
      const password = 'very-secret-password-42';
      const reg = await t
        .http()
        .post('/api/auth/register')
        .send({ username: 'secretive', password });
      const token = reg.body.token as string;
      await t.http().post('/api/auth/login').send({ username: 'secretive', password });
      await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      await t.http().get('/api/auth/me').set('Cookie', `aichat_session=${token}`);
      await t.http().get(`/api/auth/me?token=${token}`);
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'secretive', password: `${password}x` });
      const all = t.logs.join('\n');
      assert.ok(t.logs.length > 5, 'requests were logged');
      assert.ok(!all.includes(password), 'password in logs');
      assert.ok(!all.includes(token), 'token in logs');
      assert.ok(all.includes('token=[redacted]'), 'query token masked');
    });
  });
}
