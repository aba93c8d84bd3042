/**
 * A backend instance for the chat integration tests, built exactly like production (createDeps +
 * createApp, so the /ws wiring is the real one) over a real database (PostgreSQL or SQLite) and a
 * real pub/sub (Redis or in-process), listening on a loopback port. Several instances can share a
 * database and a pub/sub to act as replicas.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createDb, migrateLatest, type Knex } from '../../src/db/index.js';
import { createDeps, type AppDeps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';
import type { MessageStore } from '../../src/messages/store.js';
import { createProviderRegistry, type RegistryOptions } from '../../src/providers/registry.js';
import type { PubSub } from '../../src/pubsub/types.js';
import type { RedisClientType } from '../../src/redis.js';
import { realtimeOf } from '../../src/ws/mount.js';
import type { Realtime } from '../../src/ws/realtime.js';
import type { TestDb } from './db.js';

export interface ChatServerOptions {
  testDb: TestDb;
  pubsub: PubSub;
  /** Shared Redis client (rate limits, readiness), as in production with REDIS_URL. */
  redis?: RedisClientType;
  registry?: RegistryOptions;
  /** Configuration variables, as strings (RATE_LIMIT_PER_MINUTE, CORS_ORIGINS, WS_…). */
  env?: Record<string, string>;
}

export interface ChatServer {
  url: string;
  wsUrl: string;
  db: Knex;
  deps: AppDeps;
  realtime: Realtime;
  messages: MessageStore;
  /** Registers a user; returns its id and session token. */
  user(name?: string): Promise<{ id: string; token: string }>;
  conversation(userId: string, model?: string, systemPrompt?: string | null): Promise<string>;
  /** Log lines as "<level>: <msg>". */
  logs: string[];
  close(): Promise<void>;
}

const LEVELS: Record<number, string> = { 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
let counter = 0;

/** Starts one instance; migrations run against the database first. */
export async function startChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const config = loadConfig({
    DATABASE_URL: options.testDb.url,
    LOG_LEVEL: 'info',
    WEB_DIST_DIR: '/nonexistent-web-dist',
    RATE_LIMIT_PER_MINUTE: '1000',
    DAILY_TOKEN_QUOTA: '0',
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { level: number; msg: string };
        logs.push(`${LEVELS[entry.level] ?? entry.level}: ${entry.msg}`);
      }
      done();
    },
  });
  const logger = createLogger({ level: config.logLevel }, sink);
  const db = createDb(config.database);
  await migrateLatest(db);
  const deps = createDeps({
    config,
    logger,
    db,
    redis: options.redis,
    pubsub: options.pubsub,
    rateLimitPrefix: `test:${Math.random().toString(36).slice(2)}`,
    ...(options.registry ? { providers: createProviderRegistry(options.registry) } : {}),
  });
  const app = createApp(deps);
  const realtime = realtimeOf(app);
  if (!realtime) throw new Error('createApp did not mount the chat endpoint');
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    db,
    deps,
    realtime,
    messages: deps.messages,
    logs,
    async user(name) {
      const username =
        name ?? `u${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const grant = await deps.auth.register(username, 'password123');
      return { id: grant.user.id, token: grant.token };
    },
    async conversation(userId, model = 'echo', systemPrompt = null) {
      return (await deps.conversations.create(userId, { title: 't', model, systemPrompt })).id;
    },
    async close() {
      await realtime.drain(0);
      realtime.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await db.destroy();
    },
  };
}
