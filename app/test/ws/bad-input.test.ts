import assert from 'node:assert/strict';
import { MAX_CONTENT_BYTES, MAX_FRAME_BYTES } from '../../src/protocol/frames.js';
import { createMemoryPubSub } from '../../src/pubsub/memory.js';
import { startChatServer, type ChatServer } from '../support/chat-server.js';
import { createTestDatabase, type TestDb } from '../support/db.js';
import { connect, connectAuthed, type TestClient } from '../support/ws-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ghost = '4b0c5a5e-3f51-4a0e-9a43-6d1f1c6f3f2a';

describe('/ws: bad input, limits and liveness [postgres]', function () {
  let testDb: TestDb;
  let server: ChatServer;
  const clients: TestClient[] = [];
  const track = (c: TestClient) => (clients.push(c), c);

  before(async () => {
    testDb = await createTestDatabase('postgres');
    server = await startChatServer({
      testDb,
      pubsub: createMemoryPubSub(),
      registry: { models: [] },
      env: {
        RATE_LIMIT_PER_MINUTE: '3',
        CORS_ORIGINS: 'https://allowed.example',
        WS_HEARTBEAT_MS: '100',
      },
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await server?.close();
    await testDb?.cleanup();
  });

  /** Sends a raw frame, expects an error frame with `code`, then proves the socket still works. */
  async function expectError(c: TestClient, raw: string | object, code: string) {
    const before = c.frames.filter((f) => f.type === 'error').length;
    c.send(raw);
    await c.waitFor('error', () => c.frames.filter((f) => f.type === 'error').length > before);
    const last = c.frames.filter((f) => f.type === 'error').at(-1);
    if (last?.type !== 'error') throw new Error('unreachable');
    assert.equal(
      last?.type === 'error' && last.code,
      code,
      `for ${String(JSON.stringify(raw)).slice(0, 60)}`,
    );
    const pongs = c.frames.filter((f) => f.type === 'pong').length;
    c.send({ type: 'ping' });
    await c.waitFor('pong', () => c.frames.filter((f) => f.type === 'pong').length > pongs);
    return last;
  }

  it('answers every malformed frame type with an error frame and keeps the socket', async () => {
    const alice = await server.user();
    const conv = await server.conversation(alice.id);
    const c = track(await connectAuthed(server.wsUrl, alice.token));
    const cases: Array<[string | object, string]> = [
      ['{not json', 'bad_frame'],
      ['[]', 'bad_frame'],
      ['"chat.send"', 'bad_frame'],
      [{ type: 'chat.delete', conversationId: conv }, 'bad_frame'],
      [{ nope: 1 }, 'bad_frame'],
      [{ type: 'chat.send', conversationId: conv, clientMessageId: 'x' }, 'bad_frame'],
      [{ type: 'chat.send', conversationId: conv, content: 'hi' }, 'bad_frame'],
      [
        { type: 'chat.send', conversationId: 'not-a-uuid', content: 'hi', clientMessageId: 'x' },
        'bad_frame',
      ],
      [{ type: 'chat.send', conversationId: conv, content: '', clientMessageId: 'x' }, 'bad_frame'],
      [
        { type: 'chat.send', conversationId: conv, content: 'hi', clientMessageId: 'x', extra: 1 },
        'bad_frame',
      ],
      [{ type: 'chat.stop' }, 'bad_frame'],
      [{ type: 'chat.stop', conversationId: 12 }, 'bad_frame'],
      [{ type: 'chat.regenerate' }, 'bad_frame'],
      [{ type: 'chat.regenerate', conversationId: conv }, 'bad_frame'], // nothing to regenerate yet
      [{ type: 'auth' }, 'bad_frame'],
      [{ type: 'auth', token: alice.token }, 'bad_frame'], // already authenticated
      [{ type: 'ping', extra: true }, 'bad_frame'],
      [
        { type: 'chat.send', conversationId: ghost, content: 'hi', clientMessageId: 'g' },
        'not_found',
      ],
      [{ type: 'chat.stop', conversationId: ghost }, 'not_found'],
      [{ type: 'chat.regenerate', conversationId: ghost }, 'not_found'],
    ];
    for (const [raw, code] of cases) await expectError(c, raw, code);
    const e = await expectError(
      c,
      {
        type: 'chat.send',
        conversationId: conv,
        content: 'x'.repeat(MAX_CONTENT_BYTES + 1),
        clientMessageId: 'big',
      },
      'payload_too_large',
    );
    assert.equal(e.clientMessageId, 'big');
    // Binary frames are not part of the protocol.
    c.ws.send(Buffer.from([1, 2, 3]));
    await c.waitFor('error', (f) => f.message.includes('JSON text'));
    const rows = await server.db('messages').where({ conversation_id: conv });
    assert.equal(rows.length, 0, 'no bad frame stored anything');
  });

  it('rate limits chat requests with retryAfter', async () => {
    const alice = await server.user();
    const conv = await server.conversation(alice.id);
    const c = track(await connectAuthed(server.wsUrl, alice.token));
    for (let i = 0; i < 3; i++) {
      c.send({
        type: 'chat.send',
        conversationId: conv,
        content: `m${i}`,
        clientMessageId: `r${i}`,
      });
      await c.waitFor(
        'message.completed',
        () => c.frames.filter((f) => f.type === 'message.completed').length > i,
      );
    }
    const err = await expectError(
      c,
      { type: 'chat.send', conversationId: conv, content: 'one too many', clientMessageId: 'r9' },
      'rate_limited',
    );
    assert.ok(err.retryAfter !== undefined && err.retryAfter >= 1 && err.retryAfter <= 60);
    assert.equal(err.clientMessageId, 'r9');
  });

  it('closes a frame over 64 KiB with 1009, leaving the server and other sockets healthy', async () => {
    const alice = await server.user();
    const other = track(await connectAuthed(server.wsUrl, alice.token));
    const c = await connectAuthed(server.wsUrl, alice.token);
    c.send('{"type":"ping","pad":"' + 'x'.repeat(MAX_FRAME_BYTES) + '"}');
    assert.equal((await c.closed).code, 1009);
    other.send({ type: 'ping' });
    await other.waitFor('pong');
    const again = track(await connectAuthed(server.wsUrl, alice.token));
    assert.equal(again.frames[0]?.type, 'ready');
  });

  it('refuses a foreign Origin (1008) and accepts the own host and allowed origins', async () => {
    const alice = await server.user();
    const foreign = await connect(`${server.wsUrl}/ws?token=${alice.token}`, {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal((await foreign.closed).code, 1008);
    assert.ok(!foreign.frames.some((f) => f.type === 'ready'));
    for (const origin of ['https://allowed.example', server.url]) {
      const ok = track(
        await connect(`${server.wsUrl}/ws?token=${alice.token}`, { headers: { origin } }),
      );
      await ok.waitFor('ready');
    }
  });

  it('terminates a socket that stops answering heartbeats', async () => {
    const alice = await server.user();
    const c = track(await connectAuthed(server.wsUrl, alice.token));
    const before = server.realtime.hub.size;
    // A paused client reads nothing, so it never answers the server's pings.
    (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const deadline = Date.now() + 3000;
    while (server.realtime.hub.size >= before && Date.now() < deadline) await sleep(50);
    assert.equal(server.realtime.hub.size, before - 1);
  });
});

describe('/ws: slow consumers [postgres]', function () {
  let testDb: TestDb;
  let server: ChatServer;
  const clients: TestClient[] = [];
  const track = (c: TestClient) => (clients.push(c), c);
  before(async () => {
    testDb = await createTestDatabase('postgres');
    server = await startChatServer({
      testDb,
      pubsub: createMemoryPubSub(),
      // A provider that floods: 2,000 deltas of 16 KiB, far more than the kernel buffers hold.
      registry: {
        models: [],
        overrides: {
          echo: {
            kind: 'echo',
            async *stream(_req, signal) {
              const chunk = 'z'.repeat(16 * 1024);
              for (let i = 0; i < 2000 && !signal.aborted; i++) {
                await sleep(0);
                yield { type: 'delta', text: chunk };
              }
              yield { type: 'done', usage: null, finishReason: 'stop' };
            },
          },
        },
      },
      env: { WS_SEND_BUFFER_BYTES: String(64 * 1024) },
    });
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.close();
    await testDb?.cleanup();
  });

  it('closes a slow consumer with 4408 instead of buffering without bound', async function () {
    this.timeout(60000);
    const alice = await server.user();
    const conv = await server.conversation(alice.id);
    const c = track(await connectAuthed(server.wsUrl, alice.token));
    const watcher = track(await connectAuthed(server.wsUrl, alice.token));
    // The watcher keeps reading; the slow socket stops reading while a long reply streams.
    (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const words = 'flood me';
    const slowLog = 'warn: closing slow websocket consumer';
    const detected = async () => {
      while (!server.logs.includes(slowLog)) await sleep(10);
    };
    const detection = detected();
    let sent = 0;
    for (; sent < 5 && !server.logs.includes(slowLog); sent++) {
      watcher.send({
        type: 'chat.send',
        conversationId: conv,
        content: words,
        clientMessageId: `s${sent}`,
      });
      await Promise.race([
        detection,
        watcher.waitFor(
          'message.completed',
          () => watcher.frames.filter((f) => f.type === 'message.completed').length > sent,
          20000,
        ),
      ]);
    }
    assert.ok(server.logs.includes(slowLog), `not detected after ${sent} replies`);
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    assert.equal((await c.closed).code, 4408);
    watcher.send({ type: 'ping' });
    await watcher.waitFor('pong');
  });
});

describe('/ws: daily token quota [sqlite]', function () {
  let testDb: TestDb;
  let server: ChatServer;
  before(async () => {
    testDb = await createTestDatabase('sqlite');
    server = await startChatServer({
      testDb,
      pubsub: createMemoryPubSub(),
      registry: { models: [] },
      env: { DAILY_TOKEN_QUOTA: '10' },
    });
  });
  after(async () => {
    await server?.close();
    await testDb?.cleanup();
  });

  it('lets the reply that crosses the quota finish, then refuses with quota_exceeded', async () => {
    const alice = await server.user();
    const conv = await server.conversation(alice.id);
    const c = await connectAuthed(server.wsUrl, alice.token);
    c.send({
      type: 'chat.send',
      conversationId: conv,
      content: 'one two three four five six',
      clientMessageId: 'q1',
    });
    const done = await c.waitFor('message.completed');
    assert.equal(done.status, 'complete');
    c.send({ type: 'chat.send', conversationId: conv, content: 'more', clientMessageId: 'q2' });
    const err = await c.waitFor('error');
    assert.equal(err.code, 'quota_exceeded');
    assert.equal(err.clientMessageId, 'q2');
    assert.ok(err.retryAfter !== undefined && err.retryAfter > 0 && err.retryAfter <= 86400);
    const rows = await server.db('messages').where({ conversation_id: conv, role: 'user' });
    assert.equal(rows.length, 1, 'the refused message was not stored');
    await c.close();
  });
});
