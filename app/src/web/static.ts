/**
 * Serves the built web UI (web/dist) at / with a single-page-app fallback: a GET for any path
 * outside the API that is not a file gets index.html, so client-side routes survive a reload.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { send } from '@koa/send';
import type { Middleware } from 'koa';

// Paths the backend owns: never answered with the UI.
const RESERVED = /^\/(api|ws|health|ready|metrics)(\/|$)/;

/** True when `dir` holds a built UI (an index.html). */
export function hasWebUi(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * Middleware serving `dir`; mount it after the API router. Hashed assets (/assets/*) are cached
 * for a year, index.html is always revalidated.
 */
export function serveWebUi(dir: string): Middleware {
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || RESERVED.test(ctx.path)) {
      return next();
    }
    ctx.state.metricsRoute = 'static';
    const immutable = ctx.path.startsWith('/assets/');
    try {
      const served = await send(ctx, ctx.path, {
        root: dir,
        index: 'index.html',
        immutable,
        maxage: immutable ? 365 * 24 * 3600 * 1000 : 0,
      });
      if (served) {
        if (served.endsWith('index.html')) ctx.set('Cache-Control', 'no-cache');
        return;
      }
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== 404 && status !== 400) throw err;
    }
    await send(ctx, 'index.html', { root: dir });
    ctx.set('Cache-Control', 'no-cache');
  };
}
