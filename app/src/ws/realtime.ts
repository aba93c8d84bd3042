/**
 * Wires the real-time half of the app: socket hub over pub/sub, the chat service and the /ws
 * endpoint, mounted on a koa-websocket app. createApp calls this; the server's shutdown calls
 * `drain` then `close`.
 */
import type Koa from 'koa';
import websockify from 'koa-websocket';
import type { ChatMetrics, ChatQuota, ChatStore } from '../chat/ports.js';
import { ChatService } from '../chat/service.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { PubSub } from '../pubsub/types.js';
import type { WsLogger, WsUser } from './connection.js';
import { SocketHub } from './hub.js';
import { createWsEndpoint } from './route.js';

export interface RealtimeOptions {
  store: ChatStore;
  quota: ChatQuota;
  registry: ProviderRegistry;
  pubsub: PubSub;
  logger: WsLogger & { info(obj: object, msg: string): void };
  metrics: ChatMetrics & { socketOpened(): void; socketClosed(): void };
  authenticate(token: string): Promise<WsUser | undefined>;
  rateLimit(userId: string): Promise<number | undefined>;
  allowedOrigins: readonly string[];
  cookieName: string;
  flushIntervalMs?: number;
  heartbeatMs?: number;
  sendBufferLimit?: number;
}

/** The running real-time parts. */
export interface Realtime {
  chat: ChatService;
  hub: SocketHub;
  /** Open sockets on this replica. */
  readonly connections: number;
  /** Lets streaming replies finish within `graceMs`, then saves the rest as interrupted. */
  drain(graceMs: number): Promise<void>;
  /** Closes every socket (1001); call after drain. */
  close(): void;
}

/**
 * Adds WebSocket support to `app` (path /ws, frames ≤ 64 KiB) and mounts the chat endpoint.
 * Returns the websockified app (use its `listen`) and the real-time handle.
 */
export function mountRealtime<A extends Koa>(
  app: A,
  options: RealtimeOptions,
): { app: A & websockify.App; realtime: Realtime } {
  const hub = new SocketHub({
    pubsub: options.pubsub,
    logger: options.logger,
    // The callbacks run only after `chat` below exists (sockets come after mounting).
    onUserOffline: (userId) => chat.userOffline(userId),
    onRemoteStop: (userId, conversationId) => chat.stopLocal(userId, conversationId),
  });
  const chat = new ChatService({
    store: options.store,
    registry: options.registry,
    quota: options.quota,
    metrics: options.metrics,
    logger: options.logger,
    fanOut: (userId, frame) => hub.fanOut(userId, frame),
    flushIntervalMs: options.flushIntervalMs,
  });
  const endpoint = createWsEndpoint({
    chat,
    hub,
    authenticate: options.authenticate,
    rateLimit: options.rateLimit,
    logger: options.logger,
    allowedOrigins: options.allowedOrigins,
    cookieName: options.cookieName,
    heartbeatMs: options.heartbeatMs,
    sendBufferLimit: options.sendBufferLimit,
    onOpen: () => options.metrics.socketOpened(),
    onClose: () => options.metrics.socketClosed(),
  });
  // maxPayload makes ws refuse (close 1009) any frame over the protocol limit before buffering it.
  const wsApp = websockify(app as Koa, { path: '/ws', maxPayload: MAX_FRAME_BYTES }) as A &
    websockify.App;
  wsApp.ws.use(endpoint.middleware);
  return {
    app: wsApp,
    realtime: {
      chat,
      hub,
      get connections() {
        return endpoint.connections;
      },
      drain: (graceMs) => chat.drain(graceMs),
      close: () => endpoint.close(),
    },
  };
}
