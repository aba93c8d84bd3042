import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate, compileErrors } from '@readme/openapi-parser';
import { createApiRouter } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { METRIC_NAMES } from '../../src/metrics/index.js';
import { connectRedis, type RedisClientType } from '../../src/redis.js';
import { startRedis, type TestServer } from '../../../test/support/servers.js';
import { createTestApp, signUp, type TestApp } from '../support/app.js';

describe('operations endpoints', () => {
  describe('/health and /ready with Redis going away', () => {
    let redisServer: TestServer;
    let redis: RedisClientType;
    let t: TestApp;
    before(async () => {
      redisServer = await startRedis();
      redis = await connectRedis(redisServer.url, createLogger({ level: 'silent' }));
      t = await createTestApp('postgres', { redis });
    });
    after(async () => {
      redis.destroy();
      await redisServer.stop();
      await t.close();
    });

    it('is live and ready while PostgreSQL and Redis answer', async () => {
      const health = await t.http().get('/health');
      assert.equal(health.status, 200);
      assert.deepEqual(health.body, { status: 'ok' });
      const ready = await t.http().get('/ready');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, { status: 'ok', checks: { database: 'ok', redis: 'ok' } });
    });

    it('reports redis as the failed check once Redis stops, while REST keeps working', async () => {
      const user = await signUp(t, 'survivor');
      await redisServer.stop();
      const ready = await t.http().get('/ready');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.body, { status: 'error', checks: { database: 'ok', redis: 'error' } });
      assert.equal((await t.http().get('/health')).status, 200);
      // Rate limits fall back to memory: writes and reads still succeed.
      const created = await t.http().post('/api/conversations').set(user.auth).send({ title: 'x' });
      assert.equal(created.status, 201);
      const list = await t.http().get('/api/conversations').set(user.auth);
      assert.equal(list.body.items.length, 1);
    });
  });

  describe('readiness without Redis, and a dead database', () => {
    it('reports redis disabled, then the database as failed', async () => {
      const t = await createTestApp('sqlite');
      const ok = await t.http().get('/ready');
      assert.deepEqual(ok.body, { status: 'ok', checks: { database: 'ok', redis: 'disabled' } });
      await t.deps.db.destroy();
      const down = await t.http().get('/ready');
      assert.equal(down.status, 503);
      assert.deepEqual(down.body, {
        status: 'error',
        checks: { database: 'error', redis: 'disabled' },
      });
      assert.equal((await t.http().get('/health')).status, 200);
      await t.testDb.cleanup();
    });
  });

  describe('metrics, OpenAPI, headers, CORS', () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp('sqlite', {
        env: { CORS_ORIGINS: 'https://chat.example.com' },
      });
    });
    after(() => t.close());

    it('/metrics exposes every metric of the issue, with route templates as labels', async () => {
      const user = await signUp(t, 'metered');
      const c = await t.http().post('/api/conversations').set(user.auth).send({});
      await t.http().get(`/api/conversations/${c.body.id}`).set(user.auth);
      t.deps.metrics.tokensIn.inc({ model: 'echo' }, 3);
      t.deps.metrics.providerErrors.inc({ kind: 'timeout' });
      const res = await t.http().get('/metrics');
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'] ?? '', /text\/plain/);
      for (const name of METRIC_NAMES) assert.ok(res.text.includes(name), name);
      assert.match(
        res.text,
        /aichat_http_request_duration_seconds_count\{method="GET",route="\/api\/conversations\/:id",status="200"\} 1/,
      );
      assert.ok(!res.text.includes(c.body.id), 'ids never become labels');
      assert.match(res.text, /aichat_tokens_in_total\{model="echo"\} 3/);
      assert.match(res.text, /aichat_provider_errors_total\{kind="timeout"\} 1/);
      assert.match(res.text, /aichat_process_resident_memory_bytes/);
    });

    it('/api/openapi.json is a valid OpenAPI 3 document listing every route', async () => {
      const res = await t.http().get('/api/openapi.json');
      assert.equal(res.status, 200);
      const doc = res.body;
      assert.match(doc.openapi, /^3\./);
      const result = await validate(structuredClone(doc));
      assert.ok(result.valid, result.valid ? '' : compileErrors(result));
      const routes = createApiRouter(t.deps).routes;
      assert.ok(routes.length >= 13);
      const documented = Object.entries(doc.paths as Record<string, object>).flatMap(
        ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      const expected = routes.map((r) => r.replace(/:(\w+)/g, '{$1}'));
      assert.deepEqual([...documented].sort(), [...expected].sort());
      // Generated from the same zod schemas the routes validate with.
      const creds = doc.components.schemas.Credentials;
      assert.equal(creds.properties.username.minLength, 3);
      assert.equal(creds.properties.password.maxLength, 128);
      const list = doc.paths['/api/conversations'].get;
      assert.ok(list.parameters.some((p: { name: string }) => p.name === 'cursor'));
      assert.ok(list.responses['401'], 'authenticated routes document 401');
    });

    it('sends secure headers', async () => {
      const res = await t.http().get('/health');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
      assert.match(res.headers['content-security-policy'] ?? '', /default-src 'self'/);
      assert.match(res.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    });

    it('allows only listed origins cross-origin', async () => {
      const allowed = await t.http().get('/health').set('Origin', 'https://chat.example.com');
      assert.equal(allowed.headers['access-control-allow-origin'], 'https://chat.example.com');
      assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
      const denied = await t.http().get('/health').set('Origin', 'https://evil.example');
      assert.equal(denied.headers['access-control-allow-origin'], undefined);
      const preflight = await t
        .http()
        .options('/api/conversations')
        .set('Origin', 'https://chat.example.com')
        .set('Access-Control-Request-Method', 'POST');
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers['access-control-allow-methods'] ?? '', /POST/);
    });
  });

  describe('COOKIE_SECURE', () => {
    it('marks the session cookie Secure and sends HSTS only when set', async () => {
      for (const secure of [true, false]) {
        const t = await createTestApp('sqlite', { env: { COOKIE_SECURE: String(secure) } });
        try {
          const res = await t
            .http()
            .post('/api/auth/register')
            .send({ username: 'secure_user', password: 'password123' });
          assert.equal(res.status, 201);
          assert.equal(/; Secure/.test(String(res.headers['set-cookie'])), secure);
          assert.equal(res.headers['strict-transport-security'] !== undefined, secure);
          const csp = res.headers['content-security-policy'] ?? '';
          assert.equal(csp.includes('upgrade-insecure-requests'), secure);
        } finally {
          await t.close();
        }
      }
    });
  });

  describe('web UI', () => {
    let dir: string;
    let t: TestApp;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'aichat-web-'));
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>aichat ui</title>');
      writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
      t = await createTestApp('sqlite', { env: { WEB_DIST_DIR: dir } });
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves the built UI with a single-page-app fallback, leaving the API alone', async () => {
      const index = await t.http().get('/');
      assert.equal(index.status, 200);
      assert.match(index.text, /aichat ui/);
      assert.equal(index.headers['cache-control'], 'no-cache');
      const deep = await t.http().get('/c/some-conversation');
      assert.equal(deep.status, 200);
      assert.match(deep.text, /aichat ui/);
      const asset = await t.http().get('/assets/app-1234.js');
      assert.equal(asset.status, 200);
      assert.match(asset.headers['cache-control'] ?? '', /immutable/);
      const api = await t.http().get('/api/unknown');
      assert.equal(api.status, 404);
      assert.equal(api.body.error.code, 'not_found');
      const traversal = await t.http().get('/..%2f..%2fetc%2fpasswd');
      assert.ok(!traversal.text.includes('root:'), 'no path traversal');
    });
  });
});
