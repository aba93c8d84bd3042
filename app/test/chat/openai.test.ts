import assert from 'node:assert/strict';
import { createMemoryPubSub } from '../../src/pubsub/memory.js';
import { startChatServer, type ChatServer } from '../support/chat-server.js';
import { createTestDatabase, type TestDb } from '../support/db.js';
import { startFakeOpenAI, type FakeOpenAI, type Scenario } from '../support/fake-openai.js';
import { connectAuthed, replyText, type TestClient } from '../support/ws-client.js';

describe('chat with the OpenAI provider (real SDK → fake OpenAI server) [postgres]', function () {
  let testDb: TestDb;
  let fake: FakeOpenAI;
  let server: ChatServer;
  let client: TestClient;
  let conv: string;
  let n = 0;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    fake = await startFakeOpenAI();
    server = await startChatServer({
      testDb,
      pubsub: createMemoryPubSub(),
      registry: {
        models: ['gpt-fake'],
        openai: { apiKey: fake.apiKey, baseURL: fake.baseURL, timeoutMs: 3000 },
      },
    });
    const alice = await server.user();
    conv = await server.conversation(alice.id, 'gpt-fake', 'You are terse.');
    client = await connectAuthed(server.wsUrl, alice.token);
  });
  after(async () => {
    await client?.close();
    await server?.close();
    await fake?.close();
    await testDb?.cleanup();
  });

  /** Sends one message with the scenario scripted; resolves with the reply's frames and row. */
  async function exchange(scenario: Scenario, content = `question ${n}`) {
    fake.next(scenario);
    const id = `q${n++}`;
    client.send({ type: 'chat.send', conversationId: conv, content, clientMessageId: id });
    const ack = await client.waitFor('message.created', (f) => f.message.clientMessageId === id);
    const created = await client.waitFor(
      'message.created',
      (f) => f.message.role === 'assistant' && f.message.createdAt > ack.message.createdAt,
    );
    const done = await client.waitFor(
      'message.completed',
      (f) => f.messageId === created.message.id,
    );
    const error = client.frames.find(
      (f) => f.type === 'error' && f.messageId === created.message.id,
    );
    const row = await server.messages.get(created.message.id);
    return { done, error, row, text: replyText(client, created.message.id) };
  }

  it('streams the model reply with usage and sends the system prompt and history', async () => {
    const r = await exchange({ kind: 'stream', tokens: ['Hi', ' there', '.'] }, 'first');
    assert.equal(r.done.status, 'complete');
    assert.equal(r.text, 'Hi there.');
    assert.equal(r.row?.content, 'Hi there.');
    assert.equal(r.row?.usage?.completionTokens, 3);
    assert.deepEqual(r.done.usage, r.row?.usage);
    const second = await exchange({ kind: 'stream', tokens: ['Sure'] }, 'second');
    assert.equal(second.done.status, 'complete');
    assert.deepEqual(fake.requests.at(-1)?.messages, [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'Hi there.' },
      { role: 'user', content: 'second' },
    ]);
    assert.equal(fake.requests.at(-1)?.model, 'gpt-fake');
  });

  const failures: Array<[string, Scenario, string]> = [
    [
      '429',
      { kind: 'status', status: 429, headers: { 'retry-after': '7' } },
      'provider_rate_limited',
    ],
    ['500', { kind: 'status', status: 500 }, 'provider_unavailable'],
    ['401', { kind: 'status', status: 401 }, 'provider_auth'],
  ];
  for (const [name, scenario, code] of failures) {
    it(`turns a provider ${name} into an ${code} error frame and a failed message`, async () => {
      const r = await exchange(scenario);
      assert.equal(r.done.status, 'failed');
      assert.equal(r.error?.type === 'error' && r.error.code, code);
      if (code === 'provider_rate_limited') {
        assert.equal(r.error?.type === 'error' && r.error.retryAfter, 7);
      }
      assert.equal(r.row?.status, 'failed');
      assert.equal(r.row?.error?.code, code);
      assert.equal(r.row?.content, '');
    });
  }

  it('keeps the partial text of a stream cut mid-way as a failed message', async () => {
    const r = await exchange({ kind: 'cut', tokens: ['Half', ' an', ' answer'], mode: 'destroy' });
    assert.equal(r.done.status, 'failed');
    assert.equal(r.error?.type === 'error' && r.error.code, 'provider_stream_cut');
    assert.equal(r.text, 'Half an answer');
    assert.equal(r.row?.content, 'Half an answer');
    assert.equal(r.row?.error?.code, 'provider_stream_cut');
    const ended = await exchange({ kind: 'cut', tokens: ['Ends'], mode: 'end' });
    assert.equal(ended.row?.error?.code, 'provider_stream_cut');
  });

  it('stays healthy after the failures: the next reply streams normally', async () => {
    const r = await exchange({ kind: 'stream', tokens: ['Still', ' here'] });
    assert.equal(r.done.status, 'complete');
    assert.equal(r.row?.content, 'Still here');
    assert.equal(server.realtime.chat.inFlight, 0);
    assert.deepEqual(
      server.logs.filter((l) => l.startsWith('error')),
      [],
      'provider failures are expected outcomes, not server errors',
    );
  });

  it('announces the reply’s stored row before any token; stopped then, it is saved empty as interrupted', async () => {
    fake.next({ kind: 'stall', tokens: [] });
    const id = `q${n++}`;
    client.send({ type: 'chat.send', conversationId: conv, content: 'wait', clientMessageId: id });
    const ack = await client.waitFor('message.created', (f) => f.message.clientMessageId === id);
    const created = await client.waitFor(
      'message.created',
      (f) => f.message.role === 'assistant' && f.message.createdAt > ack.message.createdAt,
    );
    assert.deepEqual([created.message.status, created.message.content], ['streaming', '']);
    // The provider has answered nothing: the row was committed with the user's message.
    const before = await server.messages.get(created.message.id);
    assert.deepEqual([before?.status, before?.content], ['streaming', '']);
    client.send({ type: 'chat.stop', conversationId: conv });
    const done = await client.waitFor(
      'message.completed',
      (f) => f.messageId === created.message.id,
    );
    assert.deepEqual([done.status, done.usage], ['interrupted', null]);
    const ofReply = client.frames.filter(
      (f) => 'messageId' in f && f.messageId === created.message.id,
    );
    assert.deepEqual(
      ofReply.map((f) => f.type),
      ['message.completed'],
      'no delta, no error, one completed',
    );
    const after = await server.messages.get(created.message.id);
    assert.deepEqual([after?.status, after?.content], ['interrupted', '']);
    assert.equal(server.realtime.chat.inFlight, 0);
  });

  it('counts tokens, time to first token, provider errors and open sockets in /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    assert.ok(
      value(/^aichat_tokens_out_total\{model="gpt-fake"\} (\d+)/m) >= 6,
      text.slice(0, 300),
    );
    assert.ok(value(/^aichat_tokens_in_total\{model="gpt-fake"\} (\d+)/m) > 0);
    assert.ok(value(/^aichat_time_to_first_token_seconds_count\{model="gpt-fake"\} (\d+)/m) >= 4);
    assert.equal(value(/^aichat_provider_errors_total\{kind="rate_limited"\} (\d+)/m), 1);
    assert.equal(value(/^aichat_provider_errors_total\{kind="unavailable"\} (\d+)/m), 1);
    assert.equal(value(/^aichat_provider_errors_total\{kind="stream_cut"\} (\d+)/m), 2);
    assert.equal(value(/^aichat_websocket_connections_open (\d+)/m), 1);
    assert.equal(value(/^aichat_streams_in_flight (\d+)/m), 0);
  });

  it('refuses a model the server does not offer', async () => {
    const alice = await server.user();
    const other = await server.conversation(alice.id, 'gpt-unknown');
    const c = await connectAuthed(server.wsUrl, alice.token);
    c.send({ type: 'chat.send', conversationId: other, content: 'x', clientMessageId: 'u1' });
    assert.equal((await c.waitFor('error')).code, 'model_unavailable');
    await c.close();
  });
});
