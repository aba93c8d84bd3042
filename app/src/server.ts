/**
 * Starts and stops the whole process: database (migrated), optional Redis, the app on its port,
 * and the ordered shutdown. bin/server.ts wraps this with configuration and signals.
 */
import { buildApp } from './app.js';
import { startSessionSweep } from './auth/session-sweep.js';
import type { Config } from './config/index.js';
import { createDb, migrateLatest } from './db/index.js';
import { createDeps, type AppDeps } from './deps.js';
import type { Logger } from './logger.js';
import { createRedisPubSub } from './pubsub/redis.js';
import type { PubSub } from './pubsub/types.js';
import { connectRedis } from './redis.js';

/** A running server. */
export interface RunningServer {
  deps: AppDeps;
  /** The port actually bound (PORT=0 picks a free one). */
  port: number;
  /** Graceful stop: stop accepting, run shutdown hooks within the grace period, close resources. */
  stop(): Promise<void>;
}

/**
 * Connects and migrates the database, connects Redis when configured, checks MODELS against the
 * provider's model list, recovers replies a crash left `streaming`, and listens. Rejects (after releasing what it opened) when a dependency is
 * unreachable.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const db = createDb(config.database);
  let redis: AppDeps['redis'];
  let pubsub: PubSub | undefined;
  try {
    const applied = await migrateLatest(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
    // Pub/sub needs its own connections (a subscribed Redis connection runs nothing else).
    pubsub = config.redisUrl
      ? await createRedisPubSub({ url: config.redisUrl, logger })
      : undefined;
  } catch (err) {
    if (redis) redis.destroy();
    await db.destroy();
    throw err;
  }
  const deps = createDeps({ config, logger, db, redis, pubsub });
  deps.lifecycle.onClose('database', () => db.destroy());
  if (redis) {
    const client = redis;
    deps.lifecycle.onClose('redis', async () => {
      await client.close().catch(() => client.destroy());
    });
  }
  deps.lifecycle.onClose('pub/sub', () => deps.pubsub.close());
  const stopSweep = startSessionSweep(deps.sessions, 3600_000, logger);
  deps.lifecycle.onClose('session sweep', stopSweep);
  // Before listening, so a model the provider lacks is logged (and not offered) from the start.
  await deps.modelCheck.refresh();
  const recovered = await deps.messages.markStreamingInterrupted();
  if (recovered)
    logger.warn({ recovered }, 'replies left streaming by a previous run marked interrupted');

  // Registered last, so the sockets close before the resources above.
  const app = buildApp(deps);
  const port = await app.listen(config.port, config.host);
  logger.info(
    {
      port,
      host: config.host,
      database: config.database.client,
      redis: Boolean(redis),
      models: deps.providers.models.map((m) => m.id),
    },
    'aichat listening',
  );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info({ graceMs: config.shutdownGraceMs }, 'shutting down');
      await app.stop(config.shutdownGraceMs);
      logger.info('stopped');
    })());
  return { deps, port, stop };
}
