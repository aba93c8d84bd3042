/** The verdict of the gate over one report: pure data, returned as the module's result object. */
export interface GateResult {
  /** The gate's name, e.g. `schemathesis`. */
  name: string;
  passed: boolean;
  /** One line for humans, e.g. `4 operations: 1 server error(s), …`. */
  summary: string;
  /** One line per finding that made the gate fail (empty when it passed). */
  findings: string[];
}

/** The last `lines` lines of a tool's output: what says why it failed. */
export function outputTail(output: string, lines: number): string[] {
  return output.trim().split('\n').slice(-lines);
}

/**
 * The failed gate of a tool whose report could not be read (missing, or not a report): `what`
 * went wrong, the reader's error, and the tail of the tool's output, which says why.
 * @example noReportGate('schemathesis', 'no JUnit report', new Error('ENOENT'), log).summary // 'no JUnit report: ENOENT'
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

/** The error message of a failed gate: its summary, then up to `max` findings. */
export function formatGateFailure(gate: GateResult, max = 20): string {
  const lines = [`${gate.name} gate failed: ${gate.summary}`];
  for (const finding of gate.findings.slice(0, max)) lines.push(`  - ${finding}`);
  if (gate.findings.length > max) lines.push(`  … and ${gate.findings.length - max} more`);
  return lines.join('\n');
}
