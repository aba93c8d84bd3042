/**
 * A backend instance for the chat integration tests, built exactly like production (buildApp, so
 * the /ws wiring is the real one) over a real database (PostgreSQL or SQLite) and a real pub/sub
 * (Redis or in-process), listening on a loopback port. Several instances can share a database
 * and a pub/sub to act as replicas.
 */
import type { Knex } from '../../src/db/index.js';
import type { AppDeps } from '../../src/deps.js';
import type { MessageStore } from '../../src/messages/store.js';
import type { PubSub } from '../../src/pubsub/types.js';
import type { ChatEndpoint } from '../../src/ws/endpoint.js';
import { assembleApp, type TestAppOptions } from './app.js';
import type { TestDb } from './db.js';

export interface ChatServerOptions extends Pick<TestAppOptions, 'redis' | 'registry' | 'env'> {
  testDb: TestDb;
  pubsub: PubSub;
}

export interface ChatServer {
  url: string;
  wsUrl: string;
  db: Knex;
  deps: AppDeps;
  realtime: ChatEndpoint;
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
  const { app, db, logs, close } = await assembleApp(options.testDb, {
    ...options,
    env: {
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '1000',
      DAILY_TOKEN_QUOTA: '0',
      ...options.env,
    },
    logLine(json) {
      const entry = JSON.parse(json) as { level: number; msg: string };
      return `${LEVELS[entry.level] ?? entry.level}: ${entry.msg}`;
    },
  });
  const port = await app.listen(0, '127.0.0.1');
  const { deps } = app;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    db,
    deps,
    realtime: app.chat,
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
    close,
  };
}
