/**
 * Every Prometheus metric of the app, defined once on a per-app registry (tests build several
 * apps in one process; a global registry would collide). GET /metrics renders the registry.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Kinds counted by `providerErrors` (the provider error codes without the prefix). */
export type ProviderErrorKind =
  'auth' | 'rate_limited' | 'rejected' | 'unavailable' | 'timeout' | 'stream_cut';

/** The app's metrics. */
export interface Metrics {
  registry: Registry;
  /** HTTP request latency by method, route template and status. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** WebSocket connections currently open. */
  wsOpen: Gauge;
  /** Assistant replies streaming right now. */
  streamsInFlight: Gauge;
  /** Prompt tokens sent to models. */
  tokensIn: Counter<'model'>;
  /** Completion tokens received from models. */
  tokensOut: Counter<'model'>;
  /** Seconds from a send to the first token of the reply. */
  timeToFirstToken: Histogram<'model'>;
  /** Provider failures by kind (auth, rate_limited, unavailable, timeout, stream_cut). */
  providerErrors: Counter<'kind'>;
}

/** Creates the registry with process metrics and every app metric. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'aichat_' });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'aichat_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    wsOpen: new Gauge({
      name: 'aichat_websocket_connections_open',
      help: 'WebSocket connections currently open',
      registers,
    }),
    streamsInFlight: new Gauge({
      name: 'aichat_streams_in_flight',
      help: 'Assistant replies currently streaming',
      registers,
    }),
    tokensIn: new Counter({
      name: 'aichat_tokens_in_total',
      help: 'Prompt tokens sent to models',
      labelNames: ['model'],
      registers,
    }),
    tokensOut: new Counter({
      name: 'aichat_tokens_out_total',
      help: 'Completion tokens received from models',
      labelNames: ['model'],
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'aichat_time_to_first_token_seconds',
      help: 'Seconds from chat.send to the first streamed token',
      labelNames: ['model'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers,
    }),
    providerErrors: new Counter({
      name: 'aichat_provider_errors_total',
      help: 'Model provider failures by kind',
      labelNames: ['kind'],
      registers,
    }),
  };
}

/** Names of the app metrics (without the default process metrics). */
export const METRIC_NAMES = [
  'aichat_http_request_duration_seconds',
  'aichat_websocket_connections_open',
  'aichat_streams_in_flight',
  'aichat_tokens_in_total',
  'aichat_tokens_out_total',
  'aichat_time_to_first_token_seconds',
  'aichat_provider_errors_total',
] as const;
