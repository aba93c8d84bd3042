import assert from 'node:assert/strict';
import type { Message, ServerFrame } from '../src/lib/contract.js';
import {
  addPending,
  applyFrame,
  dropLastReply,
  initialState,
  pendingSends,
  requestStop,
} from '../src/lib/chat/reducer.js';

const C = 'conv-1';
const msg = (over: Partial<Message>): Message => ({
  id: 'm',
  conversationId: C,
  role: 'user',
  content: '',
  status: 'complete',
  clientMessageId: null,
  usage: null,
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

/** A full exchange as the server streams it: ack, reply start, three deltas, completion. */
const exchange: ServerFrame[] = [
  {
    type: 'message.created',
    conversationId: C,
    message: msg({ id: 'u1', content: 'hi', clientMessageId: 'c1' }),
  },
  {
    type: 'message.created',
    conversationId: C,
    message: msg({ id: 'a1', role: 'assistant', status: 'streaming' }),
  },
  { type: 'delta', conversationId: C, messageId: 'a1', text: 'Hel' },
  { type: 'delta', conversationId: C, messageId: 'a1', text: 'lo ' },
  { type: 'delta', conversationId: C, messageId: 'a1', text: 'you' },
  {
    type: 'message.completed',
    conversationId: C,
    messageId: 'a1',
    status: 'complete',
    usage: { promptTokens: 3, completionTokens: 3 },
  },
];

describe('web chat reducer', () => {
  it('streams a reply: optimistic message acked in place, deltas appended, completion with usage', () => {
    let s = addPending(initialState(C, []), 'hi', 'c1');
    assert.equal(s.messages[0]!.pending, true);
    assert.deepEqual(
      pendingSends(s).map((m) => m.clientMessageId),
      ['c1'],
    );
    const contents: string[] = [];
    for (const f of exchange) {
      s = applyFrame(s, f);
      if (s.streamingId) contents.push(s.messages.at(-1)!.content);
    }
    assert.deepEqual(contents, ['', 'Hel', 'Hello ', 'Hello you']);
    assert.deepEqual(
      s.messages.map((m) => [m.id, m.content, m.status]),
      [
        ['u1', 'hi', 'complete'],
        ['a1', 'Hello you', 'complete'],
      ],
    );
    assert.equal(s.streamingId, null);
    assert.deepEqual(s.messages[1]!.usage, { promptTokens: 3, completionTokens: 3 });
    assert.deepEqual(pendingSends(s), []);
  });

  it('Stop: stopping until the server marks the partial reply interrupted', () => {
    let s = initialState(C, []);
    for (const f of exchange.slice(0, 3)) s = applyFrame(s, f);
    s = requestStop(s);
    assert.equal(s.stopping, true);
    s = applyFrame(s, {
      type: 'message.completed',
      conversationId: C,
      messageId: 'a1',
      status: 'interrupted',
      usage: null,
    });
    assert.equal(s.stopping, false);
    assert.equal(s.streamingId, null);
    assert.deepEqual([s.messages[1]!.content, s.messages[1]!.status], ['Hel', 'interrupted']);
  });

  it('a resent message re-acked after reconnect is not duplicated', () => {
    let s = addPending(initialState(C, []), 'hi', 'c1');
    s = applyFrame(s, exchange[0]!);
    s = applyFrame(s, exchange[0]!);
    assert.equal(s.messages.length, 1);
  });

  it('ignores frames of other conversations (same object back)', () => {
    const s = initialState(C, []);
    assert.equal(
      applyFrame(s, { type: 'delta', conversationId: 'other', messageId: 'x', text: 'y' }),
      s,
    );
    assert.equal(applyFrame(s, { type: 'pong' }), s);
  });

  it('turns errors into readable notices on the right message', () => {
    let s = addPending(initialState(C, []), 'hi', 'c1');
    s = applyFrame(s, {
      type: 'error',
      code: 'rate_limited',
      message: 'x',
      conversationId: C,
      clientMessageId: 'c1',
      retryAfter: 7,
    });
    assert.equal(s.messages[0]!.status, 'failed');
    assert.equal(s.messages[0]!.notice, 'You are sending messages too fast. Try again in 7 s.');
    s = applyFrame(s, exchange[1]!);
    s = applyFrame(s, {
      type: 'error',
      code: 'provider_timeout',
      message: 'x',
      conversationId: C,
      messageId: 'a1',
    });
    assert.equal(s.messages.at(-1)!.notice, 'The AI provider took too long to answer.');
    assert.equal(s.streamingId, null);
    s = applyFrame(s, { type: 'error', code: 'busy', message: 'x', conversationId: C });
    assert.match(s.notice ?? '', /still being written/);
  });

  it('resumes a reply that was streaming when the history was loaded; regenerate drops the last reply', () => {
    let s = initialState(C, [
      msg({ id: 'u1' }),
      msg({ id: 'a1', role: 'assistant', status: 'streaming', content: 'par' }),
    ]);
    assert.equal(s.streamingId, 'a1');
    s = applyFrame(s, { type: 'delta', conversationId: C, messageId: 'a1', text: 'tial' });
    assert.equal(s.messages[1]!.content, 'partial');
    s = dropLastReply(s);
    assert.deepEqual(
      s.messages.map((m) => m.id),
      ['u1'],
    );
    assert.equal(dropLastReply(s), s, 'nothing to drop after a user message');
  });
});
