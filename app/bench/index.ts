/**
 * `npm run bench`: runs the benchmarks and prints their JSON report, then a summary against the
 * targets. Loopback only. Options (flags or env):
 *   --streams N  (BENCH_STREAMS, default 1000)   concurrent streams for the relay benchmark
 *   --tokens K   (BENCH_TOKENS, default 100)     tokens per stream in the throughput runs
 *   --pace P     (BENCH_PACE_MS, default: a quarter of the bare relay's throughput)
 *                ms between a stream's tokens in the latency runs (40 tokens per stream)
 *   --runs R     (BENCH_RUNS, default 5)         repetitions of each relay measurement
 *   --sockets S  (BENCH_SOCKETS, default 10000)  idle authenticated sockets
 *   --redis URL  (BENCH_REDIS_URL)               Redis for the Redis mode; default: a throwaway
 *                redis-server from PATH; `--redis off` skips the Redis mode
 *   --only relay|idle
 *   --pin on|off (BENCH_PIN, default on)  relay: server on CPU 0, clients on CPU 1 (bench/cpus.ts)
 *   --profile DIR  a CPU profile of each measured run (gate open → last completion), per side
 */
import { parseArgs } from 'node:util';
import { benchIdle } from './idle.js';
import { pinProcesses } from './cpus.js';
import { benchRelay } from './relay.js';
import { QUIET_LOST_PERCENT, type Stalls } from './stalls.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string' },
    tokens: { type: 'string' },
    sockets: { type: 'string' },
    pace: { type: 'string' },
    runs: { type: 'string' },
    redis: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'string' },
    pin: { type: 'string' },
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
const runs = num(values.runs, process.env.BENCH_RUNS, 5);
const sockets = num(values.sockets, process.env.BENCH_SOCKETS, 10_000);
const redisArg = values.redis ?? process.env.BENCH_REDIS_URL;
const redis = redisArg === 'off' ? false : { url: redisArg };
const pinArg = values.pin ?? process.env.BENCH_PIN ?? 'on';
if (pinArg !== 'on' && pinArg !== 'off') throw new Error(`--pin takes on or off, not ${pinArg}`);

const TARGETS = { throughputRatio: 0.8, addedP99Ms: 2, idleRssMiB: 400 };

const relay =
  values.only === 'idle'
    ? undefined
    : await benchRelay({
        streams,
        tokens,
        paceMs,
        pacedTokens: 40,
        runs,
        redis,
        profileDir: values.profile,
        pinning: pinProcesses(pinArg === 'on'),
      });
const idle = values.only === 'relay' ? undefined : await benchIdle({ sockets });
console.log(JSON.stringify({ relay, idle, targets: TARGETS }, null, 2));

const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
const lines: string[] = [];
if (relay) {
  const { throughput: t, latency: l } = relay.memory;
  const c = t.cpuSecondsPerMillionTokens;
  const m = relay.machine;
  const probes = [m.before.server, m.after.server, m.before.clients, m.after.clients];
  const lost = (a: Stalls, b: Stalls) => `${a.lostPercent}% and ${b.lostPercent}%`;
  const meanwhile = (p: typeof m.before) =>
    `${p.otherTasks?.map((t) => `${t.task} ${t.ms} ms`).join(', ') || (p.otherTasks ? 'none' : 'unknown (no /proc)')}; ` +
    `this process ${p.benchProcessMs} ms`;
  lines.push(
    `machine: ${m.quiet ? 'quiet' : 'NOT QUIET, so the relay figures measure the machine'}: ` +
      `stalls over 1 ms took ${lost(m.before.server, m.after.server)} of the server CPU's time ` +
      `(before and after the runs), ${lost(m.before.clients, m.after.clients)} of the clients'; ` +
      `longest ${Math.max(...probes.map((p) => p.longestMs))} ms (quiet: under ${QUIET_LOST_PERCENT}% each)`,
    `  other tasks meanwhile, before: ${meanwhile(m.before)}; after: ${meanwhile(m.after)}`,
    `relay, memory mode, ${relay.streams} streams, median of ${relay.runs} runs, ${relay.cpus}:`,
    `  throughput ours ${t.tokensPerSecond.ours} vs bare ${t.tokensPerSecond.bare} tokens/s, ` +
      `ratio ${t.ratio} [${t.ratioSpread.join('–')}] (${ok(t.ratio >= TARGETS.throughputRatio)} ≥${TARGETS.throughputRatio})`,
    `  CPU per million tokens ours ${c.ours} s vs bare ${c.bare} s (×${c.oursOverBare}); ` +
      `user space ours ${c.userSpace.ours} s vs bare ${c.userSpace.bare} s; ` +
      `GC pauses ours ${c.gcPauses.ours} s vs bare ${c.gcPauses.bare} s`,
    `  per-token latency at ${l.offeredTokensPerSecond} tokens/s: p99 ours ${l.ours.p99} ms vs bare ${l.bare.p99} ms, ` +
      `added ${l.addedMs.p99} ms (${ok(l.addedMs.p99 < TARGETS.addedP99Ms)} <${TARGETS.addedP99Ms}); ` +
      `p50 added ${l.addedMs.p50} ms, p99.9 added ${l.addedMs.p999} ms`,
    `  the server's GC pauses per run: ours ${l.ours.gcPauses.count}, longest ${l.ours.gcPauses.longestMs} ms; ` +
      `bare ${l.bare.gcPauses.count}, longest ${l.bare.gcPauses.longestMs} ms`,
    `  of which: first tokens p50 ours ${l.firstTokenMsP50.ours} ms vs bare ${l.firstTokenMsP50.bare} ms; ` +
      `the tokens after them p99 ours ${l.afterFirstToken.ours.p99} ms vs bare ${l.afterFirstToken.bare.p99} ms, ` +
      `added ${l.afterFirstToken.addedMs.p99} ms`,
  );
  if (relay.redis) {
    const r = relay.redis as {
      throughput: typeof t;
      latency: { otherReplica: typeof l; origin: typeof l };
    };
    lines.push(
      `relay, Redis mode (2 replicas, a socket on each): throughput ratio ${r.throughput.ratio} ` +
        `[${r.throughput.ratioSpread.join('–')}], CPU per million tokens ${r.throughput.cpuSecondsPerMillionTokens.ours} s ` +
        `(both replicas); p99 added latency: same replica ${r.latency.origin.addedMs.p99} ms, ` +
        `other replica ${r.latency.otherReplica.addedMs.p99} ms`,
    );
  }
}
if (idle) {
  lines.push(
    `idle ${idle.sockets} sockets: ${idle.rssMiB} MiB RSS, ${idle.perSocketKiB} KiB/socket ` +
      `(${ok(idle.rssMiB < TARGETS.idleRssMiB)} <${TARGETS.idleRssMiB} MiB)`,
  );
}
console.log(`bench:\n${lines.join('\n')}`);
process.exit(0);
