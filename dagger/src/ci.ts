import { dag, type Directory } from '@dagger.io/dagger';
import type { Pipeline, StageResult } from './context.js';
import { auditStage } from './audit.js';
import { manifestsDirectory, policyStage } from './chart.js';
import { e2eStage } from './e2e.js';
import { fuzzStage } from './fuzz.js';
import { failedGates, gatesMarkdown, type GateResult } from './gates/gate.js';
import { backendImage, frontendImage } from './image.js';
import { lintStage } from './lint.js';
import { loadStage } from './load.js';
import { scanImageStage, scanSourceStage } from './scan.js';
import { testStage } from './test.js';
import { zapStage } from './zap.js';

/** Options of a full pipeline run. */
export interface CiOptions {
  /** Skip what needs the internet (npm audit, Trivy's vulnerability DB, ZAP add-ons). */
  offline: boolean;
  severity: string;
  loadVus: number;
  loadDuration: string;
  kubernetesVersion: string;
  schemaLocation: string;
  schemas?: Directory;
}

/**
 * Runs every applicable stage in parallel (the engine schedules and caches them), never stopping
 * at the first failure, and returns the reports of all of them plus the gates' verdicts.
 */
export async function ciStage(
  p: Pipeline,
  o: CiOptions,
): Promise<{ gates: GateResult[]; reports: Directory }> {
  const scanners = o.offline ? 'secret,misconfig' : 'vuln,secret,misconfig';
  const stages: [string, () => Promise<StageResult>][] = [
    ['lint', () => lintStage(p)],
    ['test', () => testStage(p)],
    ['e2e', () => e2eStage(p)],
    ['scan-source', () => scanSourceStage(p, o.severity, scanners, o.offline)],
    [
      'scan-image-backend',
      () =>
        scanImageStage(
          p,
          'scan-image-backend',
          backendImage(p, 'ci'),
          o.severity,
          scanners,
          o.offline,
        ),
    ],
    [
      'scan-image-frontend',
      () =>
        scanImageStage(
          p,
          'scan-image-frontend',
          frontendImage(p, 'ci'),
          o.severity,
          scanners,
          o.offline,
        ),
    ],
    ['fuzz-api', () => fuzzStage(p, 20)],
    ['policy', () => policyStage(p, o.kubernetesVersion, o.schemaLocation, o.schemas)],
    ['load-test', () => loadStage(p, o.loadVus, o.loadDuration)],
  ];
  if (!o.offline) {
    stages.push(['audit', () => auditStage(p, o.severity)], ['zap', () => zapStage(p)]);
  }
  // allSettled: a stage whose pipeline itself broke (e.g. the build) is reported as that
  // stage's failure with the engine's error, and the other stages still report.
  const settled = await Promise.allSettled(stages.map(([, run]) => run()));
  const results: StageResult[] = settled.map((s, i) =>
    s.status === 'fulfilled' ? s.value : brokenStage(stages[i]?.[0] ?? 'unknown', s.reason),
  );
  const gates = results.map((r) => r.gate);
  let reports = dag
    .directory()
    .withDirectory('manifests', manifestsDirectory(p, 'all', ''))
    .withNewFile('summary.md', `# aichat pipeline\n\n${gatesMarkdown(gates)}`)
    .withNewFile('gates.json', `${JSON.stringify(gates, null, 2)}\n`);
  for (const r of results) reports = reports.withDirectory(r.gate.name, r.reports);
  return { gates, reports };
}

/** The result of a stage whose pipeline raised instead of producing a report. */
function brokenStage(name: string, reason: unknown): StageResult {
  const message = reason instanceof Error ? reason.message : String(reason);
  return {
    gate: {
      name,
      passed: false,
      summary: message.split('\n')[0] ?? 'error',
      findings: message.split('\n'),
    },
    reports: dag.directory().withNewFile('error.txt', message),
  };
}

/** The error `ci` raises when gates failed: which ones, and why. */
export function ciFailure(gates: GateResult[]): string | null {
  const failed = failedGates(gates);
  if (failed.length === 0) return null;
  const lines = gates.filter((g) => !g.passed).map((g) => `  ${g.name}: ${g.summary}`);
  return `ci failed: ${failed.length} gate(s) failed: ${failed.join(', ')}\n${lines.join('\n')}`;
}
