/** Observes every HTTP request in the latency histogram, labelled by route template. */
import type { Middleware } from 'koa';
import type { Metrics } from './index.js';

/**
 * Times requests. The route label is the matched router template ("/api/conversations/:id"),
 * so ids do not explode the label set; unmatched paths share one label.
 */
export function httpMetrics(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const end = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = typeof matched === 'string' ? matched : (ctx.state.metricsRoute ?? 'unmatched');
      end({ method: ctx.method, route: String(route), status: String(ctx.status) });
    }
  };
}
