import assert from 'node:assert/strict';
import {
  MAX_CONTENT_BYTES,
  MAX_FRAME_BYTES,
  ServerFrameSchema,
} from '../../src/protocol/frames.js';
import { errorFrame, parseClientFrame } from '../../src/protocol/parse.js';

const conv = '4b0c5a5e-3f51-4a0e-9a43-6d1f1c6f3f2a';

function expectError(raw: string | Buffer, code: string): Record<string, unknown> {
  const r = parseClientFrame(raw);
  assert.equal(r.ok, false, `expected ${code} for ${String(raw).slice(0, 80)}`);
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.error.code, code);
  assert.equal(r.error.type, 'error');
  assert.ok(r.error.message.length > 0);
  // Whatever we answer must itself be a valid server frame.
  ServerFrameSchema.parse(r.error);
  return r.error;
}

describe('protocol: parseClientFrame', () => {
  it('accepts every client frame type', () => {
    const frames = [
      { type: 'auth', token: 'abc' },
      { type: 'chat.send', conversationId: conv, content: 'hi', clientMessageId: 'c-1' },
      { type: 'chat.stop', conversationId: conv },
      { type: 'chat.regenerate', conversationId: conv },
      { type: 'ping' },
    ];
    for (const f of frames) {
      const r = parseClientFrame(JSON.stringify(f));
      assert.deepEqual(r, { ok: true, frame: f });
    }
  });

  it('accepts Buffer input', () => {
    assert.deepEqual(parseClientFrame(Buffer.from('{"type":"ping"}')), {
      ok: true,
      frame: { type: 'ping' },
    });
  });

  it('rejects malformed JSON and non-objects', () => {
    for (const raw of ['', '{', 'nope', '{"type":"ping"', '\u0000']) expectError(raw, 'bad_frame');
    for (const raw of ['null', '42', '"ping"', '[{"type":"ping"}]', 'true'])
      expectError(raw, 'bad_frame');
  });

  it('rejects missing and unknown types', () => {
    expectError('{}', 'bad_frame');
    expectError('{"type":7}', 'bad_frame');
    const e = expectError('{"type":"chat.delete","conversationId":"x"}', 'bad_frame');
    assert.match(String(e.message), /unknown frame type "chat.delete"/);
    assert.equal(e.conversationId, 'x');
  });

  it('rejects missing and wrongly typed fields, naming the field', () => {
    const e = expectError('{"type":"chat.send","conversationId":"' + conv + '"}', 'bad_frame');
    assert.match(String(e.message), /content/);
    expectError('{"type":"chat.stop"}', 'bad_frame');
    expectError('{"type":"chat.regenerate","conversationId":42}', 'bad_frame');
    expectError('{"type":"auth"}', 'bad_frame');
    expectError('{"type":"auth","token":""}', 'bad_frame');
    expectError(
      JSON.stringify({ type: 'chat.send', conversationId: conv, content: 5, clientMessageId: 'a' }),
      'bad_frame',
    );
  });

  it('rejects hostile values: non-uuid ids, extra keys, prototype keys, bad clientMessageId', () => {
    expectError('{"type":"chat.stop","conversationId":"1 OR 1=1"}', 'bad_frame');
    expectError(`{"type":"chat.stop","conversationId":"${conv}","admin":true}`, 'bad_frame');
    expectError(`{"type":"ping","__proto__":{"polluted":1}}`, 'bad_frame');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const send = (clientMessageId: unknown, content: unknown = 'hi') =>
      JSON.stringify({ type: 'chat.send', conversationId: conv, content, clientMessageId });
    expectError(send(''), 'bad_frame');
    expectError(send('a'.repeat(129)), 'bad_frame');
    expectError(send('<script>'), 'bad_frame');
    expectError(send('ok', '   \n'), 'bad_frame');
  });

  it('echoes correlation ids only when they are short strings', () => {
    const e = expectError(
      JSON.stringify({ type: 'chat.send', conversationId: conv, clientMessageId: 'c1' }),
      'bad_frame',
    );
    assert.equal(e.clientMessageId, 'c1');
    assert.equal(e.conversationId, conv);
    const long = expectError(
      JSON.stringify({ type: 'x', conversationId: 'a'.repeat(500) }),
      'bad_frame',
    );
    assert.equal(long.conversationId, undefined);
  });

  it('answers payload_too_large for oversize content and oversize frames', () => {
    const content = 'é'.repeat(MAX_CONTENT_BYTES / 2 + 1); // 2 bytes each: just over the limit
    const e = expectError(
      JSON.stringify({ type: 'chat.send', conversationId: conv, content, clientMessageId: 'c2' }),
      'payload_too_large',
    );
    assert.equal(e.clientMessageId, 'c2');
    const atLimit = 'a'.repeat(MAX_CONTENT_BYTES);
    const ok = parseClientFrame(
      JSON.stringify({
        type: 'chat.send',
        conversationId: conv,
        content: atLimit,
        clientMessageId: 'c',
      }),
    );
    assert.equal(ok.ok, true);
    expectError('{"type":"ping","pad":"' + 'x'.repeat(MAX_FRAME_BYTES) + '"}', 'payload_too_large');
  });

  it('builds error frames with only the given extras', () => {
    assert.deepEqual(errorFrame('busy', 'wait', { conversationId: conv }), {
      type: 'error',
      code: 'busy',
      message: 'wait',
      conversationId: conv,
    });
  });
});
