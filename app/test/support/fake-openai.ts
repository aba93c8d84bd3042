/**
 * A local OpenAI-compatible HTTP server for tests — the one allowed stand-in. It speaks the real
 * wire format (/v1/chat/completions with SSE streaming, /v1/models as scripted), so the production path, the
 * official `openai` SDK, is what the tests exercise. Tests script what the next requests get.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one request gets. */
export type Scenario =
  /** A normal streamed reply; `tokenDelayMs` slows it down. */
  | { kind: 'stream'; tokens: string[]; tokenDelayMs?: number; usage?: boolean }
  /**
   * An HTTP error with an OpenAI-style JSON error body (`message` as error.message), or `body`
   * sent as it is (a provider or proxy that does not answer JSON).
   */
  | {
      kind: 'status';
      status: number;
      headers?: Record<string, string>;
      message?: string;
      body?: string;
    }
  /** Streams `tokens`, then ends the response without finish_reason/[DONE] or resets the socket. */
  | { kind: 'cut'; tokens: string[]; mode: 'end' | 'destroy' }
  /** Streams `tokens`, then goes silent with the connection open. */
  | { kind: 'stall'; tokens: string[] };

export interface FakeOpenAI {
  /** Base URL for the SDK (…/v1). */
  baseURL: string;
  apiKey: string;
  /** Request bodies received on /v1/chat/completions, oldest first. */
  requests: Array<{
    model: string;
    messages: unknown[];
    stream?: boolean;
    stream_options?: unknown;
  }>;
  /**
   * What GET /v1/models answers: these model ids, a 404 (`'absent'`: a provider without a model
   * list), or a 500 (`'error'`). Chat answers any model; by default the list names the models
   * the suites configure: `gpt-fake` (app tests) and `gpt-4o-mini` (MODELS' default, web/e2e).
   */
  models: string[] | 'absent' | 'error';
  /** How many GET /v1/models requests arrived. */
  modelListRequests: number;
  /** Queues scenarios for the next requests; afterwards `fallback` applies. */
  next(...scenarios: Scenario[]): void;
  fallback: Scenario;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function chunk(id: string, model: string, delta: object, finish: string | null, usage?: object) {
  return {
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: usage ? [] : [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    ...(usage ? { usage } : {}),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const part of req) body += String(part);
  return body;
}

/** Starts the fake server on a free loopback port. */
export async function startFakeOpenAI(apiKey = 'sk-test-fake'): Promise<FakeOpenAI> {
  const queue: Scenario[] = [];
  const open = new Set<ServerResponse>();
  const fake: FakeOpenAI = {
    baseURL: '',
    apiKey,
    requests: [],
    models: ['gpt-fake', 'gpt-4o-mini'],
    modelListRequests: 0,
    next: (...s) => queue.push(...s),
    fallback: { kind: 'stream', tokens: ['Hello', ' from', ' fake', ' OpenAI.'] },
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const error = (
    res: ServerResponse,
    status: number,
    options: { headers?: Record<string, string>; message?: string; body?: string } = {},
  ) => {
    // x-should-retry: false keeps the SDK from retrying, so tests see each scripted failure once.
    res.writeHead(status, {
      'content-type': options.body === undefined ? 'application/json' : 'text/plain',
      'x-should-retry': 'false',
      ...options.headers,
    });
    const message = options.message ?? `fake error ${status}`;
    res.end(options.body ?? JSON.stringify({ error: { message, type: 'fake', code: null } }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      // As OpenAI does: the text echoes the key it was given, which must never reach a user.
      const given = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      return error(res, 401, { message: `Incorrect API key provided: ${given}.` });
    }
    if (req.method === 'GET' && req.url === '/v1/models') {
      fake.modelListRequests += 1;
      if (fake.models === 'absent') return error(res, 404);
      if (fake.models === 'error') return error(res, 500);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          object: 'list',
          data: fake.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
        }),
      );
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return error(res, 404);
    const body = JSON.parse(await readBody(req));
    fake.requests.push(body);
    const scenario = queue.shift() ?? fake.fallback;
    if (scenario.kind === 'status') return error(res, scenario.status, scenario);
    open.add(res);
    res.on('close', () => open.delete(res));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const id = `chatcmpl-${fake.requests.length}`;
    const send = (data: object | string) =>
      res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    send(chunk(id, body.model, { role: 'assistant', content: '' }, null));
    const delay = scenario.kind === 'stream' ? (scenario.tokenDelayMs ?? 0) : 0;
    for (const token of scenario.tokens) {
      if (res.destroyed) return;
      if (delay) await sleep(delay);
      send(chunk(id, body.model, { content: token }, null));
    }
    if (scenario.kind === 'cut') {
      await sleep(30); // let the tokens reach the client before the cut
      if (scenario.mode === 'destroy') res.socket?.destroy();
      else res.end();
      return;
    }
    if (scenario.kind === 'stall') return; // left open until the client gives up or close()
    send(chunk(id, body.model, {}, 'stop'));
    if (scenario.usage !== false && body.stream_options?.include_usage) {
      const promptTokens = JSON.stringify(body.messages).length;
      send(
        chunk(id, body.model, {}, null, {
          prompt_tokens: promptTokens,
          completion_tokens: scenario.tokens.length,
          total_tokens: promptTokens + scenario.tokens.length,
        }),
      );
    }
    send('[DONE]');
    res.end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}
