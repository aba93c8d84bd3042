/**
 * Benchmark (a), streaming relay: N concurrent streams through our /ws (auth, chat service,
 * persistence, fan-out, metrics) against a bare `ws` relay of the same token source, in the same
 * process and the same run, repeated and interleaved (bare, ours, ours, bare, …) so drift of a
 * shared machine hits both. The clients run in a separate process.
 *
 * - Throughput: tokens as fast as the event loop allows; every stream is held at a start gate
 *   until all are set up and the set-up's frames delivered, so this is relaying, not chat.send
 *   set-up (reported as send → first token). CPU time of the server process per million tokens
 *   (process.cpuUsage, gate open → last completion) is the steadier figure on a busy machine.
 * - Latency: paced tokens, per token provider stamp → client receipt on one monotonic clock,
 *   p50/p99/p99.9 per run; added latency = median over runs of ours − median of bare.
 * - Redis mode: two app instances sharing the database and a real Redis; every user has one
 *   socket on each, chat.send alternates between them, so every token crosses Redis once. The
 *   gate opens once the pub/sub backlog of the set-up (1,000 chat.sends at once) is delivered:
 *   measured before that, the first second of tokens queued behind it (p99 ~0.5–1 s).
 * - Machine: both CPUs are probed for stalls before the first server starts and after the last
 *   closes (stalls.ts), and the report says whether the machine was quiet.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createRedisPubSub } from '../src/pubsub/redis.js';
import { startRedis } from '../../test/support/servers.js';
import { startBareRelay } from './bare.js';
import { StartGate } from './gate.js';
import { quiet, type Stalls } from './stalls.js';
import { busiest, readTaskTimes } from './tasks.js';
import type { Pinning } from './cpus.js';
import {
  benchProvider,
  median,
  round,
  startBenchApp,
  type BenchApp,
  type TokenPlan,
} from './common.js';
import type { ClientInput, ClientResult, ClientStream, LatencyFigures } from './relay-client.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The pause between the last stream's set-up and the start gate's opening (memory mode). */
const SETUP_SETTLE_MS = 100;

/** Where the server and the clients run (see cpus.ts); set by benchRelay. */
let pinning: Pinning = { clientCommand: [], serverCommand: [], note: '' };

interface ScriptOptions {
  /** Where it runs (default: the clients' CPU). */
  cpu?: 'clients' | 'server';
  /** Node flags of its process. */
  nodeFlags?: string[];
  /** Receives its process id. */
  pids?: number[];
}

/** Runs a bench script in a process of its own and returns the JSON of its last line of output. */
async function runScript<T>(
  script: string,
  args: string[],
  options: ScriptOptions = {},
): Promise<T> {
  const [command = process.execPath, ...rest] = [
    ...(options.cpu === 'server' ? pinning.serverCommand : pinning.clientCommand),
    process.execPath,
    ...(options.nodeFlags ?? []),
    '--import',
    'tsx',
    join(HERE, script),
    ...args,
  ];
  const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.pid !== undefined) options.pids?.push(child.pid);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1) ?? '') as T;
}

/**
 * The client process is the measuring instrument, so its own garbage collection must not show
 * in the figures. At V8's default young generation it collected 25 times in a paced run, pauses
 * of up to 36 ms on this project's VM (~3% of its time), and tokens that arrived meanwhile were
 * stamped late, ours and bare alike. With 128 MB semi-spaces, and a full collection once its
 * sockets are open (relay-client.ts), a paced run's frames fit the young generation: no
 * collection while tokens arrive.
 */
const CLIENT_NODE_FLAGS = ['--min-semi-space-size=128', '--max-semi-space-size=128', '--expose-gc'];

/** Runs the client process and returns its figures. */
async function runClient(input: ClientInput): Promise<ClientResult> {
  const dir = mkdtempSync(join(tmpdir(), 'aichat-bench-jobs-'));
  const file = join(dir, 'input.json');
  writeFileSync(file, JSON.stringify(input));
  try {
    return await runScript<ClientResult>('relay-client.ts', [file], {
      nodeFlags: CLIENT_NODE_FLAGS,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How long each probe of the machine's stalls runs, ms. */
const STALL_PROBE_MS = 2000;

/**
 * Stalls seen on the server's CPU and on the clients', probed at once by a process on each, and
 * the other tasks that ran meanwhile (this process and the probes left out).
 */
async function probeMachine() {
  const args = [String(STALL_PROBE_MS)];
  const pids = [process.pid];
  const before = readTaskTimes();
  const cpu = process.cpuUsage();
  const [server, clients] = await Promise.all([
    runScript<Stalls>('stalls.ts', args, { cpu: 'server', pids }),
    runScript<Stalls>('stalls.ts', args, { pids }),
  ]);
  const own = process.cpuUsage(cpu);
  const after = readTaskTimes();
  return {
    server,
    clients,
    otherTasks: before && after ? busiest(before, after, pids) : undefined,
    // This process's own threads (V8's, tsx's) share the server's CPU; no server is running.
    benchProcessMs: round((own.user + own.system) / 1000, 1),
  };
}

interface Side {
  mode: 'ours' | 'bare';
  streams: ClientStream[];
  settleMs: number;
}

interface Measured extends ClientResult {
  /** Server-process CPU seconds per million tokens delivered to the sending sockets. */
  cpuSecondsPerMillionTokens: number;
  /** The user-space part of it (the rest is the kernel's: mostly socket writes). */
  userCpuSecondsPerMillionTokens: number;
  /** The server process's garbage-collection pauses in the run. */
  gcPauses: GcPauses;
}

interface GcPauses {
  count: number;
  totalMs: number;
  longestMs: number;
}

/**
 * This process's garbage-collection pauses (performance.now() at their start, ms): every token
 * due during one waits it out, ours and bare alike, so the p99s are read against them. On this
 * project's VM a scavenge took 10–120 ms.
 */
const gcLog: Array<{ at: number; ms: number }> = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcLog.push({ at: e.startTime, ms: e.duration });
});

/** The pauses that started at or after `from` (performance.now()), and forgets the rest. */
function gcPausesSince(from: number): GcPauses {
  const pauses = gcLog.splice(0).filter((p) => p.at >= from);
  return {
    count: pauses.length,
    totalMs: round(
      pauses.reduce((sum, p) => sum + p.ms, 0),
      1,
    ),
    longestMs: round(Math.max(0, ...pauses.map((p) => p.ms)), 1),
  };
}

/**
 * A full collection, run just before the gate opens, as the client process does before its
 * sends: the gate sets up every stream at once, a burst a server otherwise sees spread over
 * time, and the set-up's survivors (ours: each reply's stream state) were copied by the first
 * scavenge after the opening, a pause of 11–13 ms for ours and 8–10 ms for bare right as the
 * first tokens left. Set-up is reported apart (send → first token); relaying is measured here.
 */
setFlagsFromString('--expose-gc');
const GC_SETTLE_MS = 100;
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * With `--profile DIR`, each measured run is CPU-profiled from just before the gate opens to its
 * last completion (DIR/<label>-<ours|bare>-<n>.cpuprofile): unlike `node --cpu-prof`, a profile
 * then holds one side only, without the set-up.
 */
const profiler = { dir: undefined as string | undefined, label: 'warm-up', n: 0 };

/** One measured run of one side: arms the gate, runs the clients, times the server's CPU. */
async function measure(side: Side, plan: TokenPlan, gate: StartGate): Promise<Measured> {
  const session = profiler.dir ? new Session() : undefined;
  gate.arm(side.streams.length, async () => {
    collectGarbage();
    // Its sweeping and unmapping go on in helper threads, on this process's one CPU.
    await sleep(GC_SETTLE_MS);
    // Started before the gate opens: starting a profile stalls this process ~100 ms, which, once
    // tokens flow, showed as every stream's first tokens ~100 ms late (p99 ≈ 105 ms both sides).
    if (!session) return;
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  });
  let cpu0: NodeJS.CpuUsage | undefined;
  let openedAt = Infinity;
  void gate.open.then(() => {
    cpu0 = process.cpuUsage();
    openedAt = performance.now();
  });
  const result = await runClient({
    mode: side.mode,
    runId: randomUUID().slice(0, 8),
    tokensPerStream: plan.tokens,
    settleMs: side.settleMs,
    streams: side.streams,
  });
  const cpu = process.cpuUsage(cpu0);
  // The observer reports a pause after it: let the last ones in.
  await sleep(0);
  const gcPauses = gcPausesSince(openedAt);
  if (session && profiler.dir) {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const file = join(profiler.dir, `${profiler.label}-${side.mode}-${++profiler.n}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
  }
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    ...result,
    cpuSecondsPerMillionTokens: (cpuSeconds / result.tokens) * 1e6,
    // µs per token is s per million tokens.
    userCpuSecondsPerMillionTokens: cpu.user / result.tokens,
    gcPauses,
  };
}

/** Runs bare and ours `runs` times each, alternating which goes first. */
async function interleave(
  runs: number,
  bare: () => Promise<Measured>,
  ours: () => Promise<Measured>,
) {
  const out: Array<{ bare: Measured; ours: Measured }> = [];
  for (let r = 0; r < runs; r++) {
    if (r % 2 === 0) {
      const b = await bare();
      out.push({ bare: b, ours: await ours() });
    } else {
      const o = await ours();
      out.push({ bare: await bare(), ours: o });
    }
  }
  return out;
}

const spread = (xs: number[]) => [round(Math.min(...xs)), round(Math.max(...xs))];
const med = (xs: number[]) => round(median(xs));

function throughputReport(runs: Array<{ bare: Measured; ours: Measured }>) {
  const ratios = runs.map((r) => r.ours.tokensPerSecond / r.bare.tokensPerSecond);
  const cpuRatios = runs.map(
    (r) => r.ours.cpuSecondsPerMillionTokens / r.bare.cpuSecondsPerMillionTokens,
  );
  return {
    tokensPerSecond: {
      bare: Math.round(median(runs.map((r) => r.bare.tokensPerSecond))),
      ours: Math.round(median(runs.map((r) => r.ours.tokensPerSecond))),
    },
    // Each run's ratio is taken within that run (same machine state), then the median.
    ratio: med(ratios),
    ratioSpread: spread(ratios),
    cpuSecondsPerMillionTokens: {
      bare: med(runs.map((r) => r.bare.cpuSecondsPerMillionTokens)),
      ours: med(runs.map((r) => r.ours.cpuSecondsPerMillionTokens)),
      oursOverBare: med(cpuRatios),
      userSpace: {
        bare: med(runs.map((r) => r.bare.userCpuSecondsPerMillionTokens)),
        ours: med(runs.map((r) => r.ours.userCpuSecondsPerMillionTokens)),
      },
      // Of it, the server process's garbage-collection pauses.
      gcPauses: {
        bare: med(runs.map((r) => (r.bare.gcPauses.totalMs / r.bare.tokens) * 1000)),
        ours: med(runs.map((r) => (r.ours.gcPauses.totalMs / r.ours.tokens) * 1000)),
      },
    },
    oursFramesPerToken: med(runs.map((r) => r.ours.frames / r.ours.tokens)),
    sendToFirstTokenMsP50: {
      bare: med(runs.map((r) => r.bare.sendToFirstTokenMs.p50)),
      ours: med(runs.map((r) => r.ours.sendToFirstTokenMs.p50)),
    },
    perRun: runs.map((r) => ({
      bare: Math.round(r.bare.tokensPerSecond),
      ours: Math.round(r.ours.tokensPerSecond),
      ratio: round(r.ours.tokensPerSecond / r.bare.tokensPerSecond),
    })),
  };
}

type Pick3 = (r: Measured) => LatencyFigures | undefined;

function latencyReport(runs: Array<{ bare: Measured; ours: Measured }>, pick: Pick3) {
  const side = (which: 'bare' | 'ours') => {
    const figs = runs.map((r) => pick(r[which]) as LatencyFigures);
    const at = (k: 'p50' | 'p99' | 'p999') => figs.map((f) => f[k]);
    return {
      p50: med(at('p50')),
      p99: med(at('p99')),
      p999: med(at('p999')),
      spread: { p50: spread(at('p50')), p99: spread(at('p99')), p999: spread(at('p999')) },
      // The server process's, per run (median): what the tail of both sides waited on.
      gcPauses: {
        count: med(runs.map((r) => r[which].gcPauses.count)),
        totalMs: med(runs.map((r) => r[which].gcPauses.totalMs)),
        longestMs: med(runs.map((r) => r[which].gcPauses.longestMs)),
      },
    };
  };
  const bare = side('bare');
  const ours = side('ours');
  return {
    bare,
    ours,
    // Difference of the medians over the runs, never of one run's percentiles.
    addedMs: {
      p50: round(ours.p50 - bare.p50),
      p99: round(ours.p99 - bare.p99),
      p999: round(ours.p999 - bare.p999),
    },
    firstTokenMsP50: {
      bare: med(runs.map((r) => r.bare.firstTokenMs.p50)),
      ours: med(runs.map((r) => r.ours.firstTokenMs.p50)),
    },
  };
}

export interface RelayOptions {
  streams: number;
  tokens: number;
  pacedTokens: number;
  paceMs?: number | undefined;
  runs: number;
  /** Also run the Redis mode; a URL to use, or undefined to start a throwaway redis-server. */
  redis: false | { url?: string | undefined };
  /** A directory for CPU profiles of the measured runs (see `profiler`). */
  profileDir?: string | undefined;
  /** Where the server and the clients run. */
  pinning: Pinning;
}

/** One user per stream, with a socket on each of `apps` (chat.send on app i % n). */
async function oursStreams(apps: BenchApp[], streams: number): Promise<ClientStream[]> {
  const jobs = await (apps[0] as BenchApp).jobs(streams);
  return jobs.map((job, i) => ({
    urls: apps.map((_, k) => (apps[(i + k) % apps.length] as BenchApp).url),
    token: job.token,
    conversationId: job.conversationId,
  }));
}

/** Resolves once a marker published by `from` reaches `to` (what `from` published before has). */
async function pubsubDrained(from: BenchApp, to: BenchApp): Promise<void> {
  const channel = `bench-marker-${randomUUID()}`;
  let handler: (message: string) => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (handler = () => resolve()));
  await to.deps.pubsub.subscribe(channel, handler);
  await from.deps.pubsub.publish(channel, 'marker');
  await arrived;
  await to.deps.pubsub.unsubscribe(channel, handler);
}

/** Runs benchmark (a) and returns its report. */
export async function benchRelay(options: RelayOptions) {
  const { streams, tokens, runs } = options;
  pinning = options.pinning;
  // Before any server starts and after all are closed: their background work (garbage
  // collection, the SQLite checkpoint worker) would count as the machine's.
  // This process used ~125 ms of its CPU in the first 500 ms after its imports (V8 compiling
  // and collecting on its other threads), ~10 ms per 500 ms after: the probe waits that out.
  await sleep(1000);
  const before = await probeMachine();
  // Observed only while the relay runs (the idle benchmark follows in this process).
  gcObserver.observe({ entryTypes: ['gc'] });
  if (options.profileDir) mkdirSync((profiler.dir = options.profileDir), { recursive: true });
  const plan: TokenPlan = { tokens, paceMs: 0, gate: new StartGate() };
  const gate = plan.gate as StartGate;
  const bareRelay = await startBareRelay(plan);
  const ours = await startBenchApp(benchProvider(plan));
  const bareStreams = (n: number): ClientStream[] =>
    Array.from({ length: n }, () => ({
      urls: [bareRelay.url],
      token: '',
      conversationId: randomUUID(),
    }));
  const oursAll = await oursStreams([ours], streams);
  const bareSide: Side = { mode: 'bare', streams: bareStreams(streams), settleMs: 0 };
  const oursSide: Side = { mode: 'ours', streams: oursAll, settleMs: 0 };
  // The set-up's own frames (ours: two message.created per stream, 2,000 at once) reach the
  // client process before relaying starts, as they would before a model's first token, which
  // comes hundreds of milliseconds after a send. Both sides wait alike.
  gate.settle = () => sleep(SETUP_SETTLE_MS);

  // Warm-up (JIT, connection pools, SQLite pages), not reported: one full-size run per side.
  // With 50 streams of 20 tokens, the first measured run of ours was the slowest of every
  // series (throughput ratio 0.68–0.69 against 0.75–0.87 for the others): its code paths and
  // the database were still cold at 1,000 streams.
  plan.tokens = tokens;
  await measure(bareSide, plan, gate);
  await measure(oursSide, plan, gate);

  plan.paceMs = 0;
  profiler.label = 'memory-throughput';
  const fast = await interleave(
    runs,
    () => measure(bareSide, plan, gate),
    () => measure(oursSide, plan, gate),
  );
  const throughput = throughputReport(fast);

  // Unless given, the pace offers a quarter of the bare relay's throughput: latency is
  // measured below saturation, where queueing does not drown what the relay itself adds.
  const paceMs =
    options.paceMs ??
    Math.max(10, Math.ceil((streams / (0.25 * throughput.tokensPerSecond.bare)) * 1000));
  plan.tokens = options.pacedTokens;
  plan.paceMs = paceMs;
  profiler.label = 'memory-latency';
  const paced = await interleave(
    runs,
    () => measure(bareSide, plan, gate),
    () => measure(oursSide, plan, gate),
  );
  const saved = await ours.deps
    .db('messages')
    .where({ role: 'assistant', status: 'complete' })
    .count({ n: '*' })
    .first();
  await ours.close();

  let redis: Record<string, unknown> | undefined;
  if (options.redis) {
    const server = options.redis.url ? undefined : await startRedis();
    const url = options.redis.url ?? (server?.url as string);
    const prefix = `bench-${randomUUID().slice(0, 8)}:`;
    try {
      const apps = await startBenchApp(benchProvider(plan), 2, () =>
        createRedisPubSub({ url, prefix }),
      );
      // The set-up of 1,000 streams at once (every chat.send's frames, presence) leaves a
      // pub/sub backlog; a marker each replica publishes to the other arrives after it.
      gate.settle = () =>
        Promise.all(
          apps.map((a, i) => pubsubDrained(a, apps[(i + 1) % apps.length] as BenchApp)),
        ).then(() => undefined);
      const redisSide: Side = {
        mode: 'ours',
        streams: await oursStreams(apps, streams),
        settleMs: 300,
      };
      plan.tokens = tokens;
      plan.paceMs = 0;
      await measure(redisSide, plan, gate);
      profiler.label = 'redis-throughput';
      const redisFast = await interleave(
        runs,
        () => measure(bareSide, plan, gate),
        () => measure(redisSide, plan, gate),
      );
      plan.tokens = options.pacedTokens;
      plan.paceMs = paceMs;
      profiler.label = 'redis-latency';
      const redisPaced = await interleave(
        runs,
        () => measure(bareSide, plan, gate),
        () => measure(redisSide, plan, gate),
      );
      gate.settle = undefined;
      for (const a of apps) await a.close();
      redis = {
        replicas: 2,
        throughput: throughputReport(redisFast),
        latency: {
          paceMs,
          origin: latencyReport(redisPaced, (r) => r.latencyMs.origin),
          // Across Redis: the user's socket on the other replica (bare: its only socket).
          otherReplica: latencyReport(
            redisPaced,
            (r) => r.latencyMs.watchers ?? r.latencyMs.origin,
          ),
        },
      };
    } finally {
      await server?.stop();
    }
  }
  await bareRelay.close();
  gcObserver.disconnect();
  const after = await probeMachine();

  return {
    streams,
    runs,
    cpus: options.pinning.note,
    // Stalls of the CPUs before and after the runs (bench/stalls.ts): the figures below are
    // evidence only from a quiet machine.
    machine: {
      quiet: quiet([before.server, before.clients, after.server, after.clients]),
      before,
      after,
    },
    memory: {
      throughput: { tokensPerStream: tokens, ...throughput },
      latency: {
        tokensPerStream: options.pacedTokens,
        paceMs,
        offeredTokensPerSecond: Math.round((streams * 1000) / paceMs),
        ...latencyReport(paced, (r) => r.latencyMs.origin),
        // Where the latency is: the relaying itself, apart from the streams' first tokens.
        afterFirstToken: (({ bare, ours, addedMs }) => ({ bare, ours, addedMs }))(
          latencyReport(paced, (r) => r.latencyMs.afterFirst),
        ),
      },
      repliesSavedComplete: Number(saved?.n ?? 0),
    },
    ...(redis ? { redis } : {}),
  };
}
