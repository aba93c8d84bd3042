/**
 * Benchmark client process: opens the sockets of every stream, starts every stream at once and
 * measures, per token, monotonic receipt time − the stamp the provider put in the token (a
 * coalesced delta carries several stamped tokens; each counts), for our relay and the bare one
 * alike. Usage: tsx relay-client.ts <input.json> (see ClientInput). Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { percentile, wallNow } from './clock.js';

/** One stream: its sockets (chat.send goes to the first; the others watch) and credentials. */
export interface ClientStream {
  urls: string[];
  token: string;
  conversationId: string;
}

export interface ClientInput {
  mode: 'ours' | 'bare';
  /** Makes clientMessageIds unique across runs over the same conversations. */
  runId: string;
  tokensPerStream: number;
  /** Pause between "all sockets ready" and the sends (lets pub/sub subscriptions settle). */
  settleMs: number;
  streams: ClientStream[];
}

/** Latency percentiles of one socket role, in ms. */
export interface LatencyFigures {
  tokens: number;
  p50: number;
  p99: number;
  p999: number;
}

export interface ClientResult {
  streams: number;
  /** Tokens received on the sending sockets. */
  tokens: number;
  frames: number;
  /** First to last token received, over every socket. */
  seconds: number;
  tokensPerSecond: number;
  /**
   * On the sending sockets (`afterFirst`: less each stream's first token, where any per-reply
   * work of the server at the start shows), and on the other (watching) sockets.
   */
  latencyMs: { origin: LatencyFigures; afterFirst: LatencyFigures; watchers?: LatencyFigures };
  /** Latency of each stream's first token (origin sockets). */
  firstTokenMs: { p50: number; p99: number };
  /** From sending chat.send (or start) to a stream's first token: set-up plus the gate. */
  sendToFirstTokenMs: { p50: number; p99: number };
}

const input = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ClientInput;
const watchersPerStream = (input.streams[0]?.urls.length ?? 1) - 1;
const capacity = input.streams.length * input.tokensPerStream;
const origin = new Float64Array(capacity);
const afterFirst = new Float64Array(capacity);
const watchers = new Float64Array(capacity * watchersPerStream);
const firstToken = new Float64Array(input.streams.length);
const sendToFirst = new Float64Array(input.streams.length);
let nOrigin = 0;
let nAfterFirst = 0;
let nWatchers = 0;
let frames = 0;
let firstAt = Infinity;
let lastAt = 0;
let pending = input.streams.length * (watchersPerStream + 1);
let sentAt = 0;

function onFrame(stream: number, role: 'origin' | 'watcher', raw: string): void {
  const now = wallNow();
  const frame = JSON.parse(raw) as { type: string; text?: string };
  if (frame.type === 'delta' && frame.text) {
    frames++;
    if (now < firstAt) firstAt = now;
    lastAt = now;
    // Stamps are "<ms> " each: parse them without allocating a split array.
    const text = frame.text;
    let from = 0;
    for (let sp = text.indexOf(' '); sp !== -1; sp = text.indexOf(' ', from)) {
      const latency = now - Number(text.slice(from, sp));
      from = sp + 1;
      if (role === 'watcher') {
        watchers[nWatchers++] = latency;
      } else {
        if (firstToken[stream] === 0) {
          firstToken[stream] = latency;
          sendToFirst[stream] = now - sentAt;
        } else {
          afterFirst[nAfterFirst++] = latency;
        }
        origin[nOrigin++] = latency;
      }
    }
  } else if (frame.type === 'message.completed') {
    if (--pending === 0) finish();
  } else if (frame.type === 'error') {
    process.stderr.write(`error frame: ${raw}\n`);
  }
}

function open(url: string, stream: ClientStream, i: number, role: 'origin' | 'watcher') {
  const ws = new WebSocket(input.mode === 'ours' ? `${url}?token=${stream.token}` : url);
  return new Promise<WebSocket>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data) => {
      const raw = String(data);
      if (raw.startsWith('{"type":"ready"')) resolve(ws);
      else onFrame(i, role, raw);
    });
    if (input.mode === 'bare') ws.once('open', () => resolve(ws));
  });
}

const figures = (a: Float64Array, n: number): LatencyFigures => {
  const s = a.subarray(0, n).sort();
  return { tokens: n, p50: percentile(s, 50), p99: percentile(s, 99), p999: percentile(s, 99.9) };
};

let sockets: WebSocket[][] = [];
function finish(): void {
  const seconds = (lastAt - firstAt) / 1000;
  const ft = firstToken.sort();
  const sf = sendToFirst.sort();
  const result: ClientResult = {
    streams: input.streams.length,
    tokens: nOrigin,
    frames,
    seconds,
    tokensPerSecond: nOrigin / seconds,
    latencyMs: {
      origin: figures(origin, nOrigin),
      afterFirst: figures(afterFirst, nAfterFirst),
      ...(watchersPerStream > 0 ? { watchers: figures(watchers, nWatchers) } : {}),
    },
    firstTokenMs: { p50: percentile(ft, 50), p99: percentile(ft, 99) },
    sendToFirstTokenMs: { p50: percentile(sf, 50), p99: percentile(sf, 99) },
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  for (const list of sockets) for (const ws of list) ws.terminate();
  process.exit(0);
}

// A lost frame would otherwise hang the benchmark: fail loudly instead.
setTimeout(() => {
  process.stderr.write(
    `relay client (${input.mode}): ${pending} completions missing after 5 min\n`,
  );
  process.exit(2);
}, 300_000).unref();

// Open in bounded batches: a thousand simultaneous handshakes only measure the accept queue.
sockets = [];
for (let i = 0; i < input.streams.length; i += 100) {
  const batch = input.streams
    .slice(i, i + 100)
    .map((s, j) =>
      Promise.all(s.urls.map((u, k) => open(u, s, i + j, k === 0 ? 'origin' : 'watcher'))),
    );
  sockets.push(...(await Promise.all(batch)));
}
if (input.settleMs > 0) await sleep(input.settleMs);
// The sockets' set-up garbage goes now, not in a pause while tokens arrive (see relay.ts).
gc?.();
sentAt = wallNow();
input.streams.forEach((stream, i) => {
  const ws = sockets[i]?.[0];
  ws?.send(
    JSON.stringify(
      input.mode === 'ours'
        ? {
            type: 'chat.send',
            conversationId: stream.conversationId,
            content: 'go',
            clientMessageId: `${input.runId}-${i}`,
          }
        : { type: 'start', conversationId: stream.conversationId },
    ),
  );
});
