/**
 * Benchmark client process: opens one socket per job, starts every stream at once, and measures
 * per-token latency (receive time − the stamp the token was produced with) and throughput.
 * Usage: tsx relay-client.ts <jobs.json>; jobs = {mode: 'ours'|'bare', url, jobs: BenchJob[]}.
 * Prints one JSON line with the figures.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { percentile, wallNow, type BenchJob } from './common.js';

const input = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as {
  mode: 'ours' | 'bare';
  url: string;
  jobs: BenchJob[];
};

const latencies: number[] = [];
// [produced-at stamp, latency] per token, for the steady-state window below.
const samples: Array<[number, number]> = [];
const firstDeltaAt = new Map<string, number>();
let firstCompletionAt = Infinity;
let tokens = 0;
let firstDelta = 0;
let lastDelta = 0;
let completed = 0;

function open(job: BenchJob): Promise<WebSocket> {
  const url = input.mode === 'ours' ? `${input.url}?token=${job.token}` : input.url;
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; text?: string; messageId?: string };
      if (frame.type === 'delta' && frame.text) {
        const now = wallNow();
        const stamp = Number.parseFloat(frame.text);
        latencies.push(now - stamp);
        samples.push([stamp, now - stamp]);
        if (frame.messageId && !firstDeltaAt.has(frame.messageId))
          firstDeltaAt.set(frame.messageId, now);
        if (tokens++ === 0) firstDelta = now;
        lastDelta = now;
      } else if (frame.type === 'message.completed') {
        firstCompletionAt = Math.min(firstCompletionAt, wallNow());
        completed++;
        if (completed === input.jobs.length) finish();
      } else if (frame.type === 'ready') {
        resolve(ws);
      } else if (frame.type === 'error') {
        process.stderr.write(`error frame: ${String(data)}\n`);
      }
    });
    if (input.mode === 'bare') ws.once('open', () => resolve(ws));
  });
}

let started = 0;
let sockets: WebSocket[] = [];
function finish(): void {
  // Relay throughput: from the first token to the last (stream set-up is not relaying).
  const seconds = (lastDelta - firstDelta) / 1000;
  const totalSeconds = (wallNow() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  // Steady state: tokens produced once every stream was streaming and before any had finished,
  // i.e. without the set-up and tear-down bursts (those show in time to first token).
  const from = Math.max(...firstDeltaAt.values());
  const steady = Float64Array.from(
    samples.filter(([stamp]) => stamp >= from && stamp <= firstCompletionAt).map(([, l]) => l),
  ).sort();
  process.stdout.write(
    JSON.stringify({
      streams: input.jobs.length,
      tokens,
      seconds,
      totalSeconds,
      tokensPerSecond: tokens / seconds,
      latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
      steadyLatencyMs: {
        tokens: steady.length,
        p50: percentile(steady, 50),
        p99: percentile(steady, 99),
      },
    }) + '\n',
  );
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}

sockets = await Promise.all(input.jobs.map(open));
started = wallNow();
input.jobs.forEach((job, i) => {
  const ws = sockets[i];
  if (!ws) return;
  ws.send(
    JSON.stringify(
      input.mode === 'ours'
        ? {
            type: 'chat.send',
            conversationId: job.conversationId,
            content: 'go',
            clientMessageId: `b${i}`,
          }
        : { type: 'start', conversationId: job.conversationId },
    ),
  );
});
