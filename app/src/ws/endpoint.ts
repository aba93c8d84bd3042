/**
 * The /ws chat endpoint, mounted once by buildApp: the socket hub (this replica's sockets, their
 * heartbeat, fan-out across replicas), the chat service over the app's stores, quota and metrics,
 * and per socket an Origin check, the credentials (Bearer header, session cookie or ?token) and a
 * Connection. Registers the shutdown steps: drain the streams within the grace period, then
 * close the sockets.
 */
import type Koa from 'koa';
import websockify from 'koa-websocket';
import type WebSocket from 'ws';
import { readCookie, SESSION_COOKIE } from '../auth/tokens.js';
import type { ChatMetrics } from '../chat/ports.js';
import { ChatService } from '../chat/service.js';
import { createChatStore } from '../chat/store.js';
import type { AppDeps } from '../deps.js';
import type { Metrics, ProviderErrorKind } from '../metrics/index.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';
import { CLOSE, Connection, type ConnectionContext } from './connection.js';
import { SocketHub } from './hub.js';
import { isOriginAllowed } from './origin.js';

/** The running chat parts of an app (tests and benchmarks look inside). */
export interface ChatEndpoint {
  chat: ChatService;
  hub: SocketHub;
}

/** Time a socket without credentials gets to send its `auth` frame. */
const AUTH_TIMEOUT_MS = 10_000;

function chatMetrics(m: Metrics): ChatMetrics {
  return {
    streamStarted: () => m.streamsInFlight.inc(),
    streamEnded: () => m.streamsInFlight.dec(),
    firstToken: (model, seconds) => m.timeToFirstToken.observe({ model }, seconds),
    tokens(model, usage) {
      m.tokensIn.inc({ model }, usage.promptTokens);
      m.tokensOut.inc({ model }, usage.completionTokens);
    },
    providerError: (code) =>
      m.providerErrors.inc({ kind: code.replace(/^provider_/, '') as ProviderErrorKind }),
  };
}

/**
 * Adds /ws to `app` (frames ≤ 64 KiB) and registers the chat's shutdown steps on
 * `deps.lifecycle`. Returns the websockified app (use its `listen`) and the chat parts.
 */
export function mountChat<A extends Koa>(
  app: A,
  deps: AppDeps,
): { app: A & websockify.App; endpoint: ChatEndpoint } {
  const { config, logger } = deps;
  const hub = new SocketHub({
    pubsub: deps.pubsub,
    logger,
    heartbeatMs: config.ws.heartbeatMs,
    // The callbacks run only after `chat` below exists (sockets come after mounting).
    onUserOffline: (userId) => chat.userOffline(userId),
    onRemoteStop: (userId, conversationId) => chat.stopLocal(userId, conversationId),
  });
  const chat = new ChatService({
    store: createChatStore(deps.conversations, deps.messages),
    registry: deps.providers,
    quota: {
      async exceeded(userId) {
        const status = await deps.quota.check(userId);
        return status.allowed ? undefined : status.retryAfterSeconds;
      },
      consume: (userId, tokens) => deps.quota.record(userId, tokens),
    },
    metrics: chatMetrics(deps.metrics),
    logger,
    fanOut: (userId, frame, data) => hub.fanOut(userId, frame, data),
  });
  const context: ConnectionContext = {
    chat,
    hub,
    auth: deps.auth,
    limits: deps.limits,
    logger,
    sendBufferLimit: config.ws.sendBufferBytes,
    authTimeoutMs: AUTH_TIMEOUT_MS,
  };

  // maxPayload makes ws refuse (close 1009) any frame over the protocol limit before buffering it.
  const wsApp = websockify(app as Koa, { path: '/ws', maxPayload: MAX_FRAME_BYTES }) as A &
    websockify.App;
  wsApp.ws.use(async (ctx) => {
    const ws: WebSocket = ctx.websocket;
    if (!isOriginAllowed(ctx.get('origin') || undefined, ctx.get('host'), config.corsOrigins)) {
      ws.close(CLOSE.policy, 'origin not allowed');
      return;
    }
    deps.metrics.wsOpen.inc();
    ws.on('close', () => deps.metrics.wsOpen.dec());
    const connection = new Connection(ws, context);
    if (ctx.path !== '/ws') {
      ws.close(CLOSE.policy, 'unknown path');
      return;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'))?.[1];
    const token = bearer || readCookie(ctx.get('cookie'), SESSION_COOKIE) || ctx.query.token;
    await connection.start(typeof token === 'string' && token ? token : undefined);
  });

  deps.lifecycle.onShutdown('chat streams', (graceMs) => chat.drain(graceMs));
  deps.lifecycle.onClose('websockets', () => hub.closeAll(CLOSE.goingAway, 'server shutting down'));
  return { app: wsApp, endpoint: { chat, hub } };
}
