/**
 * In-process pub/sub: the single-replica default without REDIS_URL. Two app instances in one
 * process can share one to behave like replicas (tests do).
 */
import type { MessageHandler, PubSub } from './types.js';

/** Creates an in-process pub/sub. Delivery is asynchronous, like a broker's. */
export function createMemoryPubSub(): PubSub {
  const channels = new Map<string, Set<MessageHandler>>();
  return {
    kind: 'memory',
    async publish(channel, message) {
      const handlers = channels.get(channel);
      if (!handlers) return;
      for (const h of [...handlers]) queueMicrotask(() => h(message));
    },
    async subscribe(channel, handler) {
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      set.add(handler);
    },
    async unsubscribe(channel, handler) {
      const set = channels.get(channel);
      set?.delete(handler);
      if (set?.size === 0) channels.delete(channel);
    },
    async close() {
      channels.clear();
    },
  };
}
