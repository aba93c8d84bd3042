/**
 * `buildApp(deps)`: the one assembly of the application — every HTTP middleware and route, the
 * /ws chat endpoint and its shutdown steps — for the server, the tests and the benchmarks alike.
 * It does not listen until asked, so HTTP tests drive `callback()` without a port.
 */
import type { Server } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import Koa, { type Middleware } from 'koa';
import helmet from 'koa-helmet';
import { requireUser } from './auth/middleware.js';
import { authRoutes } from './auth/routes.js';
import { conversationRoutes } from './conversations/routes.js';
import type { AppDeps } from './deps.js';
import { AppError, errorMiddleware } from './errors/index.js';
import { healthRoutes } from './health/routes.js';
import { ApiRouter } from './http/api-router.js';
import { refuseCrossSiteWrites } from './http/csrf.js';
import { requestLogging } from './http/request-log.js';
import { messageRoutes } from './messages/routes.js';
import { httpMetrics } from './metrics/middleware.js';
import { metricsRoutes } from './metrics/routes.js';
import { modelRoutes } from './models/routes.js';
import { openApiRoutes } from './openapi/routes.js';
import { ipRateLimit, userRateLimit } from './ratelimit/limiter.js';
import { hasWebUi, serveWebUi } from './web/static.js';
import { mountChat, type ChatEndpoint } from './ws/endpoint.js';

/** Largest JSON body (issue: JSON body ≤ 64 KB). */
export const MAX_BODY = '64kb';

/** 415 for a write whose body is not JSON (it would otherwise be silently ignored). */
const requireJsonBody: Middleware = async (ctx, next) => {
  const hasBody = Number(ctx.get('Content-Length') || 0) > 0 || ctx.get('Transfer-Encoding') !== '';
  if (['POST', 'PUT', 'PATCH'].includes(ctx.method) && hasBody && !ctx.is('json')) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  await next();
};

/**
 * 405 for a request whose method Node could not name. Debian's nodejs 20 (built with the system
 * llhttp) accepts methods such as QUERY but leaves `req.method` undefined, which crashed later
 * middleware with a 500 (found by schemathesis in the backend image on the Dagger engine).
 */
const requireNamedMethod: Middleware = async (ctx, next) => {
  if (typeof ctx.req.method !== 'string' || ctx.req.method === '') {
    throw new AppError('method_not_allowed', 'Method not allowed.');
  }
  await next();
};

/** Runs `middleware` on /api/* only (probes and static files are exempt). */
function apiOnly(middleware: Middleware): Middleware {
  return (ctx, next) => (ctx.path.startsWith('/api/') ? middleware(ctx, next) : next());
}

/** Builds the API router with every route (exported for the OpenAPI check in tests). */
export function createApiRouter(deps: AppDeps): ApiRouter {
  const api = new ApiRouter({
    authMiddleware: [requireUser(deps.auth)],
    writeMiddleware: [userRateLimit(deps.limits)],
  });
  healthRoutes(api, { db: deps.db, redis: deps.redis, models: deps.modelCheck });
  metricsRoutes(api, { metrics: deps.metrics });
  authRoutes(api, { auth: deps.auth, cookieSecure: deps.config.cookieSecure });
  conversationRoutes(api, {
    conversations: deps.conversations,
    models: {
      has: (id) => deps.providers.resolve(id) !== undefined,
      // A getter: the provider's model list check can change the default after start-up.
      get defaultModel() {
        return deps.providers.defaultModel;
      },
    },
  });
  messageRoutes(api, { messages: deps.messages });
  modelRoutes(api, { registry: deps.providers });
  openApiRoutes(api);
  return api;
}

/**
 * The Koa app: metrics, request ids and logs, JSON errors, secure headers, CORS allow-list,
 * per-IP limit, cross-site write refusal, 64 KB JSON bodies, the API routes, then the web UI when it is built.
 */
function createHttpApp(deps: AppDeps): Koa {
  const { config, logger } = deps;
  const app = new Koa({ proxy: config.trustProxy });
  // Errors are answered by errorMiddleware; Koa's default handler would print to stderr.
  app.silent = true;
  app.on('error', (err: unknown) => logger.debug({ err }, 'koa error event'));
  const api = createApiRouter(deps);
  const allowed = new Set(config.corsOrigins);

  app.use(httpMetrics(deps.metrics));
  app.use(requestLogging(logger));
  app.use(errorMiddleware(logger));
  app.use(requireNamedMethod);
  // HSTS and upgrade-insecure-requests only for HTTPS deployments (COOKIE_SECURE): on plain
  // http://localhost they would break the UI's own requests.
  app.use(
    helmet({
      strictTransportSecurity: config.cookieSecure,
      contentSecurityPolicy: {
        directives: { 'upgrade-insecure-requests': config.cookieSecure ? [] : null },
      },
    }),
  );
  app.use(
    cors({
      // No header for unknown origins: the browser then blocks the cross-origin read.
      origin: (ctx) => {
        const origin = ctx.get('Origin');
        return allowed.has(origin) ? origin : '';
      },
      credentials: true,
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      exposeHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    }),
  );
  app.use(apiOnly(ipRateLimit(deps.limits)));
  // Before any body is read or handler runs: a forged write does nothing but answer 403.
  app.use(apiOnly(refuseCrossSiteWrites({ allowedOrigins: config.corsOrigins })));
  app.use(requireJsonBody);
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: MAX_BODY, encoding: 'utf-8' }));
  app.use(api.router.routes());
  app.use(
    api.router.allowedMethods({
      throw: true,
      // A method the router does not know (TRACE, …) is the client's error: 405, not a 501.
      notImplemented: () => new AppError('method_not_allowed', 'Method not allowed.'),
    }),
  );
  if (hasWebUi(config.webDistDir)) app.use(serveWebUi(config.webDistDir));
  return app;
}

/** An assembled app, listening or not. */
export interface BuiltApp {
  deps: AppDeps;
  /** The chat service and socket hub. */
  chat: ChatEndpoint;
  /** The HTTP request handler (for supertest; WebSocket upgrades need `listen`). */
  callback(): ReturnType<Koa['callback']>;
  /** Listens on `host`:`port` (0 picks a free port); resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  /**
   * Graceful stop: stop accepting, run the shutdown steps (streams drain within `graceMs`, then
   * the sockets and the resources registered on `deps.lifecycle` close), drop what is left.
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Assembles the app from its dependency graph: the HTTP app, then the WebSocket chat at /ws
 * (upgrades bypass the HTTP middleware).
 * @example const app = buildApp(createDeps({ config, logger, db })); await app.listen(8080, '0.0.0.0');
 */
export function buildApp(deps: AppDeps): BuiltApp {
  const { app, endpoint } = mountChat(createHttpApp(deps), deps);
  let server: Server | undefined;
  let stopping: Promise<void> | undefined;
  return {
    deps,
    chat: endpoint,
    callback: () => app.callback(),
    async listen(port, host) {
      // app.listen (not http.createServer) so the WebSocket upgrade handler is attached.
      const s: Server = await new Promise((resolve, reject) => {
        const bound = app.listen(port, host, () => resolve(bound));
        bound.once('error', reject);
      });
      server = s;
      const address = s.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    stop: (graceMs) =>
      (stopping ??= (async () => {
        const s = server;
        const closed = s && new Promise<void>((resolve) => s.close(() => resolve()));
        s?.closeIdleConnections();
        await deps.lifecycle.shutdown(graceMs);
        s?.closeAllConnections();
        await closed;
      })()),
  };
}
