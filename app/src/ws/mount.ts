/**
 * Mounts the chat WebSocket endpoint on the app from the app's dependency graph: adapters from the
 * stores, quota, rate limits, metrics and auth to the chat ports, and the shutdown hooks (drain
 * the streams within the grace period, then close the sockets and the pub/sub).
 */
import type Koa from 'koa';
import { SESSION_COOKIE } from '../auth/tokens.js';
import type { ChatMetrics } from '../chat/ports.js';
import { createChatStore } from '../chat/store.js';
import type { AppDeps } from '../deps.js';
import { TooManyRequestsError, UnauthenticatedError } from '../errors/index.js';
import type { Metrics, ProviderErrorKind } from '../metrics/index.js';
import { mountRealtime, type Realtime } from './realtime.js';

const handles = new WeakMap<Koa, Realtime>();

/** The real-time handle of an app built by createApp (tests, benchmarks). */
export function realtimeOf(app: Koa): Realtime | undefined {
  return handles.get(app);
}

function chatMetrics(m: Metrics): ChatMetrics & { socketOpened(): void; socketClosed(): void } {
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
    socketOpened: () => m.wsOpen.inc(),
    socketClosed: () => m.wsOpen.dec(),
  };
}

/**
 * Adds /ws to `app` and registers the chat's shutdown steps on `deps.lifecycle`.
 * @example return mountChat(app, deps); // at the end of createApp
 */
export function mountChat<A extends Koa>(app: A, deps: AppDeps): A {
  const { app: wsApp, realtime } = mountRealtime(app, {
    store: createChatStore(deps.conversations, deps.messages),
    quota: {
      async exceeded(userId) {
        const status = await deps.quota.check(userId);
        return status.allowed ? undefined : status.retryAfterSeconds;
      },
      consume: (userId, tokens) => deps.quota.record(userId, tokens),
    },
    registry: deps.providers,
    pubsub: deps.pubsub,
    logger: deps.logger,
    metrics: chatMetrics(deps.metrics),
    async authenticate(token) {
      try {
        return (await deps.auth.authenticateToken(token)).user;
      } catch (err) {
        if (err instanceof UnauthenticatedError) return undefined;
        throw err;
      }
    },
    async rateLimit(userId) {
      try {
        await deps.limits.consumeUser(userId);
        return undefined;
      } catch (err) {
        if (err instanceof TooManyRequestsError) return err.retryAfterSeconds;
        throw err;
      }
    },
    allowedOrigins: deps.config.corsOrigins,
    cookieName: SESSION_COOKIE,
    heartbeatMs: deps.config.ws.heartbeatMs,
    sendBufferLimit: deps.config.ws.sendBufferBytes,
  });
  deps.lifecycle.onShutdown('chat streams', (graceMs) => realtime.drain(graceMs));
  deps.lifecycle.onClose('pub/sub', () => deps.pubsub.close());
  deps.lifecycle.onClose('websockets', () => realtime.close());
  handles.set(wsApp, realtime);
  return wsApp;
}
