import type { Container } from '@dagger.io/dagger';
import { outcome, runAllowingFailure } from '../base.js';
import type { StageResult } from '../context.js';
import { noReportGate, type GateResult } from './gate.js';

/** How a gate stage reads its tool's run. */
export interface GateRun {
  /** The gate's name, for the failed gate when no report could be read. */
  name: string;
  /**
   * Reads the report(s) from the finished run and judges them; throws when a report is missing
   * or is not one (the stage then fails with {@link noReportGate}).
   */
  judge: (run: Container, result: { exitCode: number; output: string }) => Promise<GateResult>;
  /** What went wrong when `judge` threw, e.g. `no ZAP report`; may name the exit code. */
  missing: string | ((exitCode: number) => string);
  /** Directory of the run returned as the stage's reports. */
  reports: string;
  /** File name in `reports` for the tool's output, when the stage keeps it. */
  log?: string;
}

/**
 * Runs `script` in `container` allowing failure (the tool's exit code is not the verdict, its
 * report is), judges the report, and falls back to the output's tail when there is none.
 */
export async function runGate(
  container: Container,
  script: string,
  spec: GateRun,
): Promise<StageResult> {
  const run = runAllowingFailure(container, script);
  const result = await outcome(run);
  let gate: GateResult;
  try {
    gate = await spec.judge(run, result);
  } catch (error) {
    const what = typeof spec.missing === 'string' ? spec.missing : spec.missing(result.exitCode);
    gate = noReportGate(spec.name, what, error, result.output);
  }
  const reports = run.directory(spec.reports);
  return { gate, reports: spec.log ? reports.withNewFile(spec.log, result.output) : reports };
}
