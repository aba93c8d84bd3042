import { atLeast, normalizeSeverity, type GateResult, type Severity } from './gate.js';

/** One finding of a Trivy scan, whatever the scanner that produced it. */
export interface TrivyFinding {
  kind: 'vulnerability' | 'secret' | 'misconfiguration';
  severity: Severity;
  /** CVE id, secret rule id or misconfiguration id (e.g. KSV014). */
  id: string;
  /** Scan target (file, package manager lockfile, image layer). */
  target: string;
  title: string;
}

interface RawTrivy {
  SchemaVersion?: number;
  ArtifactName?: string;
  Results?: {
    Target?: string;
    Vulnerabilities?: {
      VulnerabilityID?: string;
      PkgName?: string;
      InstalledVersion?: string;
      FixedVersion?: string;
      Severity?: string;
      Title?: string;
    }[];
    Secrets?: { RuleID?: string; Severity?: string; Title?: string; StartLine?: number }[];
    Misconfigurations?: {
      ID?: string;
      AVDID?: string;
      Severity?: string;
      Title?: string;
      Status?: string;
    }[];
  }[];
}

/**
 * Parses Trivy's `--format json` report (SchemaVersion 2) into flat findings. Misconfiguration
 * checks that passed (Status PASS) are not findings.
 */
export function parseTrivyJson(json: string): TrivyFinding[] {
  const raw = JSON.parse(json) as RawTrivy;
  if (raw.SchemaVersion !== 2)
    throw new Error('not a Trivy JSON report (expected SchemaVersion 2)');
  const findings: TrivyFinding[] = [];
  for (const result of raw.Results ?? []) {
    const target = result.Target ?? '';
    for (const v of result.Vulnerabilities ?? []) {
      const fix = v.FixedVersion ? `, fixed in ${v.FixedVersion}` : '';
      findings.push({
        kind: 'vulnerability',
        severity: normalizeSeverity(v.Severity ?? ''),
        id: v.VulnerabilityID ?? '',
        target,
        title: `${v.PkgName ?? ''} ${v.InstalledVersion ?? ''}${fix}: ${v.Title ?? ''}`.trim(),
      });
    }
    for (const s of result.Secrets ?? []) {
      findings.push({
        kind: 'secret',
        severity: normalizeSeverity(s.Severity ?? ''),
        id: s.RuleID ?? '',
        target: s.StartLine ? `${target}:${s.StartLine}` : target,
        title: s.Title ?? '',
      });
    }
    for (const m of result.Misconfigurations ?? []) {
      if (m.Status && m.Status !== 'FAIL') continue;
      findings.push({
        kind: 'misconfiguration',
        severity: normalizeSeverity(m.Severity ?? ''),
        id: m.ID ?? m.AVDID ?? '',
        target,
        title: m.Title ?? '',
      });
    }
  }
  return findings;
}

/** Fails when a finding is at or above `threshold` (HIGH by default in the stages). */
export function gateTrivy(name: string, findings: TrivyFinding[], threshold: Severity): GateResult {
  const failing = findings.filter((f) => atLeast(f.severity, threshold));
  const byKind = (kind: TrivyFinding['kind']): number =>
    failing.filter((f) => f.kind === kind).length;
  return {
    name,
    passed: failing.length === 0,
    summary:
      `${failing.length} finding(s) at or above ${threshold} ` +
      `(${byKind('vulnerability')} vulnerabilities, ${byKind('secret')} secrets, ` +
      `${byKind('misconfiguration')} misconfigurations) of ${findings.length} total`,
    findings: failing.map((f) => `${f.severity} ${f.kind} ${f.id} in ${f.target}: ${f.title}`),
  };
}

/** Counts of SARIF results per level, to check the SARIF file agrees with the JSON report. */
export function countSarifResults(json: string): { error: number; warning: number; note: number } {
  const raw = JSON.parse(json) as { version?: string; runs?: { results?: { level?: string }[] }[] };
  if (raw.version !== '2.1.0' || !Array.isArray(raw.runs)) {
    throw new Error('not a SARIF 2.1.0 log');
  }
  const counts = { error: 0, warning: 0, note: 0 };
  for (const run of raw.runs) {
    for (const result of run.results ?? []) {
      // SARIF's default level is "warning" when a result omits it.
      const level = (result.level ?? 'warning') as keyof typeof counts;
      if (level in counts) counts[level] += 1;
    }
  }
  return counts;
}
