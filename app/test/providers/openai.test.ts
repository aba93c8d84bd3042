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

  const rejections: Array<[string, Parameters<FakeOpenAI['next']>[0], string]> = [
    [
      'a 400 context length exceeded',
      {
        kind: 'status',
        status: 400,
        message:
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens.",
      },
      "The model provider refused the request: This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens.",
    ],
    [
      'a 404 model unknown to the provider',
      {
        kind: 'status',
        status: 404,
        message: 'The model `gpt-fak` does not exist or you do not have access to it.',
      },
      'The model provider refused the request: The model `gpt-fak` does not exist or you do not have access to it.',
    ],
    [
      'a 422 whose text names the server key and an internal address',
      {
        kind: 'status',
        status: 422,
        message: 'invalid request with key sk-test-fake via http://10.0.0.7:4000/v1/chat',
      },
      'The model provider refused the request: invalid request with key [redacted] via [redacted]',
    ],
    [
      'a 400 with a plain-text body',
      { kind: 'status', status: 400, body: 'model not allowed on this route' },
      'The model provider refused the request: model not allowed on this route',
    ],
    [
      "a 400 with a proxy's HTML page",
      { kind: 'status', status: 400, body: '<html><body><h1>400 Bad Request</h1></body></html>' },
      'The model provider refused the request; sending it again will not help.',
    ],
  ];
  for (const [name, scenario, message] of rejections) {
    it(`maps ${name} to provider_rejected, once, with a safe message`, async () => {
      fake.next(scenario);
      const { events, error } = await run(provider);
      assert.ok(error instanceof ProviderError, `expected ProviderError, got ${String(error)}`);
      assert.equal(error.code, 'provider_rejected');
      assert.equal(error.message, message);
      assert.equal(error.retryAfter, undefined);
      assert.deepEqual(events, []);
    });
  }

  it('lists the provider models through the SDK, undefined without a list, throws on failure', async () => {
    fake.models = ['gpt-fake', 'gpt-other'];
    assert.deepEqual(await provider.listModels?.(AbortSignal.timeout(2000)), [
      'gpt-fake',
      'gpt-other',
    ]);
    fake.models = 'absent';
    assert.equal(await provider.listModels?.(AbortSignal.timeout(2000)), undefined);
    fake.models = 'error';
    await assert.rejects(provider.listModels!(AbortSignal.timeout(2000)), (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.equal(err.code, 'provider_unavailable');
      return true;
    });
    fake.models = ['gpt-fake'];
  });

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

  it('narrows the offer to the models the provider lists, and widens it back', () => {
    const r = createProviderRegistry({
      models: ['gpt-a', 'gpt-b', 'gpt-c'],
      defaultModel: 'gpt-b',
      openai: { apiKey: 'k', timeoutMs: 1000 },
    });
    assert.deepEqual(r.configuredModels, ['gpt-a', 'gpt-b', 'gpt-c']);
    assert.deepEqual(r.restrictTo(new Set(['gpt-a', 'gpt-c', 'gpt-z'])), ['gpt-b']);
    assert.deepEqual(
      r.models.map((m) => m.id),
      ['gpt-a', 'gpt-c', 'echo'],
    );
    assert.equal(r.resolve('gpt-b'), undefined, 'a left-out model cannot be chatted with');
    assert.equal(r.defaultModel, 'gpt-a', 'DEFAULT_MODEL left out: the first offered model');
    assert.deepEqual(r.restrictTo(new Set(['gpt-z'])), ['gpt-a', 'gpt-b', 'gpt-c']);
    assert.deepEqual(
      r.models.map((m) => m.id),
      ['echo'],
    );
    assert.equal(r.defaultModel, 'echo');
    assert.deepEqual(r.restrictTo(undefined), []);
    assert.deepEqual(
      r.models.map((m) => m.id),
      ['gpt-a', 'gpt-b', 'gpt-c', 'echo'],
    );
    assert.equal(r.defaultModel, 'gpt-b');
  });
});
