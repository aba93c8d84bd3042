/**
 * Mocha global fixtures: make sure a PostgreSQL and a Redis server exist for the whole run.
 * Tests read them as process.env.TEST_DATABASE_URL / TEST_REDIS_URL.
 */
import { startPostgres, startRedis, type TestServer } from './servers.js';

const started: TestServer[] = [];

export async function mochaGlobalSetup(): Promise<void> {
  const pgUrl = process.env.DATABASE_URL;
  if (pgUrl && pgUrl.startsWith('postgres')) {
    process.env.TEST_DATABASE_URL = pgUrl;
  } else {
    const pg = await startPostgres();
    started.push(pg);
    process.env.TEST_DATABASE_URL = pg.url;
  }
  if (process.env.REDIS_URL) {
    process.env.TEST_REDIS_URL = process.env.REDIS_URL;
  } else {
    const redis = await startRedis();
    started.push(redis);
    process.env.TEST_REDIS_URL = redis.url;
  }
}

export async function mochaGlobalTeardown(): Promise<void> {
  await Promise.all(started.map((s) => s.stop()));
}
