import assert from 'node:assert/strict';
import { createMemoryPubSub } from '../../src/pubsub/memory.js';
import { startChatServer, type ChatServer } from '../support/chat-server.js';
import { createTestDatabase, type TestDb } from '../support/db.js';
import { connect, connectAuthed, replyText, type TestClient } from '../support/ws-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const engine of ['postgres', 'sqlite'] as const) {
  describe(`chat over /ws with the echo model [${engine}]`, function () {
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
        registry: { models: [], echo: { tokenDelayMs: 5 } },
      });
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    after(async () => {
      await server?.close();
      await testDb?.cleanup();
    });

    it('acks the committed user message, streams the reply and stores it complete', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const c = await open(alice.token);
      const ready = c.frames[0];
      assert.equal(ready?.type, 'ready');
      assert.ok(ready?.type === 'ready' && ready.protocol === 1 && ready.user.id === alice.id);

      c.send({
        type: 'chat.send',
        conversationId: conv,
        content: 'hello there world',
        clientMessageId: 'm1',
      });
      const ack = await c.waitFor('message.created', (f) => f.message.role === 'user');
      assert.equal(ack.message.content, 'hello there world');
      assert.equal(ack.message.clientMessageId, 'm1');
      // Committed before acknowledged: the row is in the database when the ack arrives.
      const stored = await server.messages.get(ack.message.id);
      assert.equal(stored?.content, 'hello there world');

      const created = await c.waitFor('message.created', (f) => f.message.role === 'assistant');
      assert.equal(created.message.status, 'streaming');
      const done = await c.waitFor('message.completed');
      assert.equal(done.messageId, created.message.id);
      assert.equal(done.status, 'complete');
      assert.deepEqual(done.usage, { promptTokens: 3, completionTokens: 4 });
      assert.equal(replyText(c, created.message.id), 'Echo: hello there world');

      const reply = await server.messages.get(created.message.id);
      assert.equal(reply?.status, 'complete');
      assert.equal(reply?.content, 'Echo: hello there world');
      assert.deepEqual(reply?.usage, { promptTokens: 3, completionTokens: 4 });
      // Frame order: user ack, assistant created, deltas, completed.
      const kinds = c.frames.map((f) => f.type);
      assert.deepEqual(kinds.slice(0, 3), ['ready', 'message.created', 'message.created']);
      assert.equal(kinds.at(-1), 'message.completed');
    });

    it('streams the same reply to every socket of the user, none to another user', async () => {
      const alice = await server.user();
      const bob = await server.user();
      const conv = await server.conversation(alice.id);
      const [a1, a2, b] = [await open(alice.token), await open(alice.token), await open(bob.token)];
      a1.send({
        type: 'chat.send',
        conversationId: conv,
        content: 'fan out',
        clientMessageId: 'f1',
      });
      const done1 = await a1.waitFor('message.completed');
      const done2 = await a2.waitFor('message.completed');
      assert.equal(done1.messageId, done2.messageId);
      assert.equal(replyText(a2, done2.messageId), 'Echo: fan out');
      await a2.waitFor('message.created', (f) => f.message.role === 'user');
      await sleep(50);
      assert.deepEqual(
        b.frames.map((f) => f.type),
        ['ready'],
      );
    });

    it('re-acks an idempotent resend of a clientMessageId without a second reply', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const c = await open(alice.token);
      const frame = {
        type: 'chat.send',
        conversationId: conv,
        content: 'once',
        clientMessageId: 'dup-1',
      };
      c.send(frame);
      const first = await c.waitFor('message.completed');
      c.send(frame);
      await sleep(20);
      c.send({ ...frame, content: 'different content, same id' });
      await sleep(200);
      const acks = c.frames.filter(
        (f) => f.type === 'message.created' && f.message.role === 'user',
      );
      assert.equal(acks.length, 3);
      const ids = new Set(acks.map((f) => f.type === 'message.created' && f.message.id));
      assert.equal(ids.size, 1);
      assert.equal(c.frames.filter((f) => f.type === 'message.completed').length, 1);
      const rows = await server.db('messages').where({ conversation_id: conv });
      assert.equal(rows.length, 2, 'one user message and one reply');
      assert.ok(first);
    });

    it('refuses a second send while a reply streams (busy), then accepts after', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const c = await open(alice.token);
      const long = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
      c.send({ type: 'chat.send', conversationId: conv, content: long, clientMessageId: 'b1' });
      await c.waitFor('message.created', (f) => f.message.role === 'assistant');
      c.send({ type: 'chat.send', conversationId: conv, content: 'again', clientMessageId: 'b2' });
      const busy = await c.waitFor('error');
      assert.equal(busy.code, 'busy');
      assert.equal(busy.clientMessageId, 'b2');
      await c.waitFor('message.completed');
      c.send({ type: 'chat.send', conversationId: conv, content: 'again', clientMessageId: 'b2' });
      await c.waitFor('message.completed', (f) => replyText(c, f.messageId) === 'Echo: again');
      const rows = await server.db('messages').where({ conversation_id: conv, role: 'user' });
      assert.equal(rows.length, 2, 'the busy send stored nothing');
    });

    it('saves the streamed content periodically while the reply is still streaming', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const c = await open(alice.token);
      const long = Array.from({ length: 200 }, (_, i) => `f${i}`).join(' ');
      c.send({ type: 'chat.send', conversationId: conv, content: long, clientMessageId: 'fl1' });
      const created = await c.waitFor('message.created', (f) => f.message.role === 'assistant');
      const deadline = Date.now() + 5000;
      let row = await server.messages.get(created.message.id);
      while (row?.status === 'streaming' && row.content.length < 10 && Date.now() < deadline) {
        await sleep(20);
        row = await server.messages.get(created.message.id);
      }
      assert.equal(row?.status, 'streaming', 'read while streaming');
      assert.ok(row.content.startsWith('Echo: f0 f1'), row.content);
      assert.ok(replyText(c, created.message.id).startsWith(row.content));
      const done = await c.waitFor('message.completed');
      assert.equal((await server.messages.get(done.messageId))?.content, `Echo: ${long}`);
    });

    it('chat.stop aborts the reply and keeps the partial content as interrupted', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const c = await open(alice.token);
      const long = Array.from({ length: 200 }, (_, i) => `t${i}`).join(' ');
      c.send({ type: 'chat.send', conversationId: conv, content: long, clientMessageId: 's1' });
      const created = await c.waitFor('message.created', (f) => f.message.role === 'assistant');
      await c.waitFor('delta', (f) => f.text === ' t5');
      c.send({ type: 'chat.stop', conversationId: conv });
      const done = await c.waitFor('message.completed');
      assert.equal(done.status, 'interrupted');
      const partial = replyText(c, created.message.id);
      assert.ok(partial.startsWith('Echo: t0 t1'), partial);
      assert.ok(partial.length < ('Echo: ' + long).length);
      const row = await server.messages.get(created.message.id);
      assert.equal(row?.status, 'interrupted');
      assert.equal(row?.content, partial);
      assert.equal(server.realtime.chat.inFlight, 0);
    });

    it('aborts and saves interrupted when all of the user’s sockets close', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const [c1, c2] = [await open(alice.token), await open(alice.token)];
      const long = Array.from({ length: 200 }, (_, i) => `d${i}`).join(' ');
      c1.send({ type: 'chat.send', conversationId: conv, content: long, clientMessageId: 'x1' });
      const created = await c1.waitFor('message.created', (f) => f.message.role === 'assistant');
      await c1.waitFor('delta', (f) => f.text === ' d3');
      await c1.close();
      await sleep(100);
      assert.equal(server.realtime.chat.inFlight, 1, 'one socket left: the reply goes on');
      await c2.waitFor('delta', (f) => f.text === ' d20');
      await c2.close();
      const deadline = Date.now() + 3000;
      let row = await server.messages.get(created.message.id);
      while (row?.status === 'streaming' && Date.now() < deadline) {
        await sleep(20);
        row = await server.messages.get(created.message.id);
      }
      assert.equal(row?.status, 'interrupted');
      assert.ok(row?.content.startsWith('Echo: d0 d1 d2 d3'), row?.content);
      assert.ok((row?.content.length ?? 0) < ('Echo: ' + long).length, row?.content);
      // Everything the last socket saw is saved; the server may have produced a few more tokens
      // between that socket's close and noticing it, and those are saved too.
      const seen = replyText(c2, created.message.id);
      assert.ok(row?.content.startsWith(seen), `saved "${row?.content}", seen "${seen}"`);
    });

    it('regenerate replaces the last reply with a new one', async () => {
      const alice = await server.user();
      const conv = await server.conversation(alice.id);
      const c = await open(alice.token);
      c.send({
        type: 'chat.send',
        conversationId: conv,
        content: 'again please',
        clientMessageId: 'r1',
      });
      const first = await c.waitFor('message.completed');
      c.send({ type: 'chat.regenerate', conversationId: conv });
      const created = await c.waitFor('message.created', (f) => f.replaces === first.messageId);
      const second = await c.waitFor(
        'message.completed',
        (f) => f.messageId === created.message.id,
      );
      assert.equal(second.status, 'complete');
      assert.equal(replyText(c, second.messageId), 'Echo: again please');
      const rows = await server
        .db('messages')
        .where({ conversation_id: conv })
        .orderBy('created_at');
      assert.deepEqual(
        rows.map((r: { role: string; id: string }) => [r.role, r.id]),
        [
          ['user', rows[0].id],
          ['assistant', second.messageId],
        ],
      );
    });

    it('keeps user B out of user A’s conversation (send, stop, regenerate → not_found)', async () => {
      const alice = await server.user();
      const bob = await server.user();
      const conv = await server.conversation(alice.id);
      const a = await open(alice.token);
      const b = await open(bob.token);
      const long = Array.from({ length: 100 }, (_, i) => `p${i}`).join(' ');
      a.send({ type: 'chat.send', conversationId: conv, content: long, clientMessageId: 'a1' });
      await a.waitFor('message.created', (f) => f.message.role === 'assistant');
      b.send({
        type: 'chat.send',
        conversationId: conv,
        content: 'intrude',
        clientMessageId: 'b1',
      });
      b.send({ type: 'chat.stop', conversationId: conv });
      b.send({ type: 'chat.regenerate', conversationId: conv });
      for (let i = 0; i < 3; i++)
        await b.waitFor('error', () => b.frames.filter((x) => x.type === 'error').length > i);
      const errors = b.frames.filter((f) => f.type === 'error');
      assert.deepEqual(
        errors.map((f) => f.type === 'error' && f.code),
        ['not_found', 'not_found', 'not_found'],
      );
      const done = await a.waitFor('message.completed');
      assert.equal(done.status, 'complete', 'B’s stop did not stop A’s reply');
      assert.ok(!b.frames.some((f) => f.type === 'delta'));
      const rows = await server.db('messages').where({ conversation_id: conv, role: 'user' });
      assert.equal(rows.length, 1);
    });

    it('authenticates with an auth frame, and refuses a bad token with 4401', async () => {
      const alice = await server.user();
      const c = await connect(`${server.wsUrl}/ws`);
      clients.push(c);
      c.send({ type: 'chat.stop', conversationId: '4b0c5a5e-3f51-4a0e-9a43-6d1f1c6f3f2a' });
      assert.equal((await c.waitFor('error')).code, 'unauthenticated');
      c.send({ type: 'ping' });
      await c.waitFor('pong');
      c.send({ type: 'auth', token: alice.token });
      const ready = await c.waitFor('ready');
      assert.equal(ready.user.id, alice.id);

      const bad = await connect(`${server.wsUrl}/ws?token=nope`);
      assert.equal((await bad.waitFor('error')).code, 'unauthenticated');
      assert.equal((await bad.closed).code, 4401);
      const cookie = await connect(`${server.wsUrl}/ws`, {
        headers: { cookie: `aichat_session=${alice.token}` },
      });
      clients.push(cookie);
      assert.equal((await cookie.waitFor('ready')).user.id, alice.id);
    });
  });
}
