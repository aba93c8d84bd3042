/**
 * Cross-site request forgery guard for the REST API (issue #14, OWASP CSRF cheat sheet, "Verifying
 * origin with standard headers"). SameSite=Lax does not stop a sibling subdomain (same site), so a
 * state-changing request that the browser authenticated by the session cookie must come from this
 * server's own origin or from CORS_ORIGINS. Bearer clients are unaffected: a page on another site
 * cannot attach an Authorization header without a CORS preflight, which foreign origins fail.
 */
import type { Middleware } from 'koa';
import { isCookieAuthenticated } from '../auth/tokens.js';
import { AppError } from '../errors/index.js';
import { isOriginAllowed } from '../ws/origin.js';
import { requestLog } from './request-log.js';

/** Methods that never change state (RFC 9110 "safe"): not checked. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Stable code of the 403 answer. */
export const ORIGIN_NOT_ALLOWED = 'origin_not_allowed';

/**
 * The origin a request claims to come from: the Origin header when present (even the opaque
 * `null` a sandboxed frame or a no-referrer form sends, which is never allowed), otherwise the
 * origin of the Referer. Undefined when the request carries neither.
 */
export function sourceOrigin(headers: {
  origin?: string | undefined;
  referer?: string | undefined;
}): string | undefined {
  if (headers.origin !== undefined) return headers.origin;
  if (!headers.referer) return undefined;
  try {
    return new URL(headers.referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * Refuses cookie-authenticated writes (every method but GET, HEAD and OPTIONS) whose Origin, or
 * Referer when Origin is absent, is neither this server's origin nor in `allowedOrigins`, with 403
 * `origin_not_allowed`. "This server" is the request's Host, or X-Forwarded-Host when TRUST_PROXY
 * is set (Koa's `ctx.host`), compared the way the WebSocket upgrade compares it.
 *
 * A cookie-authenticated write with neither header is refused too, as the cheat sheet recommends:
 * browsers send Origin on every POST, PATCH and DELETE, so only a non-browser client can lack
 * both, and such a client should authenticate with `Authorization: Bearer`.
 *
 * @example app.use(refuseCrossSiteWrites({ allowedOrigins: config.corsOrigins }))
 */
export function refuseCrossSiteWrites(options: { allowedOrigins: readonly string[] }): Middleware {
  return async (ctx, next) => {
    if (SAFE_METHODS.has(ctx.method) || !isCookieAuthenticated(ctx.req.headers)) return next();
    const source = sourceOrigin({
      origin: ctx.req.headers.origin,
      referer: ctx.req.headers.referer,
    });
    if (source !== undefined && isOriginAllowed(source, ctx.host, options.allowedOrigins)) {
      return next();
    }
    requestLog(ctx)?.warn(
      { origin: source ?? null, host: ctx.host },
      'cross-site cookie-authenticated write refused',
    );
    throw new AppError(
      ORIGIN_NOT_ALLOWED,
      source === undefined
        ? 'A signed-in write must carry an Origin or Referer header (or use a Bearer token).'
        : 'Requests from this origin may not change data.',
    );
  };
}
