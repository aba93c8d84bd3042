/**
 * `createApp(deps)`: the Koa application with every HTTP route, without listening, so tests
 * drive `app.callback()` and the entry point (bin/server.ts) owns the port and the lifecycle.
 */
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
import { mountChat } from './ws/mount.js';

/** Largest JSON body (issue: JSON body ≤ 64 KB). */
export const MAX_BODY = '64kb';

/** 415 for a write whose body is not JSON (it would otherwise be silently ignored). */
const requireJsonBody: Middleware = async (ctx, next) => {
  const hasBody = Number(ctx.get('Content-Length') || 0) > 0 || ctx.get('Transfer-Encoding') !== '';
  if (['POST', 'PUT', 'PATCH'].includes(ctx.method) && hasBody && !ctx.is('json')) {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
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
    throw new AppError(405, 'method_not_allowed', 'Method not allowed.');
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
 * @example const server = http.createServer(createApp(deps).callback())
 */
export function createApp(deps: AppDeps): Koa {
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
      notImplemented: () => new AppError(405, 'method_not_allowed', 'Method not allowed.'),
    }),
  );
  if (hasWebUi(config.webDistDir)) app.use(serveWebUi(config.webDistDir));
  // WebSocket chat at /ws (upgrades bypass the HTTP middleware above).
  return mountChat(app, deps);
}
