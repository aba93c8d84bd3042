/**
 * Deltas are serialized from a per-reply prefix (issue #11): the bytes must be exactly those
 * of `JSON.stringify(frame)`, whatever the text holds, and parse back to the same frame.
 */
import assert from 'node:assert/strict';
import { deltaPrefix } from '../../src/chat/ports.js';
import { ServerFrameSchema } from '../../src/protocol/frames.js';

describe('chat: delta frames from a per-reply prefix', () => {
  const conversationId = '7d0c2a4e-5b1f-4c3d-9e8f-0a1b2c3d4e5f';
  const messageId = 'b2a1c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
  const texts = [
    'Hi',
    '',
    ' "quoted" \\ back',
    'line\nbreak\t\u0001',
    'héllo 👋 \u2028',
    '}{"x":1}',
  ];

  for (const text of texts) {
    it(`matches JSON.stringify for ${JSON.stringify(text)}`, () => {
      const frame = { type: 'delta', conversationId, messageId, text } as const;
      const data = deltaPrefix(conversationId, messageId) + JSON.stringify(text) + '}';
      assert.equal(data, JSON.stringify(frame));
      assert.deepEqual(ServerFrameSchema.parse(JSON.parse(data)), frame);
    });
  }
});
