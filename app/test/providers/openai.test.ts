import assert from 'node:assert/strict';
import { ProviderError } from '../../src/providers/errors.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import type { Provider, ProviderEvent } from '../../src/providers/types.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';

const req = { model: 'gpt-fake', messages: [{ role: 'user' as const, content: 'hi' }] };

async function run(p: Provider, signal = new AbortController().signal) {
  const events: ProviderEvent[] = [];
  try {
    for await (const e of p.stream(req, signal)) events.push(e);
    return { events, error: undefined };
  } catch (error) {
    return { events, error: error as Error };
  }
}

describe('providers: openai (real SDK against the fake OpenAI server)', () => {
  let fake: FakeOpenAI;
  let provider: Provider;
  before(async () => {
    fake = await startFakeOpenAI();
    provider = createOpenAIProvider({
      apiKey: fake.apiKey,
      baseURL: fake.baseURL,
      timeoutMs: 2000,
    });
  });
  after(() => fake.close());

  it('streams deltas and usage, asking for include_usage', async () => {
    fake.next({ kind: 'stream', tokens: ['Hel', 'lo', '!'] });
    const { events, error } = await run(provider);
    assert.equal(error, undefined);
    assert.deepEqual(
      events.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text),
      ['Hel', 'lo', '!'],
    );
    const done = events.at(-1);
    assert.equal(done?.type, 'done');
    assert.ok(done?.type === 'done' && done.usage && done.usage.completionTokens === 3);
    const sent = fake.requests.at(-1);
    assert.equal(sent?.stream, true);
    assert.deepEqual(sent?.stream_options, { include_usage: true });
    assert.deepEqual(sent?.messages, req.messages);
  });

  const failures: Array<[string, Parameters<FakeOpenAI['next']>[0], string]> = [
    ['401', { kind: 'status', status: 401 }, 'provider_auth'],
    [
      '429',
      { kind: 'status', status: 429, headers: { 'retry-after': '4' } },
      'provider_rate_limited',
    ],
    ['500', { kind: 'status', status: 500 }, 'provider_unavailable'],
    [
      'a stream ended early',
      { kind: 'cut', tokens: ['par', 'tial'], mode: 'end' },
      'provider_stream_cut',
    ],
    ['a reset socket', { kind: 'cut', tokens: ['par'], mode: 'destroy' }, 'provider_stream_cut'],
  ];
  for (const [name, scenario, code] of failures) {
    it(`maps ${name} to ${code}`, async () => {
      fake.next(scenario);
      const { events, error } = await run(provider);
      assert.ok(error instanceof ProviderError, `expected ProviderError, got ${String(error)}`);
      assert.equal(error.code, code);
      assert.ok(events.every((e) => e.type === 'delta'));
      if (code === 'provider_rate_limited') assert.equal(error.retryAfter, 4);
    });
  }

  it('maps a stalled stream to provider_timeout', async () => {
    const quick = createOpenAIProvider({
      apiKey: fake.apiKey,
      baseURL: fake.baseURL,
      timeoutMs: 200,
    });
    fake.next({ kind: 'stall', tokens: ['a'] });
    const { events, error } = await run(quick);
    assert.ok(error instanceof ProviderError);
    assert.equal(error.code, 'provider_timeout');
    assert.deepEqual(events, [{ type: 'delta', text: 'a' }]);
  });

  it('maps a wrong API key (401 from the server) to provider_auth', async () => {
    const wrong = createOpenAIProvider({
      apiKey: 'sk-wrong',
      baseURL: fake.baseURL,
      timeoutMs: 2000,
    });
    const { error } = await run(wrong);
    assert.ok(error instanceof ProviderError);
    assert.equal(error.code, 'provider_auth');
    assert.doesNotMatch(error.message, /sk-wrong/);
  });

  it('maps an unreachable server to provider_unavailable', async () => {
    const gone = createOpenAIProvider({
      apiKey: 'k',
      baseURL: 'http://127.0.0.1:9/v1',
      timeoutMs: 2000,
      maxRetries: 0,
    });
    const { error } = await run(gone);
    assert.ok(error instanceof ProviderError);
    assert.equal(error.code, 'provider_unavailable');
  });

  it('ends quietly without done when aborted mid-stream', async () => {
    fake.next({ kind: 'stream', tokens: ['a', 'b', 'c', 'd', 'e', 'f'], tokenDelayMs: 40 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const { events, error } = await run(provider, ac.signal);
    assert.equal(error, undefined);
    assert.ok(events.length >= 1 && events.length < 6, `got ${events.length}`);
    assert.ok(events.every((e) => e.type === 'delta'));
  });
});

describe('providers: registry', () => {
  it('offers only echo without an API key', () => {
    const r = createProviderRegistry({ models: ['gpt-4o-mini'], openai: { timeoutMs: 1000 } });
    assert.deepEqual(r.models, [
      { id: 'echo', provider: 'echo', label: 'Echo (offline)', offline: true },
    ]);
    assert.equal(r.defaultModel, 'echo');
    assert.equal(r.resolve('gpt-4o-mini'), undefined);
    assert.equal(r.resolve('echo')?.provider.kind, 'echo');
  });

  it('offers the configured models with a key, defaulting to the first', () => {
    const r = createProviderRegistry({
      models: ['gpt-a', 'gpt-b', 'gpt-a'],
      openai: { apiKey: 'k', timeoutMs: 1000 },
    });
    assert.deepEqual(
      r.models.map((m) => [m.id, m.provider, m.offline]),
      [
        ['gpt-a', 'openai', false],
        ['gpt-b', 'openai', false],
        ['echo', 'echo', true],
      ],
    );
    assert.equal(r.defaultModel, 'gpt-a');
    assert.equal(r.resolve('gpt-b')?.provider.kind, 'openai');
    assert.equal(r.resolve('gpt-z'), undefined);
    const d = createProviderRegistry({
      models: ['gpt-a'],
      defaultModel: 'echo',
      openai: { apiKey: 'k', timeoutMs: 1000 },
    });
    assert.equal(d.defaultModel, 'echo');
  });
});
