/**
 * Shared pieces of the benchmarks: the "as fast as possible" token source (used by our provider
 * and by the bare relay alike), wall-clock stamps comparable across processes, an app instance
 * over a throwaway SQLite database, and percentile maths.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTick, setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../src/app.js';
import { generateToken, hashToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/index.js';
import { createDb, migrateLatest } from '../src/db/index.js';
import { createDeps, type AppDeps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { createProviderRegistry } from '../src/providers/registry.js';
import type { Provider } from '../src/providers/types.js';

/**
 * Milliseconds on the system-wide monotonic clock (CLOCK_MONOTONIC via hrtime), so stamps taken
 * in the server process compare exactly with receipt times in the client process
 * (performance.timeOrigin differs per process by up to a millisecond).
 */
export const wallNow = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Yields `count` tokens, as fast as the event loop allows (one per turn, like a fast upstream)
 * or one every `paceMs`; each token carries the wall-clock time it was produced so the client
 * can measure latency.
 */
export async function* stampedTokens(
  count: number,
  paceMs = 0,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  // Paced streams start at a random point of their first interval, as independent upstreams
  // would: in lock-step, every stream's token would land in the same millisecond.
  if (paceMs > 0) await sleep(Math.random() * paceMs);
  for (let i = 0; i < count; i++) {
    if (paceMs > 0 && i > 0) await sleep(paceMs);
    else await nextTick();
    if (signal?.aborted) return;
    yield `${wallNow().toFixed(3)} `;
  }
}

/** The benchmark provider: stamped tokens, then usage. */
export function benchProvider(tokens: number, paceMs = 0): Provider {
  return {
    kind: 'echo',
    async *stream(_request, signal) {
      for await (const text of stampedTokens(tokens, paceMs, signal)) yield { type: 'delta', text };
      yield {
        type: 'done',
        usage: { promptTokens: 1, completionTokens: tokens },
        finishReason: 'stop',
      };
    },
  };
}

/** A session a benchmark client authenticates with, and the conversation it streams in. */
export interface BenchJob {
  token: string;
  conversationId: string;
}

/** Our app on loopback over a fresh SQLite file, with `provider` as the echo model. */
export async function startBenchApp(provider: Provider): Promise<{
  url: string;
  deps: AppDeps;
  jobs(users: number, perUser?: number, conversations?: boolean): Promise<BenchJob[]>;
  close(): Promise<void>;
}> {
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
  const deps = createDeps({
    config,
    logger,
    db,
    providers: createProviderRegistry({ models: [], overrides: { echo: provider } }),
  });
  const app = createApp(deps);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  let n = 0;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    deps,
    // Users and sessions straight through the stores: password hashing is not what we measure.
    async jobs(users, perUser = 1, conversations = true) {
      const out: BenchJob[] = [];
      const expires = new Date(Date.now() + 3_600_000);
      for (let u = 0; u < users; u++) {
        const user = await deps.users.create(`bench${n++}`, 'not-a-hash');
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
      await deps.lifecycle.shutdown(0);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The p-th percentile (0–100) of an ascending sorted array. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** Rounds for the report. */
export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
