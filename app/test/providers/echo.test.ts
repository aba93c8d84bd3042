import assert from 'node:assert/strict';
import { createEchoProvider, echoReply, tokenize } from '../../src/providers/echo.js';
import type { ProviderEvent, ProviderRequest } from '../../src/providers/types.js';

const request: ProviderRequest = {
  model: 'echo',
  messages: [
    { role: 'system', content: 'be nice' },
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'Echo: first' },
    { role: 'user', content: 'hello  big\nworld' },
  ],
};

async function collect(it: AsyncIterable<ProviderEvent>): Promise<ProviderEvent[]> {
  const out: ProviderEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('providers: echo', () => {
  it('tokenizes losslessly', () => {
    for (const s of ['a b', '  lead', 'trail  ', 'x\n\ny', ''])
      assert.equal(tokenize(s).join(''), s);
  });

  it('streams a deterministic reply to the last user turn, then usage', async () => {
    const events = await collect(
      createEchoProvider().stream(request, new AbortController().signal),
    );
    const text = events.map((e) => (e.type === 'delta' ? e.text : '')).join('');
    assert.equal(text, 'Echo: hello  big\nworld');
    assert.equal(text, echoReply(request));
    const done = events.at(-1);
    assert.deepEqual(done, {
      type: 'done',
      usage: { promptTokens: 8, completionTokens: 4 },
      finishReason: 'stop',
    });
    assert.equal(events.filter((e) => e.type === 'done').length, 1);
  });

  it('stops without done when aborted, also in the middle of a slow stream', async () => {
    const ac = new AbortController();
    const events: ProviderEvent[] = [];
    const slow = createEchoProvider({ tokenDelayMs: 20 });
    setTimeout(() => ac.abort(), 50);
    for await (const e of slow.stream(request, ac.signal)) events.push(e);
    assert.ok(events.length > 0 && events.length < 4, `got ${events.length} events`);
    assert.ok(events.every((e) => e.type === 'delta'));
  });
});
