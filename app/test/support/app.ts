/**
 * Builds the real app (buildApp, real database, optional real Redis and pub/sub) for the tests,
 * with pino output captured so tests can assert what is (not) logged.
 */
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { buildApp, type BuiltApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createDb, migrateLatest, type Knex } from '../../src/db/index.js';
import { createDeps, type AppDeps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';
import { createProviderRegistry, type RegistryOptions } from '../../src/providers/registry.js';
import type { PubSub } from '../../src/pubsub/types.js';
import type { RedisClientType } from '../../src/redis.js';
import { createTestDatabase, type TestDb } from './db.js';

/** What a test may vary; everything else is built as in production. */
export interface TestAppOptions {
  /** Configuration variables, as strings like the real environment. */
  env?: Record<string, string>;
  /** Shared Redis client (rate limits, readiness), as in production with REDIS_URL. */
  redis?: RedisClientType;
  pubsub?: PubSub;
  registry?: RegistryOptions;
  rateLimitPrefix?: string;
  /** How a captured log line (pino JSON) is kept; raw by default. */
  logLine?: (json: string) => string;
}

/** The app over a migrated handle on `testDb`, with its own logs; close() stops it. */
export interface AssembledApp {
  app: BuiltApp;
  config: Config;
  db: Knex;
  logs: string[];
  close(): Promise<void>;
}

/** Builds the app over `testDb` (migrated first) through buildApp, the production assembly. */
export async function assembleApp(
  testDb: TestDb,
  options: TestAppOptions = {},
): Promise<AssembledApp> {
  const config = loadConfig({
    DATABASE_URL: testDb.url,
    LOG_LEVEL: 'debug',
    WEB_DIST_DIR: '/nonexistent-web-dist',
    ...options.env,
  });
  const logs: string[] = [];
  const keep = options.logLine ?? ((line: string) => line);
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(keep(line));
      done();
    },
  });
  const logger = createLogger({ level: config.logLevel }, sink);
  const db = createDb(config.database);
  await migrateLatest(db);
  const app = buildApp(
    createDeps({
      config,
      logger,
      db,
      redis: options.redis,
      pubsub: options.pubsub,
      rateLimitPrefix: options.rateLimitPrefix ?? `test:${Math.random().toString(36).slice(2)}`,
      ...(options.registry ? { providers: createProviderRegistry(options.registry) } : {}),
    }),
  );
  return {
    app,
    config,
    db,
    logs,
    async close() {
      await app.stop(0);
      await db.destroy();
    },
  };
}

/** A test app and its pieces. */
export interface TestApp {
  deps: AppDeps;
  config: Config;
  testDb: TestDb;
  /** The app's request handler (for supertest or an http.Server). */
  callback: ReturnType<BuiltApp['callback']>;
  /** A supertest client without a cookie jar (each call independent). */
  http(): ReturnType<typeof supertest>;
  /** Every log line written so far (raw JSON text). */
  logs: string[];
  close(): Promise<void>;
}

/** Creates a migrated database of the engine and the app over it (for HTTP tests, no port). */
export async function createTestApp(
  engine: TestDb['engine'],
  options: Pick<TestAppOptions, 'env' | 'redis' | 'rateLimitPrefix'> = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase(engine);
  const { app, config, logs, close } = await assembleApp(testDb, options);
  const callback = app.callback();
  return {
    deps: app.deps,
    config,
    testDb,
    callback,
    http: () => supertest(callback),
    logs,
    async close() {
      await close();
      await testDb.cleanup();
    },
  };
}

/** Registers a user and returns its token and id. */
export async function signUp(
  t: TestApp,
  username: string,
  password = 'correct horse battery',
): Promise<{ token: string; id: string; auth: { Authorization: string } }> {
  const res = await t.http().post('/api/auth/register').send({ username, password });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.text}`);
  const body = res.body as { token: string; user: { id: string } };
  return { token: body.token, id: body.user.id, auth: { Authorization: `Bearer ${body.token}` } };
}
