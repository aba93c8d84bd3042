/**
 * The gate's vocabulary: severities, thresholds and the verdict over one report. Pure (no Dagger
 * import) so that it is unit tested on the host.
 */

/** The verdict of the gate over one Trivy report. */
export interface GateResult {
  passed: boolean;
  /** One line for humans, e.g. `2 finding(s) at or above high (…) of 5 total`. */
  summary: string;
  /** One line per finding that made the gate fail (empty when it passed). */
  findings: string[];
}

/** Trivy's severities, lowest first (`unknown` is what Trivy gives a finding it cannot rate). */
export const SEVERITIES = ['unknown', 'low', 'medium', 'high', 'critical'] as const;
/** A normalized severity. */
export type Severity = (typeof SEVERITIES)[number];

/** The severities a gate threshold may name (`moderate` is accepted as npm's word for medium). */
export const THRESHOLDS: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/**
 * Maps a severity word of a report to ours (case-insensitive, `moderate` → `medium`); any other
 * word maps to `unknown`, which is reported but never fails a gate on its own.
 */
export function normalizeSeverity(raw: string): Severity {
  const word = raw.trim().toLowerCase();
  if (word === 'moderate') return 'medium';
  return (SEVERITIES as readonly string[]).includes(word) ? (word as Severity) : 'unknown';
}

/** True when `severity` is at or above `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}

/**
 * Parses a threshold argument such as `high`, `CRITICAL` or `moderate`; throws on anything else so
 * that a typo cannot silently disable the gate.
 * @example parseThreshold('Moderate') // 'medium'
 */
export function parseThreshold(raw: string): Severity {
  const word = raw.trim().toLowerCase() === 'moderate' ? 'medium' : raw.trim().toLowerCase();
  if (!(THRESHOLDS as readonly string[]).includes(word)) {
    throw new Error(
      `unknown severity threshold "${raw}" (use one of ${THRESHOLDS.join(', ')}; moderate = medium)`,
    );
  }
  return word as Severity;
}

/** The last `lines` lines of a tool's output: what said why it failed. */
export function outputTail(output: string, lines: number): string[] {
  return output.trim().split('\n').slice(-lines);
}

/**
 * The failed gate of a scan whose report could not be read: `what` went wrong, the reader's error
 * (if any), and the tail of Trivy's output, which says why.
 * @example noReportGate('no Trivy report', new Error('ENOENT'), log).summary // 'no Trivy report: ENOENT'
 */
export function noReportGate(what: string, error: unknown, output: string): GateResult {
  const message = error instanceof Error ? error.message : String(error ?? '');
  return {
    passed: false,
    summary: message === '' ? what : `${what}: ${message}`,
    findings: outputTail(output, 10),
  };
}

/** The error message of a failed gate: `title`, its summary, then up to `max` findings. */
export function formatGateFailure(title: string, gate: GateResult, max = 20): string {
  const lines = [`${title} failed: ${gate.summary}`];
  for (const finding of gate.findings.slice(0, max)) lines.push(`  - ${finding}`);
  if (gate.findings.length > max) lines.push(`  … and ${gate.findings.length - max} more`);
  return lines.join('\n');
}
