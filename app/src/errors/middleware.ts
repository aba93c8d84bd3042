/** The one error middleware: every failure below it becomes `{error:{code,message}}` JSON. */
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import { toErrorResponse } from './map.js';

/**
 * Catches errors from downstream middleware, answers with the mapped JSON, and logs
 * unexpected ones (5xx) with their stack through pino. Also turns unmatched routes into a JSON 404.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && !ctx.headerSent) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: 'Not found.' } };
      }
    } catch (err) {
      const res = toErrorResponse(err);
      const log = (ctx.state.log as Logger | undefined) ?? logger;
      if (res.unexpected) log.error({ err }, 'request failed');
      if (ctx.headerSent) return;
      ctx.status = res.status;
      ctx.set(res.headers);
      ctx.body = res.body;
    }
  };
}
