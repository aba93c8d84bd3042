/**
 * Adaptive delta coalescing (issue #11, ws/outbox.ts): a token goes straight out when nothing is
 * pending for the socket (or the user's pub/sub channel); only while a write is pending do
 * deltas wait, merged. These tests show the merging happens under backpressure and not for a
 * reader that keeps up, and that the protocol's guarantees hold either way: every socket of the
 * user sees the reply in order, the saved reply is exactly what was sent, and each reply closes
 * with one message.completed — whether it completes, is stopped or fails, on this replica or
 * another one.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { ProviderError } from '../../src/providers/errors.js';
import type { Provider } from '../../src/providers/types.js';
import { createMemoryPubSub } from '../../src/pubsub/memory.js';
import { createRedisPubSub } from '../../src/pubsub/redis.js';
import type { PubSub } from '../../src/pubsub/types.js';
import { PUBLISH_BACKLOG } from '../../src/ws/hub.js';
import { startChatServer, type ChatServer } from '../support/chat-server.js';
import { createTestDatabase, type TestDb } from '../support/db.js';
import { connectAuthed, replyText, type TestClient } from '../support/ws-client.js';

/** A 1 KiB token, numbered so a lost or reordered one shows. */
const big = (i: number) => `[${i}]`.padEnd(1024, 'x');

/**
 * "n N": tokens ` t0 … t{N-1}` in bursts of 5 per event-loop turn (as an SSE chunk carrying
 * several events), 2 ms apart; "fail: N" fails after 40; "big N": N 1 KiB tokens, one per turn.
 */
const burstProvider: Provider = {
  kind: 'echo',
  async *stream(request, signal) {
    const prompt = request.messages.at(-1)?.content ?? '';
    const fail = prompt.startsWith('fail:');
    const n = Number(prompt.replace(/^\D*/, ''));
    if (prompt.startsWith('big')) {
      for (let i = 0; i < n && !signal.aborted; i++) {
        await nextTurn();
        yield { type: 'delta', text: big(i) };
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (signal.aborted) return;
        if (i % 5 === 0) await sleep(2);
        if (fail && i === 40) throw new ProviderError('provider_stream_cut');
        yield { type: 'delta', text: ` t${i}` };
      }
    }
    yield { type: 'done', usage: { promptTokens: 1, completionTokens: n }, finishReason: 'stop' };
  },
};

const expected = (n: number) => Array.from({ length: n }, (_, i) => ` t${i}`).join('');
const types = (c: TestClient) => c.frames.map((f) => f.type);

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`chat: coalesced deltas keep the protocol's guarantees [${engine}]`, function () {
    let testDb: TestDb;
    let server: ChatServer;
    const clients: TestClient[] = [];
    const open = async (token: string) => {
      const c = await connectAuthed(server.wsUrl, token);
      clients.push(c);
      return c;
    };

    before(async () => {
      testDb = await createTestDatabase(engine);
      server = await startChatServer({
        testDb,
        pubsub: createMemoryPubSub(),
        registry: { models: [], overrides: { echo: burstProvider } },
        // The backpressure test holds 8 MiB for a paused socket.
        env: { WS_SEND_BUFFER_BYTES: String(64 * 1024 * 1024) },
      });
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    after(async () => {
      await server?.close();
      await testDb?.cleanup();
    });

    it('a reader that keeps up gets every token at once: in order, every tab, saved as sent', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const [a1, a2] = [await open(alice.token), await open(alice.token)];
      a1.send({ type: 'chat.send', conversationId: conv, content: 'n 200', clientMessageId: 'c1' });
      const done = await a1.waitFor('message.completed');
      await a2.waitFor('message.completed');
      assert.equal(done.status, 'complete');
      for (const c of [a1, a2]) {
        // Even five tokens in one turn leave one by one: the kernel takes each write at once,
        // so nothing is ever pending and no token is held back.
        const deltas = c.frames.filter((f) => f.type === 'delta');
        assert.equal(deltas.length, 200);
        assert.equal(replyText(c, done.messageId), expected(200));
        // Order: ready, user ack, assistant created, deltas only, then exactly one completed.
        const kinds = types(c);
        assert.deepEqual(kinds.slice(0, 3), ['ready', 'message.created', 'message.created']);
        assert.deepEqual(new Set(kinds.slice(3, -1)), new Set(['delta']));
        assert.equal(kinds.filter((k) => k === 'message.completed').length, 1);
        assert.equal(kinds.at(-1), 'message.completed');
      }
      const row = await server.messages.get(done.messageId);
      assert.equal(row?.content, expected(200));
    });

    it('merges only for a socket that is behind; a reader that keeps up gets every token', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const [slow, fast] = [await open(alice.token), await open(alice.token)];
      // 8 MiB of reply while `slow` reads nothing: more than the kernel's socket buffers hold,
      // so writes to it stay pending and its deltas wait in the outbox.
      slow.ws.pause();
      const n = 8192;
      fast.send({
        type: 'chat.send',
        conversationId: conv,
        content: `big ${n}`,
        clientMessageId: 'b1',
      });
      const done = await fast.waitFor('message.completed', undefined, 60_000);
      slow.ws.resume();
      await slow.waitFor('message.completed', undefined, 60_000);
      const text = Array.from({ length: n }, (_, i) => big(i)).join('');
      const count = (c: TestClient) => c.frames.filter((f) => f.type === 'delta').length;
      // The reader that keeps up got every token in a frame of its own.
      assert.equal(count(fast), n);
      assert.ok(count(slow) < n / 2, `${count(slow)} delta frames for ${n} tokens`);
      for (const c of [slow, fast]) {
        assert.equal(replyText(c, done.messageId), text);
        assert.equal(types(c).filter((k) => k === 'message.completed').length, 1);
        assert.equal(types(c).at(-1), 'message.completed');
        for (const f of c.frames) if (f.type === 'delta') assert.ok(f.text.length <= 17 * 1024);
      }
      const row = await server.messages.get(done.messageId);
      assert.equal(row?.content, text);
    });

    it('chat.stop mid-burst: the saved reply is exactly what the sockets saw, one completed', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const [a1, a2] = [await open(alice.token), await open(alice.token)];
      a1.send({
        type: 'chat.send',
        conversationId: conv,
        content: 'n 5000',
        clientMessageId: 's1',
      });
      await a1.waitFor('delta', () => a1.frames.filter((f) => f.type === 'delta').length >= 5);
      a1.send({ type: 'chat.stop', conversationId: conv });
      const done = await a1.waitFor('message.completed');
      await a2.waitFor('message.completed');
      assert.equal(done.status, 'interrupted');
      const seen = replyText(a1, done.messageId);
      assert.ok(seen.startsWith(' t0 t1 t2'), seen.slice(0, 40));
      assert.ok(seen.length < expected(5000).length);
      assert.equal(replyText(a2, done.messageId), seen);
      const row = await server.messages.get(done.messageId);
      assert.equal(row?.status, 'interrupted');
      assert.equal(row?.content, seen, 'saved = everything sent, no more, no less');
      await sleep(50);
      for (const c of [a1, a2]) {
        assert.equal(types(c).filter((k) => k === 'message.completed').length, 1);
        assert.equal(types(c).at(-1), 'message.completed', 'no delta after completed');
      }
    });

    it('replies started and ended together share batched writes: each saved as sent, one completed, in order', async () => {
      // 12 users, each with two tabs, send at once: their assistant rows are group-committed
      // and their final states written in shared batches (chat/flusher.ts).
      const users = await Promise.all(Array.from({ length: 12 }, () => server.user()));
      const tabs = await Promise.all(
        users.map(async (u) => {
          const conv = await server.conversation(u.id);
          return { conv, tabs: [await open(u.token), await open(u.token)] as const };
        }),
      );
      tabs.forEach(({ conv, tabs: [t1] }, i) =>
        t1.send({
          type: 'chat.send',
          conversationId: conv,
          content: 'n 60',
          clientMessageId: `g${i}`,
        }),
      );
      for (const { conv, tabs: pair } of tabs) {
        const done = await pair[0].waitFor('message.completed');
        await pair[1].waitFor('message.completed');
        assert.equal(done.status, 'complete');
        for (const c of pair) {
          const kinds = types(c);
          assert.deepEqual(kinds.slice(0, 3), ['ready', 'message.created', 'message.created']);
          assert.deepEqual(new Set(kinds.slice(3, -1)), new Set(['delta']));
          assert.equal(kinds.filter((k) => k === 'message.completed').length, 1);
          assert.equal(replyText(c, done.messageId), expected(60));
        }
        const rows = await server.messages.recent(conv);
        assert.deepEqual(
          rows.map((m) => [m.role, m.status]),
          [
            ['user', 'complete'],
            ['assistant', 'complete'],
          ],
        );
        assert.equal(rows[1]?.id, done.messageId);
        assert.equal(rows[1]?.content, expected(60));
        assert.deepEqual(rows[1]?.usage, { promptTokens: 1, completionTokens: 60 });
      }
    });

    it('a provider failure mid-burst: deltas, then the error, then one completed', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const c = await open(alice.token);
      c.send({
        type: 'chat.send',
        conversationId: conv,
        content: 'fail: 100',
        clientMessageId: 'f1',
      });
      const done = await c.waitFor('message.completed');
      assert.equal(done.status, 'failed');
      const kinds = types(c);
      assert.deepEqual(kinds.slice(-2), ['error', 'message.completed']);
      assert.equal(replyText(c, done.messageId), expected(40));
      const row = await server.messages.get(done.messageId);
      assert.equal(row?.content, expected(40));
      assert.equal(row?.status, 'failed');
    });
  });
}

describe('chat: publishes between replicas (Redis), merged only while the broker is behind', function () {
  let testDb: TestDb;
  const servers: ChatServer[] = [];
  const pubsubs: PubSub[] = [];
  const clients: TestClient[] = [];
  let deltaPublishes = 0;
  // While set, the first replica's publishes are answered only once it resolves: Redis still
  // delivers them, the replica just hears back late, as from a broker that is behind.
  let held: Promise<void> | undefined;

  before(async () => {
    const url = process.env.TEST_REDIS_URL;
    if (!url)
      throw new Error('TEST_REDIS_URL is not set: the global test fixture must start Redis');
    testDb = await createTestDatabase('postgres');
    const prefix = `test-${Math.random().toString(36).slice(2)}:`;
    for (let i = 0; i < 2; i++) {
      const pubsub = await createRedisPubSub({ url, prefix });
      pubsubs.push(pubsub);
      // The real Redis pub/sub, counting the delta envelopes the first replica publishes.
      const counted: PubSub = {
        ...pubsub,
        publish(channel, message) {
          if (i > 0) return pubsub.publish(channel, message);
          if (message.includes('|d|')) deltaPublishes++;
          const sent = pubsub.publish(channel, message);
          return held ? held.then(() => sent) : sent;
        },
      };
      servers.push(
        await startChatServer({
          testDb,
          pubsub: counted,
          registry: { models: [], overrides: { echo: burstProvider } },
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

  /** Alice with a socket on each replica, once the first one knows of the second. */
  async function alice() {
    const [s1, s2] = servers as [ChatServer, ChatServer];
    const user = await s1.user();
    const conv = await s1.conversation(user.id);
    const a1 = await connectAuthed(s1.wsUrl, user.token);
    const a2 = await connectAuthed(s2.wsUrl, user.token);
    clients.push(a1, a2);
    // Deltas are published once the first replica has heard the second one's presence.
    while (!s1.realtime.hub.hasRemote(user.id)) await sleep(10);
    return { conv, a1, a2 };
  }

  const assertReply = (c: TestClient, messageId: string, text: string) => {
    assert.equal(replyText(c, messageId), text);
    const kinds = types(c);
    assert.deepEqual(kinds.slice(0, 3), ['ready', 'message.created', 'message.created']);
    assert.deepEqual(new Set(kinds.slice(3, -1)), new Set(['delta']));
    assert.equal(kinds.filter((k) => k === 'message.completed').length, 1);
    assert.equal(kinds.at(-1), 'message.completed');
  };

  it('pipelines every delta while Redis keeps up: none waits for an earlier reply', async () => {
    const { conv, a1, a2 } = await alice();
    deltaPublishes = 0;
    a1.send({ type: 'chat.send', conversationId: conv, content: 'n 200', clientMessageId: 'r1' });
    const done = await a2.waitFor('message.completed');
    await a1.waitFor('message.completed');
    assert.equal(deltaPublishes, 200);
    for (const c of [a1, a2]) assertReply(c, done.messageId, expected(200));
  });

  it(`merges a user's deltas once ${PUBLISH_BACKLOG} publishes are unanswered; nothing lost or reordered`, async () => {
    const { conv, a1, a2 } = await alice();
    deltaPublishes = 0;
    let release = () => {};
    held = new Promise<void>((r) => (release = r));
    const n = 3 * PUBLISH_BACKLOG;
    a1.send({ type: 'chat.send', conversationId: conv, content: `n ${n}`, clientMessageId: 'r2' });
    // The local socket is not held up by the broker.
    const done = await a1.waitFor('message.completed', undefined, 30_000);
    assert.ok(deltaPublishes < PUBLISH_BACKLOG, `${deltaPublishes} published while behind`);
    held = undefined;
    release();
    await a2.waitFor('message.completed', undefined, 30_000);
    assert.ok(deltaPublishes < n / 2, `${deltaPublishes} delta publishes for ${n} tokens`);
    for (const c of [a1, a2]) assertReply(c, done.messageId, expected(n));
    assert.equal((await servers[0]!.messages.get(done.messageId))?.content, expected(n));
  });
});
