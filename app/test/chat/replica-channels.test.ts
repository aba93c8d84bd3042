/**
 * Deltas between replicas go on each target replica's own channel (issue #11, ws/hub.ts): the
 * replica streaming a reply never hears its own deltas back, a replica without sockets of the
 * user gets none, and every socket of the user, on any replica, still sees the whole reply in
 * order with exactly one message.completed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedisPubSub } from '../../src/pubsub/redis.js';
import type { PubSub } from '../../src/pubsub/types.js';
import { startChatServer, type ChatServer } from '../support/chat-server.js';
import { createTestDatabase, type TestDb } from '../support/db.js';
import { connectAuthed, replyText, type TestClient } from '../support/ws-client.js';

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

describe('replicas: deltas on per-replica channels (Redis)', function () {
  let testDb: TestDb;
  let prefix = '';
  const servers: ChatServer[] = [];
  const pubsubs: PubSub[] = [];
  const clients: TestClient[] = [];
  /** Every message each replica's pub/sub handed to the app, on any channel. */
  const heard: string[][] = [[], [], []];

  before(async () => {
    const url = process.env.TEST_REDIS_URL;
    if (!url)
      throw new Error('TEST_REDIS_URL is not set: the global test fixture must start Redis');
    testDb = await createTestDatabase('postgres');
    prefix = `test-${Math.random().toString(36).slice(2)}:`;
    for (let i = 0; i < 3; i++) {
      const pubsub = await createRedisPubSub({ url, prefix });
      pubsubs.push(pubsub);
      // The real Redis pub/sub, recording what reaches the replica's handlers.
      const wrapped = new Map<(m: string) => void, (m: string) => void>();
      const recorded: PubSub = {
        ...pubsub,
        subscribe(channel, handler) {
          const h = (m: string) => {
            heard[i]?.push(m);
            handler(m);
          };
          wrapped.set(handler, h);
          return pubsub.subscribe(channel, h);
        },
        unsubscribe: (channel, handler) =>
          pubsub.unsubscribe(channel, wrapped.get(handler) ?? handler),
      };
      servers.push(
        await startChatServer({
          testDb,
          pubsub: recorded,
          registry: { models: [], echo: { tokenDelayMs: 1 } },
        }),
      );
    }
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    for (const s of servers) await s.close();
    for (const p of pubsubs) await p.close();
    await testDb?.cleanup();
  });

  it('sends each delta to the replicas holding the user only, never back to its own', async () => {
    const [s1, s2, s3] = servers as [ChatServer, ChatServer, ChatServer];
    const alice = await s1.user();
    const bob = await s1.user();
    const conv = await s1.conversation(alice.id);
    // Alice on all three replicas; the third also serves Bob, who is not part of this reply.
    const sockets = [];
    for (const s of [s1, s2, s3]) sockets.push(await connectAuthed(s.wsUrl, alice.token));
    const bobs = await connectAuthed(s3.wsUrl, bob.token);
    clients.push(...sockets, bobs);
    while (s1.realtime.hub.remoteReplicas(alice.id) < 2) await sleep(10);
    for (const h of heard) h.length = 0;

    const n = 60;
    sockets[0]?.send({
      type: 'chat.send',
      conversationId: conv,
      content: words(n),
      clientMessageId: 'pc1',
    });
    const done = await sockets[0]!.waitFor('message.completed');
    for (const c of sockets.slice(1)) await c.waitFor('message.completed');

    const text = `Echo: ${words(n)}`;
    for (const c of sockets) {
      assert.equal(replyText(c, done.messageId), text);
      const kinds = c.frames.map((f) => f.type);
      assert.deepEqual(kinds.slice(0, 3), ['ready', 'message.created', 'message.created']);
      assert.deepEqual(new Set(kinds.slice(3, -1)), new Set(['delta']));
      assert.equal(kinds.filter((k) => k === 'message.completed').length, 1);
      assert.equal(kinds.at(-1), 'message.completed');
    }
    assert.equal((await s1.messages.get(done.messageId))?.content, text);
    assert.deepEqual(
      bobs.frames.map((f) => f.type),
      ['ready'],
      'Bob sees nothing of it',
    );

    const deltas = (i: number) => heard[i]!.filter((m) => m.slice(36, 39) === '|d|');
    const own = s1.realtime.hub.instanceId;
    assert.equal(deltas(0).length, 0, 'the streaming replica hears none of its deltas back');
    for (const i of [1, 2]) {
      assert.ok(deltas(i).length > 0, `replica ${i + 1} gets the deltas`);
      assert.ok(deltas(i).every((m) => m.startsWith(own)));
    }
    // Frames that open and close the reply still go on the user's channel, to every replica.
    for (const i of [0, 1, 2]) {
      assert.ok(heard[i]!.some((m) => m.includes('"type":"message.completed"')));
    }
  });

  it('reaches a replica of the previous version (rolling update) on the user channel', async () => {
    const [s1, s2] = servers as [ChatServer, ChatServer];
    const carol = await s1.user();
    const conv = await s1.conversation(carol.id);
    const sockets = [
      await connectAuthed(s1.wsUrl, carol.token),
      await connectAuthed(s2.wsUrl, carol.token),
    ];
    clients.push(...sockets);
    while (s1.realtime.hub.remoteReplicas(carol.id) < 1) await sleep(10);
    // The previous version: it reads only `user:<id>` and announces itself without a replica
    // channel (`<instanceId>|h|`), as replicas did before them.
    const old = await createRedisPubSub({ url: process.env.TEST_REDIS_URL ?? '', prefix });
    pubsubs.push(old);
    const oldId = randomUUID();
    const oldHeard: string[] = [];
    await old.subscribe(`user:${carol.id}`, (m) => oldHeard.push(m));
    await old.publish(`user:${carol.id}`, `${oldId}|h|`);
    while (s1.realtime.hub.remoteReplicas(carol.id) < 2) await sleep(10);

    sockets[0]?.send({
      type: 'chat.send',
      conversationId: conv,
      content: words(40),
      clientMessageId: 'pc2',
    });
    const done = await sockets[0]!.waitFor('message.completed');
    await sockets[1]!.waitFor('message.completed');

    const text = `Echo: ${words(40)}`;
    // The old replica reads the deltas in its own envelope, `<instanceId>|d|<frame JSON>`.
    const own = s1.realtime.hub.instanceId;
    const oldDeltas = oldHeard
      .filter((m) => m.startsWith(`${own}|d|`))
      .map((m) => JSON.parse(m.slice(own.length + 3)) as { messageId: string; text: string });
    assert.equal(oldDeltas.map((d) => d.text).join(''), text);
    assert.ok(oldDeltas.every((d) => d.messageId === done.messageId));
    // The new replica still sees the whole reply once: no delta twice (user and replica channel).
    assert.equal(replyText(sockets[1]!, done.messageId), text);

    // Once the old replica leaves, deltas go back to the replica channels.
    await old.publish(`user:${carol.id}`, `${oldId}|b|`);
    while (s1.realtime.hub.remoteReplicas(carol.id) > 1) await sleep(10);
    oldHeard.length = 0;
    sockets[0]?.send({
      type: 'chat.send',
      conversationId: conv,
      content: words(5),
      clientMessageId: 'pc3',
    });
    const later = (f: { messageId: string }) => f.messageId !== done.messageId;
    const again = await sockets[0]!.waitFor('message.completed', later);
    await sockets[1]!.waitFor('message.completed', later);
    assert.equal(replyText(sockets[1]!, again.messageId), `Echo: ${words(5)}`);
    assert.equal(oldHeard.filter((m) => m.startsWith(`${own}|d|`)).length, 0);
  });
});
