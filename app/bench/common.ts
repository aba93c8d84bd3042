/**
 * Shared pieces of the benchmarks: the "as fast as possible" token source (used by our provider
 * and by the bare relay alike, held at the start gate), monotonic stamps comparable across
 * processes, app instances over a throwaway SQLite database (optionally several replicas sharing
 * it and a pub/sub), and percentile maths.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTick, setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../src/app.js';
import { generateToken, hashToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/index.js';
import { createDb, migrateLatest } from '../src/db/index.js';
import { createDeps, type AppDeps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { createProviderRegistry } from '../src/providers/registry.js';
import type { Provider, ProviderEvent } from '../src/providers/types.js';
import type { PubSub } from '../src/pubsub/types.js';
import type { StartGate } from './gate.js';
import { wallNow } from './clock.js';

export { median, percentile, round, wallNow } from './clock.js';

/**
 * Yields `count` delta events, as fast as the event loop allows (one per turn, like a fast
 * upstream) or one every `paceMs`, then a `done` event with the usage (not when aborted: a
 * provider's stream then just ends). Each token carries the monotonic time it was produced so
 * the client can measure latency: for a paced token, the time it was due. Stamped when the
 * event loop got to it, a token waiting behind the server's own work (1,000 replies starting at
 * once) looked on time: p99 added 0.7–3.9 ms, where the due times gave 300 ms. Our provider is
 * this very generator and the bare relay iterates it too, so the token source costs both sides
 * the same.
 */
export async function* stampedEvents(
  count: number,
  paceMs = 0,
  signal?: AbortSignal,
  gate?: StartGate,
): AsyncGenerator<ProviderEvent> {
  await gate?.arrive();
  if (paceMs > 0) {
    // Paced: token i is due at a fixed time (streams start at a random point of their first
    // interval, as independent upstreams would) and carries that time, not the time this
    // process got round to it: a server whose event loop is behind is late by that much.
    const first = wallNow() + Math.random() * paceMs;
    for (let i = 0; i < count; i++) {
      const due = first + i * paceMs;
      await sleep(Math.max(0, due - wallNow()));
      if (signal?.aborted) return;
      yield { type: 'delta', text: `${due.toFixed(3)} ` };
    }
  } else {
    for (let i = 0; i < count; i++) {
      await nextTick();
      if (signal?.aborted) return;
      yield { type: 'delta', text: `${wallNow().toFixed(3)} ` };
    }
  }
  yield { type: 'done', usage: { promptTokens: 1, completionTokens: count }, finishReason: 'stop' };
}

/** Token source settings, changed between runs by the benchmark. */
export interface TokenPlan {
  tokens: number;
  paceMs: number;
  gate?: StartGate;
}

/** The benchmark provider: stamped events per `plan` (read at each stream's start). */
export function benchProvider(plan: TokenPlan): Provider {
  return {
    kind: 'echo',
    stream: (_request, signal) => stampedEvents(plan.tokens, plan.paceMs, signal, plan.gate),
  };
}

/** A session a benchmark client authenticates with, and the conversation it streams in. */
export interface BenchJob {
  token: string;
  conversationId: string;
}

/** A running instance of our app (see startBenchApp). */
export interface BenchApp {
  url: string;
  deps: AppDeps;
  jobs(users: number, perUser?: number, conversations?: boolean): Promise<BenchJob[]>;
  close(): Promise<void>;
}

/**
 * Our app on loopback over a fresh SQLite file, with `provider` as the echo model. With
 * `replicas` > 1, that many instances share the database and `pubsub()` (one each, e.g. Redis
 * connections), as replicas behind a load balancer would.
 */
export async function startBenchApp(provider: Provider): Promise<BenchApp>;
export async function startBenchApp(
  provider: Provider,
  replicas: number,
  pubsub: () => Promise<PubSub>,
): Promise<BenchApp[]>;
export async function startBenchApp(
  provider: Provider,
  replicas?: number,
  pubsub?: () => Promise<PubSub>,
): Promise<BenchApp | BenchApp[]> {
  const dir = mkdtempSync(join(tmpdir(), 'aichat-bench-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    WEB_DIST_DIR: join(dir, 'no-web'),
    DAILY_TOKEN_QUOTA: '0',
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const logger = createLogger({ level: config.logLevel });
  const db = createDb(config.database);
  await migrateLatest(db);
  const apps: BenchApp[] = [];
  let n = 0;
  let closed = 0;
  for (let r = 0; r < (replicas ?? 1); r++) {
    const app = buildApp(
      createDeps({
        config,
        logger,
        db,
        providers: createProviderRegistry({ models: [], overrides: { echo: provider } }),
        ...(pubsub ? { pubsub: await pubsub() } : {}),
      }),
    );
    const { deps } = app;
    const port = await app.listen(0, '127.0.0.1');
    apps.push({
      url: `ws://127.0.0.1:${port}/ws`,
      deps,
      // Users and sessions straight through the stores: password hashing is not what we measure.
      async jobs(users, perUser = 1, conversations = true) {
        const out: BenchJob[] = [];
        const expires = new Date(Date.now() + 3_600_000);
        for (let u = 0; u < users; u++) {
          const user = await deps.users.create(`bench${r}-${n++}`, 'not-a-hash');
          for (let s = 0; s < perUser; s++) {
            const token = generateToken();
            await deps.sessions.create(user.id, hashToken(token), expires);
            const conv = conversations
              ? await deps.conversations.create(user.id, {
                  title: 'bench',
                  model: 'echo',
                  systemPrompt: null,
                })
              : undefined;
            out.push({ token, conversationId: conv?.id ?? '' });
          }
        }
        return out;
      },
      async close() {
        await app.stop(0);
        await deps.pubsub.close();
        if (++closed === apps.length) {
          await db.destroy();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    });
  }
  return replicas === undefined ? (apps[0] as BenchApp) : apps;
}
