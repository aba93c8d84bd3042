/**
 * Request ids and access logs: each request gets an id (a sane incoming X-Request-Id is kept,
 * so a trace spans the proxy), echoed in the response, and a child logger in ctx.state.log.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware, ParameterizedContext } from 'koa';
import { redactUrl, type Logger } from '../logger.js';

/** The request's child logger (falls back to `fallback` outside the middleware). */
export function requestLog(ctx: ParameterizedContext, fallback?: Logger): Logger | undefined {
  return (ctx.state.log as Logger | undefined) ?? fallback;
}

/** Assigns the request id and logs one line per request (status and duration). */
export function requestLogging(logger: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const log = logger.child({ requestId });
    ctx.state.log = log;
    const started = performance.now();
    try {
      await next();
    } finally {
      const line = {
        method: ctx.method,
        url: redactUrl(ctx.originalUrl),
        status: ctx.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        userId: (ctx.state.user as { id?: string } | undefined)?.id,
      };
      if (ctx.path === '/health' || ctx.path === '/metrics') log.debug(line, 'request');
      else log.info(line, 'request');
    }
  };
}
