import assert from 'node:assert/strict';
import { createMemoryPubSub } from '../../src/pubsub/memory.js';
import { createRedisPubSub, reconnectDelay } from '../../src/pubsub/redis.js';
import type { PubSub } from '../../src/pubsub/types.js';
import { freePort, startRedis } from '../../../test/support/servers.js';

function redisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: the global test fixture must start Redis');
  return url;
}

/** Resolves with the next message a channel receives (or rejects after `ms`). */
function nextMessage(ps: PubSub, channel: string, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${channel}`)), ms);
    const handler = (m: string) => {
      clearTimeout(timer);
      void ps.unsubscribe(channel, handler);
      resolve(m);
    };
    void ps.subscribe(channel, handler);
  });
}

const prefix = () => `test-${Math.random().toString(36).slice(2)}:`;
const tick = (ms = 100) => new Promise((r) => setTimeout(r, ms));

function contract(name: string, make: () => Promise<[PubSub, PubSub]>) {
  describe(`pubsub contract: ${name}`, () => {
    let a: PubSub;
    let b: PubSub;
    beforeEach(async () => ([a, b] = await make()));
    afterEach(async () => {
      await a.close();
      if (b !== a) await b.close();
    });

    it('delivers a published message to subscribers of the channel only', async () => {
      const got: string[] = [];
      const other: string[] = [];
      await b.subscribe('user:1', (m) => got.push(m));
      await b.subscribe('user:2', (m) => other.push(m));
      await tick(50);
      await a.publish('user:1', 'hello');
      await tick();
      assert.deepEqual(got, ['hello']);
      assert.deepEqual(other, []);
    });

    it('fans one channel out to several handlers and stops after unsubscribe', async () => {
      const h1: string[] = [];
      const h2: string[] = [];
      const f1 = (m: string) => h1.push(m);
      await b.subscribe('c', f1);
      await b.subscribe('c', (m) => h2.push(m));
      await tick(50);
      await a.publish('c', 'one');
      await tick();
      await b.unsubscribe('c', f1);
      await a.publish('c', 'two');
      await tick();
      assert.deepEqual(h1, ['one']);
      assert.deepEqual(h2, ['one', 'two']);
    });
  });
}

contract('memory', async () => {
  const ps = createMemoryPubSub();
  return [ps, ps];
});
contract('redis (two connections, shared prefix)', async () => {
  const p = prefix();
  return [
    await createRedisPubSub({ url: redisUrl(), prefix: p }),
    await createRedisPubSub({ url: redisUrl(), prefix: p }),
  ];
});

describe('pubsub: redis', () => {
  it('keeps deployments with different prefixes apart', async () => {
    const a = await createRedisPubSub({ url: redisUrl(), prefix: prefix() });
    const b = await createRedisPubSub({ url: redisUrl(), prefix: prefix() });
    const got: string[] = [];
    await b.subscribe('x', (m) => got.push(m));
    await a.publish('x', 'leak?');
    await tick();
    assert.deepEqual(got, []);
    await Promise.all([a.close(), b.close()]);
  });

  it('fails fast while Redis is down and resubscribes after it returns', async function () {
    this.timeout(20000);
    const port = await freePort();
    let server = await startRedis(port);
    const warnings: string[] = [];
    const logger = { warn: (_o: object, m: string) => warnings.push(m), info: () => {} };
    const ps = await createRedisPubSub({ url: server.url, prefix: 'r:', logger });
    try {
      const first = nextMessage(ps, 'ch');
      await tick(50);
      await ps.publish('ch', 'before');
      assert.equal(await first, 'before');

      const got: string[] = [];
      await ps.subscribe('ch', (m) => got.push(m));
      await server.stop();
      const t0 = Date.now();
      await assert.rejects(ps.publish('ch', 'while down'));
      assert.ok(Date.now() - t0 < 1000, 'publish must not wait for Redis');
      assert.ok(warnings.includes('redis error'));

      server = await startRedis(port);
      // Wait until the subscriber has reconnected and re-subscribed, then publish again.
      const deadline = Date.now() + 10000;
      while (!got.includes('after')) {
        if (Date.now() > deadline) throw new Error('no message after Redis came back');
        await ps.publish('ch', 'after').catch(() => undefined);
        await tick(200);
      }
      assert.ok(!got.includes('while down'));
    } finally {
      await ps.close();
      await server.stop();
    }
  });

  it('rejects at start when Redis is unreachable, naming REDIS_URL', async () => {
    const port = await freePort();
    await assert.rejects(createRedisPubSub({ url: `redis://127.0.0.1:${port}` }), /REDIS_URL/);
  });

  it('backs off between reconnects up to 2 s', () => {
    assert.equal(reconnectDelay(0), 50);
    assert.equal(reconnectDelay(3), 400);
    assert.equal(reconnectDelay(100), 2000);
  });
});
