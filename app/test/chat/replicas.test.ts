import assert from 'node:assert/strict';
import { createLogger } from '../../src/logger.js';
import { createRedisPubSub } from '../../src/pubsub/redis.js';
import { connectRedis, type RedisClientType } from '../../src/redis.js';
import type { PubSub } from '../../src/pubsub/types.js';
import { startChatServer, type ChatServer } from '../support/chat-server.js';
import { createTestDatabase, type TestDb } from '../support/db.js';
import { connectAuthed, replyText, type TestClient } from '../support/ws-client.js';
import { freePort, startRedis, type TestServer } from '../../../test/support/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const words = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`).join(' ');

/** Two backend instances sharing one PostgreSQL database and one Redis. */
async function twoReplicas(testDb: TestDb, redisUrl: string) {
  const prefix = `test-${Math.random().toString(36).slice(2)}:`;
  const pubsubs: PubSub[] = [];
  const clients: RedisClientType[] = [];
  const servers: ChatServer[] = [];
  for (let i = 0; i < 2; i++) {
    // As in production with REDIS_URL: pub/sub connections plus the shared client (limits, /ready).
    const pubsub = await createRedisPubSub({ url: redisUrl, prefix });
    const redis = await connectRedis(redisUrl, createLogger({ level: 'silent' }));
    pubsubs.push(pubsub);
    clients.push(redis);
    servers.push(
      await startChatServer({
        testDb,
        pubsub,
        redis,
        registry: { models: [], echo: { tokenDelayMs: 10 } },
      }),
    );
  }
  return {
    servers: servers as [ChatServer, ChatServer],
    async close() {
      for (const s of servers) await s.close();
      for (const p of pubsubs) await p.close();
      for (const c of clients) c.destroy();
    },
  };
}

describe('replicas: two instances sharing PostgreSQL and Redis', function () {
  let testDb: TestDb;
  let replicas: Awaited<ReturnType<typeof twoReplicas>>;
  const clients: TestClient[] = [];

  before(async () => {
    const url = process.env.TEST_REDIS_URL;
    if (!url)
      throw new Error('TEST_REDIS_URL is not set: the global test fixture must start Redis');
    testDb = await createTestDatabase('postgres');
    replicas = await twoReplicas(testDb, url);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await replicas?.close();
    await testDb?.cleanup();
  });

  it('a reply started on one instance streams to the user’s socket on the other', async () => {
    const [s1, s2] = replicas.servers;
    const alice = await s1.user();
    const conv = await s1.conversation(alice.id);
    const a1 = await connectAuthed(s1.wsUrl, alice.token);
    const a2 = await connectAuthed(s2.wsUrl, alice.token);
    clients.push(a1, a2);
    await sleep(100); // let the subscriptions reach Redis
    a1.send({
      type: 'chat.send',
      conversationId: conv,
      content: 'across replicas',
      clientMessageId: 'x1',
    });
    const ack = await a2.waitFor('message.created', (f) => f.message.role === 'user');
    assert.equal(ack.message.content, 'across replicas');
    const done = await a2.waitFor('message.completed');
    assert.equal(done.status, 'complete');
    assert.equal(replyText(a2, done.messageId), 'Echo: across replicas');
    // Each socket gets its frames in order, but the two sockets are not ordered against each
    // other: the local one may still be receiving when the remote one has finished.
    await a1.waitFor('message.completed');
    assert.deepEqual(
      a2.frames.map((f) => f.type),
      a1.frames.map((f) => f.type),
      'both sockets saw the same frames',
    );
  });

  it('chat.stop sent to the other instance stops the reply where it streams', async () => {
    const [s1, s2] = replicas.servers;
    const alice = await s1.user();
    const conv = await s1.conversation(alice.id);
    const a1 = await connectAuthed(s1.wsUrl, alice.token);
    const a2 = await connectAuthed(s2.wsUrl, alice.token);
    clients.push(a1, a2);
    await sleep(100);
    a1.send({
      type: 'chat.send',
      conversationId: conv,
      content: words(300, 'w'),
      clientMessageId: 's1',
    });
    await a2.waitFor('delta', (f) => f.text === ' w3');
    a2.send({ type: 'chat.stop', conversationId: conv });
    const done = await a1.waitFor('message.completed');
    assert.equal(done.status, 'interrupted');
    const row = await s1.messages.get(done.messageId);
    assert.equal(row?.status, 'interrupted');
    assert.equal(row?.content, replyText(a1, done.messageId));
  });
});

describe('replicas: Redis stopped mid-test', function () {
  let testDb: TestDb;
  let redis: TestServer;
  let port: number;
  let replicas: Awaited<ReturnType<typeof twoReplicas>>;
  const clients: TestClient[] = [];

  before(async () => {
    testDb = await createTestDatabase('postgres');
    port = await freePort();
    redis = await startRedis(port);
    replicas = await twoReplicas(testDb, redis.url);
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await replicas?.close();
    await redis?.stop();
    await testDb?.cleanup();
  });

  it('chat goes on within the instance while Redis is down, and across again once it is back', async function () {
    this.timeout(30000);
    const [s1, s2] = replicas.servers;
    const alice = await s1.user();
    const conv = await s1.conversation(alice.id);
    const a1 = await connectAuthed(s1.wsUrl, alice.token);
    const a2 = await connectAuthed(s2.wsUrl, alice.token);
    clients.push(a1, a2);
    await sleep(100);

    a1.send({
      type: 'chat.send',
      conversationId: conv,
      content: words(30, 'r'),
      clientMessageId: 'r1',
    });
    await a2.waitFor('delta', (f) => f.text === ' r1');
    await redis.stop(); // mid-stream
    const done = await a1.waitFor('message.completed');
    assert.equal(done.status, 'complete');
    assert.equal(replyText(a1, done.messageId), `Echo: ${words(30, 'r')}`);

    // A whole new exchange while Redis is still down.
    a1.send({
      type: 'chat.send',
      conversationId: conv,
      content: 'no redis',
      clientMessageId: 'r2',
    });
    const second = await a1.waitFor('message.completed', (f) => f.messageId !== done.messageId);
    assert.equal(second.status, 'complete');
    assert.equal(replyText(a1, second.messageId), 'Echo: no redis');
    assert.ok(s1.logs.includes('warn: pub/sub publish failed'));
    const ready = await fetch(`${s1.url}/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), {
      status: 'error',
      checks: { database: 'ok', redis: 'error' },
    });

    redis = await startRedis(port);
    const deadline = Date.now() + 15000;
    for (let i = 0; ; i++) {
      a1.send({
        type: 'chat.send',
        conversationId: conv,
        content: `back ${i}`,
        clientMessageId: `b${i}`,
      });
      const got = await a2
        .waitFor('message.created', (f) => f.message.content === `back ${i}`, 1000)
        .then(() => true)
        .catch(() => false);
      if (got) {
        assert.equal((await fetch(`${s1.url}/ready`)).status, 200);
        break;
      }
      if (Date.now() > deadline) throw new Error('the other instance never received frames again');
      await a1.waitFor(
        'message.completed',
        (f) => replyText(a1, f.messageId) === `Echo: back ${i}`,
      );
    }
  });
});
