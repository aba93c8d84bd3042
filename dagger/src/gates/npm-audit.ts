import { atLeast, normalizeSeverity, type GateResult, type Severity } from './gate.js';

/** One vulnerable package in an `npm audit --json` report (npm 7+ format). */
export interface AuditFinding {
  name: string;
  severity: Severity;
  /** Advisory titles, or the names of the vulnerable dependencies it comes through. */
  via: string[];
  fixAvailable: boolean;
}

/** What the gate needs from an `npm audit --json` report. */
export interface AuditReport {
  findings: AuditFinding[];
  counts: Record<Severity, number>;
}

interface RawAudit {
  auditReportVersion?: number;
  error?: { code?: string; summary?: string };
  vulnerabilities?: Record<
    string,
    { name?: string; severity?: string; via?: unknown[]; fixAvailable?: unknown }
  >;
  metadata?: { vulnerabilities?: Partial<Record<string, number>> };
}

/**
 * Parses the JSON printed by `npm audit --json` (auditReportVersion 2). Throws when npm reported
 * an error instead of a report (e.g. the registry refused the audit endpoint), so a failed audit
 * is never read as "no vulnerabilities".
 */
export function parseNpmAudit(json: string): AuditReport {
  const raw = JSON.parse(json) as RawAudit;
  if (raw.error) {
    throw new Error(`npm audit failed: ${raw.error.code ?? ''} ${raw.error.summary ?? ''}`.trim());
  }
  if (raw.auditReportVersion !== 2 || !raw.vulnerabilities) {
    throw new Error('not an npm audit report (expected auditReportVersion 2)');
  }
  const counts: Record<Severity, number> = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
  const findings: AuditFinding[] = [];
  for (const [name, entry] of Object.entries(raw.vulnerabilities)) {
    const severity = normalizeSeverity(entry.severity ?? 'info');
    counts[severity] += 1;
    const via = (entry.via ?? []).map((v) =>
      typeof v === 'string' ? v : String((v as { title?: string }).title ?? ''),
    );
    findings.push({ name: entry.name ?? name, severity, via, fixAvailable: !!entry.fixAvailable });
  }
  return { findings, counts };
}

/** Fails when any package is vulnerable at or above `threshold`. */
export function gateNpmAudit(report: AuditReport, threshold: Severity): GateResult {
  const failing = report.findings.filter((f) => atLeast(f.severity, threshold));
  const summary =
    `${report.counts.critical} critical, ${report.counts.high} high, ` +
    `${report.counts.moderate} moderate, ${report.counts.low} low (threshold: ${threshold})`;
  return {
    name: 'audit',
    passed: failing.length === 0,
    summary,
    findings: failing.map(
      (f) =>
        `${f.severity} ${f.name}: ${f.via.join('; ')}${f.fixAvailable ? ' (fix available)' : ''}`,
    ),
  };
}
