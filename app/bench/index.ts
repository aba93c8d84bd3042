/**
 * `npm run bench`: runs the benchmarks and prints their JSON report, then a one-line summary
 * against the targets. Loopback only. Options (flags or env):
 *   --streams N  (BENCH_STREAMS, default 1000)   concurrent streams for the relay benchmark
 *   --tokens K   (BENCH_TOKENS, default 100)     tokens per stream
 *   --pace P     (BENCH_PACE_MS, default: a quarter of the bare relay's throughput)
 *                ms between a stream's tokens in the latency run
 *   --sockets S  (BENCH_SOCKETS, default 10000)  idle authenticated sockets
 *   --only relay|idle
 */
import { parseArgs } from 'node:util';
import { benchIdle } from './idle.js';
import { benchRelay } from './relay.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string' },
    tokens: { type: 'string' },
    sockets: { type: 'string' },
    pace: { type: 'string' },
    only: { type: 'string' },
  },
});
const num = (flag: string | undefined, env: string | undefined, fallback: number) => {
  const v = Number(flag ?? env ?? fallback);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`not a positive integer: ${flag ?? env}`);
  return v;
};
const streams = num(values.streams, process.env.BENCH_STREAMS, 1000);
const tokens = num(values.tokens, process.env.BENCH_TOKENS, 100);
const paceArg = values.pace ?? process.env.BENCH_PACE_MS;
const paceMs = paceArg === undefined ? undefined : num(paceArg, undefined, 0);
const sockets = num(values.sockets, process.env.BENCH_SOCKETS, 10_000);

const TARGETS = { throughputRatio: 0.5, serverAddedP99Ms: 2, idleRssMiB: 400 };

const relay =
  values.only === 'idle'
    ? undefined
    : await benchRelay({ streams, tokens, paceMs, pacedTokens: 40 });
const idle = values.only === 'relay' ? undefined : await benchIdle({ sockets });
console.log(JSON.stringify({ relay, idle, targets: TARGETS }, null, 2));

const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
const parts: string[] = [];
if (relay) {
  const { throughput: t, latency: l } = relay;
  parts.push(
    `relay ${relay.streams} streams: throughput ${t.ours.tokensPerSecond} vs bare ${t.bare.tokensPerSecond} tokens/s, ` +
      `ratio ${t.ratio} (${ok(t.ratio >= TARGETS.throughputRatio)} ≥${TARGETS.throughputRatio}); ` +
      `server-added latency (steady) p50 ${l.serverAddedMs.p50} ms p99 ${l.serverAddedMs.p99} ms ` +
      `(${ok(l.serverAddedMs.p99 < TARGETS.serverAddedP99Ms)} <${TARGETS.serverAddedP99Ms}), ` +
      `all tokens p99 ${l.serverAddedAllTokensMs.p99} ms`,
  );
}
if (idle) {
  parts.push(
    `idle ${idle.sockets} sockets: ${idle.rssMiB} MiB RSS, ${idle.perSocketKiB} KiB/socket ` +
      `(${ok(idle.rssMiB < TARGETS.idleRssMiB)} <${TARGETS.idleRssMiB} MiB)`,
  );
}
console.log(`bench: ${parts.join('; ')}`);
process.exit(0);
