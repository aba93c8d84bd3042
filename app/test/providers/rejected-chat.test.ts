/**
 * A request the provider refuses (issue #14) reaches the user as `provider_rejected` with the
 * provider's reason, not as "unavailable, try again later": real SDK → fake OpenAI, real /ws.
 */
import assert from 'node:assert/strict';
import { createMemoryPubSub } from '../../src/pubsub/memory.js';
import { startChatServer, type ChatServer } from '../support/chat-server.js';
import { createTestDatabase, type TestDb } from '../support/db.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { connectAuthed, type TestClient } from '../support/ws-client.js';

describe('chat: a request the provider rejects [postgres]', () => {
  let testDb: TestDb;
  let fake: FakeOpenAI;
  let server: ChatServer;
  let client: TestClient;
  let conv: string;

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
    conv = await server.conversation(alice.id, 'gpt-fake');
    client = await connectAuthed(server.wsUrl, alice.token);
  });
  after(async () => {
    await client?.close();
    await server?.close();
    await fake?.close();
    await testDb?.cleanup();
  });

  it('sends provider_rejected with the reason, no retry hint, and stores it on the message', async () => {
    const reason =
      "This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens.";
    fake.next({ kind: 'status', status: 400, message: `${reason} (key ${fake.apiKey})` });
    client.send({
      type: 'chat.send',
      conversationId: conv,
      content: 'a very long question',
      clientMessageId: 'long-1',
    });
    const error = await client.waitFor('error', (f) => f.conversationId === conv);
    assert.equal(error.code, 'provider_rejected');
    assert.equal(
      error.message,
      `The model provider refused the request: ${reason} (key [redacted])`,
    );
    assert.equal(error.retryAfter, undefined);
    const done = await client.waitFor('message.completed', (f) => f.messageId === error.messageId);
    assert.equal(done.status, 'failed');
    const row = await server.messages.get(error.messageId!);
    assert.deepEqual(row?.error, { code: 'provider_rejected', message: error.message });
    assert.ok(!server.logs.some((l) => l.startsWith('error')), 'an expected outcome, not a crash');
  });
});
