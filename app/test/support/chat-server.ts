/**
 * A backend instance for the chat integration tests: real database (PostgreSQL or SQLite), real
 * pub/sub (Redis or in-process), the real /ws endpoint on a loopback port. Several instances can
 * share a database and a pub/sub to act as replicas.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import { AuthService } from '../../src/auth/service.js';
import { SessionStore } from '../../src/auth/session-store.js';
import { SESSION_COOKIE } from '../../src/auth/tokens.js';
import { createChatStore } from '../../src/chat/store.js';
import { ConversationStore } from '../../src/conversations/store.js';
import { createDb, migrateLatest, type Knex } from '../../src/db/index.js';
import { UnauthenticatedError } from '../../src/errors/index.js';
import { MessageStore } from '../../src/messages/store.js';
import { createProviderRegistry, type RegistryOptions } from '../../src/providers/registry.js';
import type { PubSub } from '../../src/pubsub/types.js';
import { QuotaService } from '../../src/ratelimit/quota-service.js';
import { TokenUsageStore } from '../../src/ratelimit/usage-store.js';
import { UserStore } from '../../src/users/store.js';
import { mountRealtime, type Realtime } from '../../src/ws/realtime.js';
import type { DatabaseTarget } from '../../src/config/index.js';

export interface ChatServerOptions {
  target: DatabaseTarget;
  pubsub: PubSub;
  registry?: RegistryOptions;
  dailyTokenQuota?: number;
  /** Chat requests allowed per user before rate_limited (a fixed window for the test's life). */
  rateLimit?: number;
  allowedOrigins?: string[];
  sendBufferLimit?: number;
  heartbeatMs?: number;
}

export interface ChatServer {
  url: string;
  wsUrl: string;
  db: Knex;
  realtime: Realtime;
  messages: MessageStore;
  /** Registers a user; returns its id and session token. */
  user(name?: string): Promise<{ id: string; token: string }>;
  conversation(userId: string, model?: string, systemPrompt?: string | null): Promise<string>;
  logs: string[];
  close(): Promise<void>;
}

const noop = () => undefined;

/** Starts one instance; migrations run against the target first. */
export async function startChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const db = createDb(options.target);
  await migrateLatest(db);
  const users = new UserStore(db);
  const auth = new AuthService(users, new SessionStore(db), 3_600_000);
  const conversations = new ConversationStore(db);
  const messages = new MessageStore(db);
  const quota = new QuotaService(new TokenUsageStore(db), options.dailyTokenQuota ?? 0);
  const logs: string[] = [];
  const logger = {
    info: noop,
    warn: (_o: object, m: string) => void logs.push(`warn: ${m}`),
    error: (o: object, m: string) =>
      void logs.push(`error: ${m} ${String((o as { err?: unknown }).err)}`),
  };
  const counts = new Map<string, number>();
  const { app, realtime } = mountRealtime(new Koa(), {
    store: createChatStore(conversations, messages),
    quota: {
      async exceeded(userId) {
        const s = await quota.check(userId);
        return s.allowed ? undefined : s.retryAfterSeconds;
      },
      consume: (userId, tokens) => quota.record(userId, tokens),
    },
    registry: createProviderRegistry(options.registry ?? { models: [] }),
    pubsub: options.pubsub,
    logger,
    metrics: {
      streamStarted: noop,
      streamEnded: noop,
      firstToken: noop,
      tokens: noop,
      providerError: noop,
      socketOpened: noop,
      socketClosed: noop,
    },
    async authenticate(token) {
      try {
        return (await auth.authenticateToken(token)).user;
      } catch (err) {
        if (err instanceof UnauthenticatedError) return undefined;
        throw err;
      }
    },
    async rateLimit(userId) {
      const n = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, n);
      return options.rateLimit !== undefined && n > options.rateLimit ? 42 : undefined;
    },
    allowedOrigins: options.allowedOrigins ?? [],
    cookieName: SESSION_COOKIE,
    flushIntervalMs: 50,
    heartbeatMs: options.heartbeatMs,
    sendBufferLimit: options.sendBufferLimit,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  let n = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    db,
    realtime,
    messages,
    logs,
    async user(name) {
      const username =
        name ??
        `u${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const grant = await auth.register(username, 'password123');
      return { id: grant.user.id, token: grant.token };
    },
    async conversation(userId, model = 'echo', systemPrompt = null) {
      return (await conversations.create(userId, { title: 't', model, systemPrompt })).id;
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
