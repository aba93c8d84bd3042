/**
 * Builds the real app (real database, optional real Redis) for HTTP tests, with pino output
 * captured so tests can assert what is (not) logged.
 */
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createDb, migrateLatest } from '../../src/db/index.js';
import { createDeps, type AppDeps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';
import type { RedisClientType } from '../../src/redis.js';
import { createTestDatabase, type TestDb } from './db.js';

/** A test app and its pieces. */
export interface TestApp {
  deps: AppDeps;
  config: Config;
  testDb: TestDb;
  /** The app's request handler (for supertest or an http.Server). */
  callback: ReturnType<ReturnType<typeof createApp>['callback']>;
  /** A supertest client without a cookie jar (each call independent). */
  http(): ReturnType<typeof supertest>;
  /** Every log line written so far (raw JSON text). */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Creates a migrated database of the engine and the app over it. `env` overrides configuration
 * variables (as strings, like the real environment).
 */
export async function createTestApp(
  engine: TestDb['engine'],
  options: { env?: Record<string, string>; redis?: RedisClientType; rateLimitPrefix?: string } = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase(engine);
  const config = loadConfig({
    DATABASE_URL: testDb.url,
    LOG_LEVEL: 'debug',
    WEB_DIST_DIR: '/nonexistent-web-dist',
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
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
    rateLimitPrefix: options.rateLimitPrefix ?? `test:${Math.random().toString(36).slice(2)}`,
  });
  const callback = createApp(deps).callback();
  return {
    deps,
    config,
    testDb,
    callback,
    http: () => supertest(callback),
    logs,
    async close() {
      await db.destroy();
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
