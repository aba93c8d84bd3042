/**
 * The shared Redis client (rate limits, readiness). Commands fail fast while Redis is down
 * (no offline queue): a limiter falls back to memory and readiness reports the error, instead
 * of requests waiting on a dead connection.
 */
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from './logger.js';

export type { RedisClientType } from 'redis';

/**
 * Connects to REDIS_URL. Start-up fails (rejects) when the first connection cannot be made after
 * a few attempts; later losses reconnect with capped backoff for as long as it takes.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisClientType> {
  let connected = false;
  const client: RedisClientType = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: (retries: number, cause: Error) =>
        connected || retries < 3 ? Math.min(50 * 2 ** Math.min(retries, 6), 2000) : cause,
    },
  });
  // Without an 'error' listener node-redis would crash the process on a lost connection.
  client.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
  try {
    await client.connect();
  } catch (err) {
    if (client.isOpen) client.destroy();
    throw new Error(`cannot connect to Redis at REDIS_URL: ${(err as Error).message}`, {
      cause: err,
    });
  }
  connected = true;
  return client;
}
