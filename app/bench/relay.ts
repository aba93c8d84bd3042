/**
 * Benchmark (a), streaming relay: N concurrent streams through our /ws (auth, chat service,
 * persistence, fan-out, metrics) with a provider emitting tokens as fast as possible, versus a
 * bare `ws` server relaying the same token source in the same run. The clients run in a
 * separate process; latency is token production → client receipt, per token.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { randomUUID } from 'node:crypto';
import { benchProvider, round, stampedTokens, startBenchApp, type BenchJob } from './common.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface ClientResult {
  streams: number;
  tokens: number;
  seconds: number;
  totalSeconds: number;
  tokensPerSecond: number;
  latencyMs: { p50: number; p99: number };
  steadyLatencyMs: { tokens: number; p50: number; p99: number };
}

/** The baseline: a bare ws server streaming the same tokens in the same frame shape. */
async function startBareRelay(tokens: number, paceMs: number) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    ws.on('message', async (data) => {
      const { conversationId } = JSON.parse(String(data)) as { conversationId: string };
      const messageId = randomUUID();
      for await (const text of stampedTokens(tokens, paceMs)) {
        ws.send(JSON.stringify({ type: 'delta', conversationId, messageId, text }));
      }
      ws.send(
        JSON.stringify({
          type: 'message.completed',
          conversationId,
          messageId,
          status: 'complete',
          usage: { promptTokens: 1, completionTokens: tokens },
        }),
      );
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

/** Runs the client process against `url` and returns its figures. */
async function runClient(
  mode: 'ours' | 'bare',
  url: string,
  jobs: BenchJob[],
): Promise<ClientResult> {
  const dir = mkdtempSync(join(tmpdir(), 'aichat-bench-jobs-'));
  const file = join(dir, 'jobs.json');
  writeFileSync(file, JSON.stringify({ mode, url, jobs }));
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(HERE, 'relay-client.ts'), file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    if (code !== 0) throw new Error(`relay client (${mode}) exited with ${code}`);
    return JSON.parse(out.trim().split('\n').at(-1) ?? '') as ClientResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const summarize = (r: ClientResult) => ({
  tokens: r.tokens,
  seconds: round(r.seconds),
  totalSeconds: round(r.totalSeconds),
  tokensPerSecond: Math.round(r.tokensPerSecond),
  latencyMs: { p50: round(r.latencyMs.p50), p99: round(r.latencyMs.p99) },
  steadyLatencyMs: {
    tokens: r.steadyLatencyMs.tokens,
    p50: round(r.steadyLatencyMs.p50),
    p99: round(r.steadyLatencyMs.p99),
  },
});

/** One same-run comparison: bare relay, then ours, with the same token source. */
async function compare(streams: number, tokens: number, paceMs: number) {
  const fakeJobs = (n: number): BenchJob[] =>
    Array.from({ length: n }, () => ({ token: '', conversationId: randomUUID() }));
  const warm = Math.min(50, streams);

  const bare = await startBareRelay(tokens, paceMs);
  await runClient('bare', bare.url, fakeJobs(warm));
  const bareResult = await runClient('bare', bare.url, fakeJobs(streams));
  await bare.close();

  const ours = await startBenchApp(benchProvider(tokens, paceMs));
  await runClient('ours', ours.url, await ours.jobs(warm));
  const oursResult = await runClient('ours', ours.url, await ours.jobs(streams));
  const saved = await ours.deps
    .db('messages')
    .where({ role: 'assistant', status: 'complete' })
    .count({ n: '*' })
    .first();
  await ours.close();
  return { bare: bareResult, ours: oursResult, saved: Number(saved?.n ?? 0) - warm };
}

/**
 * Runs benchmark (a): throughput with tokens as fast as possible, then per-token latency with
 * paced tokens (every stream emits one token per `paceMs`, the same for both relays), where
 * server-added latency = our latency − the bare relay's at the same percentile. Unless given,
 * the pace offers a quarter of the bare relay's measured throughput: latency is measured below
 * saturation, where queueing does not drown what the server itself adds.
 */
export async function benchRelay(options: {
  streams: number;
  tokens: number;
  paceMs?: number | undefined;
  pacedTokens: number;
}) {
  const { streams, tokens } = options;
  const fast = await compare(streams, tokens, 0);
  const paceMs =
    options.paceMs ??
    Math.max(10, Math.ceil((streams / (0.25 * fast.bare.tokensPerSecond)) * 1000));
  const paced = await compare(streams, options.pacedTokens, paceMs);
  return {
    streams,
    throughput: {
      tokensPerStream: tokens,
      bare: summarize(fast.bare),
      ours: summarize(fast.ours),
      repliesSaved: fast.saved,
      ratio: round(fast.ours.tokensPerSecond / fast.bare.tokensPerSecond),
    },
    latency: {
      tokensPerStream: options.pacedTokens,
      paceMs,
      offeredTokensPerSecond: Math.round((streams * 1000) / paceMs),
      bare: summarize(paced.bare),
      ours: summarize(paced.ours),
      repliesSaved: paced.saved,
      // Steady state (every stream running): the relay's own cost per token.
      serverAddedMs: {
        p50: round(paced.ours.steadyLatencyMs.p50 - paced.bare.steadyLatencyMs.p50),
        p99: round(paced.ours.steadyLatencyMs.p99 - paced.bare.steadyLatencyMs.p99),
      },
      // All tokens, including those queued behind 1,000 streams being set up at once.
      serverAddedAllTokensMs: {
        p50: round(paced.ours.latencyMs.p50 - paced.bare.latencyMs.p50),
        p99: round(paced.ours.latencyMs.p99 - paced.bare.latencyMs.p99),
      },
    },
  };
}
