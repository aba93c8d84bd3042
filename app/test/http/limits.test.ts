import assert from 'node:assert/strict';
import { connectRedis, type RedisClientType } from '../../src/redis.js';
import { QuotaService } from '../../src/ratelimit/quota-service.js';
import { TokenUsageStore } from '../../src/ratelimit/usage-store.js';
import { TooManyRequestsError } from '../../src/errors/index.js';
import { createLogger } from '../../src/logger.js';
import { createTestApp, signUp, type TestApp } from '../support/app.js';

describe('REST limits', () => {
  describe('body size and type', () => {
    let t: TestApp;
    let auth: { Authorization: string };
    before(async () => {
      t = await createTestApp('sqlite');
      auth = (await signUp(t, 'sizer')).auth;
    });
    after(() => t.close());

    it('answers 413 payload_too_large for a JSON body over 64 KB', async () => {
      const res = await t
        .http()
        .post('/api/conversations')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ title: 'x', systemPrompt: 'y'.repeat(65 * 1024) }));
      assert.equal(res.status, 413);
      assert.equal(res.body.error.code, 'payload_too_large');
    });

    it('accepts a body just under 64 KB (then validates it)', async () => {
      const res = await t
        .http()
        .post('/api/conversations')
        .set(auth)
        .send({ systemPrompt: 'y'.repeat(60 * 1024) });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.details[0].path, 'body.systemPrompt');
    });

    it('answers 400 invalid_json for malformed JSON', async () => {
      const res = await t
        .http()
        .post('/api/conversations')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send('{"title": ');
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'invalid_json');
    });

    it('answers 415 for a non-JSON body', async () => {
      const res = await t
        .http()
        .post('/api/auth/login')
        .set('Content-Type', 'text/plain')
        .send('username=alice');
      assert.equal(res.status, 415);
      assert.equal(res.body.error.code, 'unsupported_media_type');
    });
  });

  describe('rate limits (in memory)', () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp('sqlite', {
        env: { RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_IP_PER_MINUTE: '12' },
      });
    });
    after(() => t.close());

    it('limits writes per user with 429 and Retry-After, leaving reads and other users alone', async () => {
      const u1 = await signUp(t, 'writer1');
      const u2 = await signUp(t, 'writer2');
      for (let i = 0; i < 3; i++) {
        assert.equal((await t.http().post('/api/conversations').set(u1.auth).send({})).status, 201);
      }
      const limited = await t.http().post('/api/conversations').set(u1.auth).send({});
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, 'rate_limited');
      const retry = Number(limited.headers['retry-after']);
      assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      assert.equal((await t.http().get('/api/conversations').set(u1.auth)).status, 200);
      assert.equal((await t.http().post('/api/conversations').set(u2.auth).send({})).status, 201);
    });

    it('limits /api requests per IP; probes are exempt', async () => {
      let status = 0;
      for (let i = 0; i < 12 && status !== 429; i++) {
        status = (await t.http().get('/api/auth/me')).status;
      }
      assert.equal(status, 429);
      const res = await t.http().get('/api/auth/me');
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers['retry-after']) >= 1);
      assert.equal((await t.http().get('/health')).status, 200);
      assert.equal((await t.http().get('/ready')).status, 200);
    });
  });

  describe('client IP behind a proxy', () => {
    for (const trust of [true, false]) {
      it(`TRUST_PROXY=${trust}: X-Forwarded-For ${trust ? 'separates' : 'cannot dodge'} per-IP budgets`, async () => {
        const t = await createTestApp('sqlite', {
          env: { RATE_LIMIT_IP_PER_MINUTE: '2', TRUST_PROXY: String(trust) },
        });
        try {
          const from = (ip: string) => t.http().get('/api/models').set('X-Forwarded-For', ip);
          assert.equal((await from('203.0.113.1')).status, 401);
          assert.equal((await from('203.0.113.1')).status, 401);
          assert.equal((await from('203.0.113.1')).status, 429);
          assert.equal((await from('203.0.113.2')).status, trust ? 401 : 429);
        } finally {
          await t.close();
        }
      });
    }
  });

  describe('rate limits shared through Redis', () => {
    let redis: RedisClientType;
    const apps: TestApp[] = [];
    before(async () => {
      const url = process.env.TEST_REDIS_URL;
      assert.ok(url, 'TEST_REDIS_URL is set by the global fixture');
      redis = await connectRedis(url, createLogger({ level: 'silent' }));
      const prefix = `shared:${Date.now()}`;
      for (let i = 0; i < 2; i++) {
        apps.push(
          await createTestApp('sqlite', {
            env: { RATE_LIMIT_IP_PER_MINUTE: '4' },
            redis,
            rateLimitPrefix: prefix,
          }),
        );
      }
    });
    after(async () => {
      await Promise.all(apps.map((a) => a.close()));
      await redis.close();
    });

    it('counts requests to two instances against one per-IP budget', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await apps[i % 2]!.http().get('/api/models')).status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429]);
      const keys = await redis.keys('shared:*');
      assert.ok(keys.length > 0, 'counters live in Redis');
    });
  });

  describe('daily token quota', () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp('postgres');
    });
    after(() => t.close());

    it('allows until the day’s tokens are spent, then refuses with quota_exceeded', async () => {
      const user = await signUp(t, 'spender');
      const now = new Date('2026-05-05T22:00:00Z');
      const quota = new QuotaService(new TokenUsageStore(t.deps.db), 100, () => now);
      assert.equal((await quota.assertAvailable(user.id)).remaining, 100);
      await quota.record(user.id, 60);
      assert.equal((await quota.check(user.id)).remaining, 40);
      await quota.record(user.id, 55);
      const err = await quota.assertAvailable(user.id).then(
        () => assert.fail('quota not enforced'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof TooManyRequestsError);
      assert.equal(err.code, 'quota_exceeded');
      assert.equal(err.retryAfter, 7200);
      // The next UTC day starts fresh.
      const tomorrow = new QuotaService(
        new TokenUsageStore(t.deps.db),
        100,
        () => new Date('2026-05-06T00:00:01Z'),
      );
      assert.equal((await tomorrow.check(user.id)).allowed, true);
    });
  });
});
