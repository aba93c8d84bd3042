import type { GateResult } from './gate.js';

/** One threshold of a k6 summary: whether it held, and the value it was checked against. */
export interface ThresholdResult {
  metric: string;
  /** As written in the script's options, e.g. `p(95)<500`. */
  expression: string;
  ok: boolean;
  /** The metric's value for the expression's aggregation (e.g. its p(95)); null if absent. */
  observed: number | null;
}

/** The headline figures of a run, from k6's built-in HTTP metrics; null where not recorded. */
export interface LoadFigures {
  httpP95Ms: number | null;
  httpFailedRate: number | null;
  requests: number | null;
  iterations: number | null;
}

/**
 * A metric in either of k6's two summary formats: `handleSummary`'s data (statistics under
 * `values`, thresholds as `{ok}`) or `--summary-export`'s (statistics inline, a rate's value as
 * `value`, thresholds as `true` when crossed).
 */
interface RawMetric {
  values?: Record<string, unknown>;
  thresholds?: Record<string, { ok?: boolean } | boolean>;
  [stat: string]: unknown;
}

function parseSummary(json: string): Record<string, RawMetric> {
  const raw = JSON.parse(json) as { metrics?: unknown };
  if (!raw.metrics || typeof raw.metrics !== 'object') {
    throw new Error('not a k6 summary (no "metrics" object)');
  }
  return raw.metrics as Record<string, RawMetric>;
}

/** A statistic of a metric (`p(95)`, `rate`, `count`, …) in either format. */
function stat(metric: RawMetric | undefined, key: string): number | null {
  if (!metric) return null;
  const source = metric.values ?? metric;
  // --summary-export writes a rate metric's rate as `value` (a counter's `rate` is per second).
  const v =
    source[key] ?? (key === 'rate' && metric.values === undefined ? source.value : undefined);
  return typeof v === 'number' ? v : null;
}

/** The aggregation a threshold expression tests, e.g. `p(95)` of `p(95)<500`. */
function aggregation(expression: string): string {
  return /^\s*([a-z]+(?:\([\d.]+\))?)/.exec(expression)?.[1] ?? '';
}

/** Every threshold of a k6 summary (either format), metric by metric. */
export function k6Thresholds(json: string): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [metric, m] of Object.entries(parseSummary(json))) {
    for (const [expression, t] of Object.entries(m.thresholds ?? {})) {
      results.push({
        metric,
        expression,
        ok: typeof t === 'boolean' ? !t : t.ok === true,
        observed: stat(m, aggregation(expression)),
      });
    }
  }
  return results;
}

/** The headline figures of a k6 summary (either format). */
export function k6Figures(json: string): LoadFigures {
  const metrics = parseSummary(json);
  return {
    httpP95Ms: stat(metrics.http_req_duration, 'p(95)'),
    httpFailedRate: stat(metrics.http_req_failed, 'rate'),
    requests: stat(metrics.http_reqs, 'count'),
    iterations: stat(metrics.iterations, 'count'),
  };
}

/** A number as k6 shows it: at most three decimals. */
const num = (v: number): string => String(Math.round(v * 1000) / 1000);

/**
 * Fails when any threshold was crossed, naming its metric, expression and observed value, and
 * when the summary has no thresholds at all (a script without thresholds cannot fail, so it
 * cannot pass either).
 */
export function gateK6(json: string): GateResult {
  const thresholds = k6Thresholds(json);
  const figures = k6Figures(json);
  if (thresholds.length === 0) {
    return { name: 'k6', passed: false, summary: 'no thresholds in summary', findings: [] };
  }
  const failing = thresholds.filter((t) => !t.ok);
  const held = `${thresholds.length - failing.length}/${thresholds.length} thresholds held`;
  // The HTTP figures only when the script made HTTP requests.
  const http =
    figures.requests === null
      ? ''
      : `; http p95 ${figures.httpP95Ms === null ? 'n/a' : `${figures.httpP95Ms.toFixed(1)} ms`}, ` +
        `errors ${figures.httpFailedRate === null ? 'n/a' : `${(figures.httpFailedRate * 100).toFixed(2)}%`}, ` +
        `${figures.requests} requests`;
  return {
    name: 'k6',
    passed: failing.length === 0,
    summary: held + http,
    findings: failing.map(
      (t) =>
        `${t.metric}: ${t.expression} crossed` +
        (t.observed === null ? '' : ` (${aggregation(t.expression)} = ${num(t.observed)})`),
    ),
  };
}
