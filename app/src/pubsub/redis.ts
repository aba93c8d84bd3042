/**
 * Redis pub/sub with the `redis` package: one connection publishes, a second one subscribes (a
 * subscribed Redis connection can run nothing else). Both reconnect with capped backoff; the
 * subscriber re-subscribes its channels on reconnect. Publishing fails fast while Redis is down
 * (no offline queue), so callers never wait on a dead broker.
 */
import { createClient } from 'redis';
import type { MessageHandler, PubSub, PubSubLogger } from './types.js';

export interface RedisPubSubOptions {
  url: string;
  /** Prefix of every channel name, so deployments (and parallel tests) sharing a Redis don't collide. */
  prefix?: string;
  logger?: PubSubLogger;
}

/** Backoff between reconnect attempts: 50 ms doubling, capped at 2 s. */
export function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 6), 2000);
}

/** Connects a Redis pub/sub; rejects when Redis cannot be reached at start. */
export async function createRedisPubSub(options: RedisPubSubOptions): Promise<PubSub> {
  const prefix = options.prefix ?? 'aichat:';
  const log = options.logger;
  // Until the first connection succeeds a failure ends the attempt (start-up must not hang on a
  // wrong REDIS_URL); after that, reconnect for as long as it takes.
  let connected = false;
  const reconnectStrategy = (retries: number, cause: Error) =>
    connected ? reconnectDelay(retries) : retries < 3 ? reconnectDelay(retries) : cause;
  const publisher = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy, connectTimeout: 5000 },
  });
  // The subscriber keeps its offline queue so (re)subscriptions issued while Redis is away
  // are sent once it is back.
  const subscriber = publisher.duplicate({ disableOfflineQueue: false });
  for (const [name, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    // Without an 'error' listener node-redis would crash the process on a lost connection.
    client.on('error', (err: Error) =>
      log?.warn({ err: err.message, client: name }, 'redis error'),
    );
    client.on('reconnecting', () => log?.info({ client: name }, 'redis reconnecting'));
  }
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
  } catch (err) {
    for (const c of [publisher, subscriber]) if (c.isOpen) c.destroy();
    throw new Error(`cannot connect to Redis at REDIS_URL: ${(err as Error).message}`, {
      cause: err,
    });
  }
  connected = true;

  // Both connections ready again after an outage (the subscriber has re-subscribed by then).
  const reconnectListeners: Array<() => void> = [];
  let lost = false;
  for (const client of [publisher, subscriber]) {
    client.on('end', () => (lost = true));
    client.on('error', () => (lost = true));
    client.on('ready', () => {
      if (!lost || !publisher.isReady || !subscriber.isReady) return;
      lost = false;
      for (const listener of reconnectListeners) listener();
    });
  }

  // One Redis subscription per channel, fanned out to our handlers.
  const handlers = new Map<string, Set<MessageHandler>>();
  const dispatch = (message: string, channel: string) => {
    const name = channel.slice(prefix.length);
    for (const h of handlers.get(name) ?? []) h(message);
  };

  return {
    kind: 'redis',
    async publish(channel, message) {
      await publisher.publish(prefix + channel, message);
    },
    async subscribe(channel, handler) {
      const set = handlers.get(channel);
      if (set) {
        set.add(handler);
        return;
      }
      handlers.set(channel, new Set([handler]));
      await subscriber.subscribe(prefix + channel, dispatch);
    },
    async unsubscribe(channel, handler) {
      const set = handlers.get(channel);
      if (!set?.delete(handler) || set.size > 0) return;
      handlers.delete(channel);
      await subscriber.unsubscribe(prefix + channel, dispatch);
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    async close() {
      handlers.clear();
      reconnectListeners.length = 0;
      // close() waits for queued commands, which never run while Redis is away: bound the wait.
      const closed = Promise.allSettled([publisher.close(), subscriber.close()]);
      const timer = new Promise((r) => setTimeout(r, 1000).unref());
      if ((await Promise.race([closed.then(() => true), timer])) !== true) {
        for (const c of [publisher, subscriber]) if (c.isOpen) c.destroy();
      }
    },
  };
}
