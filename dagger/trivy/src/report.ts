import { atLeast, normalizeSeverity, type GateResult, type Severity } from './gate.js';

/** One finding of a Trivy scan, whatever the scanner that produced it. */
export interface TrivyFinding {
  kind: 'vulnerability' | 'secret' | 'misconfiguration';
  severity: Severity;
  /** CVE id, secret rule id or misconfiguration id (e.g. KSV014). */
  id: string;
  /** Scan target (file, package manager lockfile, image layer), with the line of a secret. */
  target: string;
  title: string;
}

interface RawTrivy {
  SchemaVersion?: number;
  Results?: {
    Target?: string;
    Class?: string;
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
 * Parses Trivy's `--format json` report (SchemaVersion 2) into flat findings; throws when the text
 * is not such a report. Misconfiguration checks that passed (Status PASS) are not findings.
 */
export function parseTrivyJson(json: string): TrivyFinding[] {
  const raw = JSON.parse(json) as RawTrivy;
  if (raw?.SchemaVersion !== 2) {
    throw new Error('not a Trivy JSON report (expected SchemaVersion 2)');
  }
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

/**
 * The gate: fails when a finding is at or above `threshold`, listing each such finding as
 * `<severity> <kind> <id> in <target>: <title>`.
 */
export function gateTrivy(findings: TrivyFinding[], threshold: Severity): GateResult {
  const failing = findings.filter((f) => atLeast(f.severity, threshold));
  const byKind = (kind: TrivyFinding['kind']): number =>
    failing.filter((f) => f.kind === kind).length;
  return {
    passed: failing.length === 0,
    summary:
      `${failing.length} finding(s) at or above ${threshold} ` +
      `(${byKind('vulnerability')} vulnerabilities, ${byKind('secret')} secrets, ` +
      `${byKind('misconfiguration')} misconfigurations) of ${findings.length} total`,
    findings: failing.map((f) => `${f.severity} ${f.kind} ${f.id} in ${f.target}: ${f.title}`),
  };
}

/** The finding of an image whose config Trivy could not check (see {@link imageConfigFindings}). */
export const UNCHECKED_IMAGE_CONFIG: TrivyFinding = {
  kind: 'misconfiguration',
  severity: 'high',
  id: 'image-config-unchecked',
  target: 'image config',
  title:
    'no USER and no build history, so Trivy had no Dockerfile to check; ' +
    'a container without USER runs as root',
};

/**
 * The findings about an image's config that Trivy's report leaves out. Trivy checks an image
 * config by rebuilding a Dockerfile from the image's build history plus its USER; an image with
 * neither (one assembled with Dagger's API records no history) leaves it nothing to check: it logs
 * a parse error and reports no config result at all. That is not a pass: such a container runs as
 * root, which is what DS-0002 flags when there is something to check.
 */
export function imageConfigFindings(json: string): TrivyFinding[] {
  const raw = JSON.parse(json) as RawTrivy;
  const checked = (raw.Results ?? []).some((r) => r.Class === 'config');
  return checked ? [] : [UNCHECKED_IMAGE_CONFIG];
}

/** Counts of SARIF results per level, to check the SARIF file agrees with the JSON report. */
export function countSarifResults(json: string): { error: number; warning: number; note: number } {
  const raw = JSON.parse(json) as { version?: string; runs?: { results?: { level?: string }[] }[] };
  if (raw?.version !== '2.1.0' || !Array.isArray(raw.runs)) {
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
