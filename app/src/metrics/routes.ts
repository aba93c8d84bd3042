/** GET /metrics: the Prometheus text exposition of the app registry. */
import type { ApiRouter } from '../http/api-router.js';
import type { Metrics } from './index.js';

/** Adds /metrics. */
export function metricsRoutes(api: ApiRouter, deps: { metrics: Metrics }): void {
  api.add({
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
    async handler(ctx) {
      ctx.type = deps.metrics.registry.contentType;
      ctx.body = await deps.metrics.registry.metrics();
    },
  });
}
