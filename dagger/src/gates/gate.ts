/** The verdict of one gate over one report: pure data, rendered by the stages and by `ci`. */
export interface GateResult {
  /** Stage name as the CLI shows it, e.g. `scan-source`. */
  name: string;
  passed: boolean;
  /** One line for humans, e.g. `2 high, 1 critical (threshold: high)`. */
  summary: string;
  /** One line per finding that made the gate fail (empty when it passed). */
  findings: string[];
}

/** The severities used by npm, Trivy and ZAP, lowest first. */
export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
/** A normalized severity. */
export type Severity = (typeof SEVERITIES)[number];

/**
 * Maps a tool's severity word to ours (`medium` → `moderate`, case-insensitive); unknown words map
 * to `info` so that they are reported but never fail a gate on their own.
 */
export function normalizeSeverity(raw: string): Severity {
  const word = raw.trim().toLowerCase();
  if (word === 'medium') return 'moderate';
  if (word === 'informational' || word === 'unknown' || word === 'negligible') return 'info';
  return (SEVERITIES as readonly string[]).includes(word) ? (word as Severity) : 'info';
}

/** True when `severity` is at or above `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}

/**
 * Parses a threshold argument such as `high` or `CRITICAL`; throws on anything else so that a
 * typo cannot silently disable a gate.
 */
export function parseThreshold(raw: string): Severity {
  const word = raw.trim().toLowerCase() === 'medium' ? 'moderate' : raw.trim().toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(word)) {
    throw new Error(`unknown severity threshold "${raw}" (use one of ${SEVERITIES.join(', ')})`);
  }
  return word as Severity;
}

/** The error message of a failed gate: its summary, then up to `max` findings. */
export function formatGateFailure(gate: GateResult, max = 20): string {
  const lines = [`${gate.name} gate failed: ${gate.summary}`];
  for (const finding of gate.findings.slice(0, max)) lines.push(`  - ${finding}`);
  if (gate.findings.length > max) lines.push(`  … and ${gate.findings.length - max} more`);
  return lines.join('\n');
}

/** Throws the formatted failure when the gate did not pass. */
export function enforceGate(gate: GateResult): void {
  if (!gate.passed) throw new Error(formatGateFailure(gate));
}

/** Markdown table of every gate, for the `ci` report directory. */
export function gatesMarkdown(gates: GateResult[]): string {
  const rows = gates.map((g) => `| ${g.name} | ${g.passed ? 'pass' : 'FAIL'} | ${g.summary} |`);
  return ['| stage | result | summary |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

/** The names of the gates that failed, in order. */
export function failedGates(gates: GateResult[]): string[] {
  return gates.filter((g) => !g.passed).map((g) => g.name);
}

/** The last `lines` lines of a tool's output: what said why it failed. */
export function outputTail(output: string, lines: number): string[] {
  return output.trim().split('\n').slice(-lines);
}

/** Gate for a command whose exit code is the verdict (tests, lint, policy). */
export function exitCodeGate(name: string, exitCode: number, output: string): GateResult {
  if (exitCode === 0) return { name, passed: true, summary: 'exit code 0', findings: [] };
  return {
    name,
    passed: false,
    summary: `exit code ${exitCode}`,
    findings: outputTail(output, 15),
  };
}

/**
 * The failed gate of a tool whose report could not be read (missing, or not a report): `what`
 * went wrong, the reader's error, and the tail of the tool's output, which says why.
 * @example noReportGate('zap', 'no ZAP report', new Error('ENOENT'), log).summary // 'no ZAP report: ENOENT'
 */
export function noReportGate(
  name: string,
  what: string,
  error: unknown,
  output: string,
): GateResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    name,
    passed: false,
    summary: what === '' ? message : `${what}: ${message}`,
    findings: outputTail(output, 10),
  };
}

/**
 * One gate over several parts (e.g. linters): it passes when all do, and otherwise names the
 * failed ones (without the `<name>:` prefix) and lists each one's findings under its summary.
 */
export function combineGates(name: string, parts: GateResult[], passedSummary: string): GateResult {
  const failed = parts.filter((g) => !g.passed);
  return {
    name,
    passed: failed.length === 0,
    summary:
      failed.length === 0
        ? passedSummary
        : `failed: ${failed.map((g) => g.name.replace(`${name}:`, '')).join(', ')}`,
    findings: failed.flatMap((g) => [`${g.name} (${g.summary})`, ...g.findings]),
  };
}
