import type { GateResult } from './gate.js';

/** The figures a load test reports, from k6's end-of-test summary data. */
export interface LoadFigures {
  httpP95Ms: number | null;
  httpFailedRate: number | null;
  ttftP95Ms: number | null;
  requests: number | null;
  iterations: number | null;
}

/** One threshold of a k6 summary and whether it held. */
export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
}

interface RawMetric {
  type?: string;
  values?: Record<string, number>;
  thresholds?: Record<string, { ok?: boolean }>;
}

interface RawSummary {
  metrics?: Record<string, RawMetric>;
}

/** The metric our WebSocket scenario records for time to first token (see dagger/k6/chat.js). */
export const TTFT_METRIC = 'chat_time_to_first_token';

function parseSummary(json: string): Record<string, RawMetric> {
  const raw = JSON.parse(json) as RawSummary;
  if (!raw.metrics || typeof raw.metrics !== 'object') {
    throw new Error('not a k6 summary (no "metrics" object)');
  }
  return raw.metrics;
}

/**
 * Reads every threshold from the JSON that k6 passes to `handleSummary` (and that our script
 * writes to summary.json).
 */
export function k6Thresholds(json: string): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [metric, m] of Object.entries(parseSummary(json))) {
    for (const [expression, t] of Object.entries(m.thresholds ?? {})) {
      results.push({ metric, expression, ok: t.ok === true });
    }
  }
  return results;
}

/** The headline figures of a k6 summary; null where the run did not record the metric. */
export function k6Figures(json: string): LoadFigures {
  const metrics = parseSummary(json);
  const value = (metric: string, key: string): number | null => {
    const v = metrics[metric]?.values?.[key];
    return typeof v === 'number' ? v : null;
  };
  return {
    httpP95Ms: value('http_req_duration', 'p(95)'),
    httpFailedRate: value('http_req_failed', 'rate'),
    ttftP95Ms: value(TTFT_METRIC, 'p(95)'),
    requests: value('http_reqs', 'count'),
    iterations: value('iterations', 'count'),
  };
}

/**
 * Fails when any threshold failed, or when the summary has no thresholds at all (a script
 * without thresholds cannot fail, so it cannot pass either).
 */
export function gateK6(json: string): GateResult {
  const thresholds = k6Thresholds(json);
  const figures = k6Figures(json);
  const failing = thresholds.filter((t) => !t.ok);
  const fmt = (v: number | null, unit = ''): string =>
    v === null ? 'n/a' : `${v.toFixed(1)}${unit}`;
  const summary =
    `${thresholds.length - failing.length}/${thresholds.length} thresholds held; ` +
    `http p95 ${fmt(figures.httpP95Ms, ' ms')}, ` +
    `errors ${figures.httpFailedRate === null ? 'n/a' : `${(figures.httpFailedRate * 100).toFixed(2)}%`}, ` +
    `time to first token p95 ${fmt(figures.ttftP95Ms, ' ms')}`;
  if (thresholds.length === 0) {
    return { name: 'load-test', passed: false, summary: 'no thresholds in summary', findings: [] };
  }
  return {
    name: 'load-test',
    passed: failing.length === 0,
    summary,
    findings: failing.map((t) => `${t.metric}: ${t.expression} crossed`),
  };
}
