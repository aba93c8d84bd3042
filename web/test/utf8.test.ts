import assert from 'node:assert/strict';
import { ChatSendFrameSchema } from '../../app/src/protocol/frames.js';
import { MAX_CONTENT_BYTES } from '../src/lib/contract.js';
import { bytesOver, tooLongText, utf8Length } from '../src/lib/utf8.js';

/** What the server decides for a chat.send with this content (its own zod schema). */
const serverAccepts = (content: string) =>
  ChatSendFrameSchema.safeParse({
    type: 'chat.send',
    conversationId: '00000000-0000-4000-8000-000000000000',
    content,
    clientMessageId: 'c1',
  }).success;

describe('web: UTF-8 byte limits (composer)', () => {
  it('counts bytes the way the server does, not characters', () => {
    // ASCII, 2-, 3- and 4-byte characters, and a lone surrogate (U+FFFD on both sides).
    for (const s of ['', 'hello', 'héllo', '中文', '👋🏽 hi', 'a\uD800b']) {
      assert.equal(utf8Length(s), Buffer.byteLength(s, 'utf8'), JSON.stringify(s));
    }
    assert.equal(utf8Length('é'), 2);
    assert.equal(utf8Length('👋'), 4);
  });

  it('allows exactly the server limit and flags one byte more, as the server does', () => {
    const atLimit = 'é'.repeat(MAX_CONTENT_BYTES / 2); // 2 bytes each: exactly the limit
    assert.equal(bytesOver(atLimit, MAX_CONTENT_BYTES), 0);
    assert.equal(serverAccepts(atLimit), true);

    const oneOver = atLimit + 'a';
    assert.equal(bytesOver(oneOver, MAX_CONTENT_BYTES), 1);
    assert.equal(serverAccepts(oneOver), false);
  });

  it('catches text a character count would let through (the old maxlength of 32000)', () => {
    const text = '€'.repeat(12000); // 12,000 characters, 36,000 bytes
    assert.ok(text.length < 32000);
    assert.equal(bytesOver(text, MAX_CONTENT_BYTES), 36000 - MAX_CONTENT_BYTES);
    assert.equal(serverAccepts(text), false);
  });

  it('says by how much a text is too long', () => {
    assert.equal(tooLongText(1, MAX_CONTENT_BYTES), 'Too long by 1 byte: the limit is 32 KB.');
    assert.equal(tooLongText(3232, 8192), 'Too long by 3.2 KB: the limit is 8 KB.');
  });
});
