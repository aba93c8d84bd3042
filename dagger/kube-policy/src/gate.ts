/** The verdict of one tool over its report: pure data (a module cannot import aichat's copy). */
export interface GateResult {
  /** The tool, e.g. `kubeconform`. */
  name: string;
  passed: boolean;
  /** One line for humans, e.g. `1 invalid, 1 error of 4 resources`. */
  summary: string;
  /** One line per finding that made the gate fail (empty when it passed). */
  findings: string[];
}

/** The last `lines` non-empty lines of a tool's output: what said why it failed. */
export function outputTail(output: string, lines: number): string[] {
  return output
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines);
}

/**
 * The failed gate of a tool whose report could not be read (missing, or not a report): `what`
 * went wrong, the reader's error, and the tail of the tool's output, which says why.
 * @example noReportGate('conftest', 'no conftest report', new Error('Unexpected token'), log).summary
 *   // 'no conftest report: Unexpected token'
 */
export function noReportGate(
  name: string,
  what: string,
  error: unknown,
  output: string,
): GateResult {
  const message = error instanceof Error ? error.message : String(error);
  return { name, passed: false, summary: `${what}: ${message}`, findings: outputTail(output, 10) };
}

/**
 * One gate over several parts: it passes when all do, and otherwise names the failed ones and
 * lists each one's findings under its summary.
 */
export function combineGates(name: string, parts: GateResult[]): GateResult {
  const failed = parts.filter((g) => !g.passed);
  if (failed.length === 0) {
    return { name, passed: true, summary: parts.map((g) => g.summary).join('; '), findings: [] };
  }
  return {
    name,
    passed: false,
    summary: `failed: ${failed.map((g) => g.name).join(', ')}`,
    findings: failed.flatMap((g) => [`${g.name} (${g.summary})`, ...g.findings]),
  };
}

/** The error message of a failed gate: its summary, then up to `max` findings. */
export function formatGateFailure(gate: GateResult, max = 20): string {
  const lines = [`${gate.name} gate failed: ${gate.summary}`];
  for (const finding of gate.findings.slice(0, max)) lines.push(`  - ${finding}`);
  if (gate.findings.length > max) lines.push(`  … and ${gate.findings.length - max} more`);
  return lines.join('\n');
}
