import { dag } from '@dagger.io/dagger';
import { npmCache, outcome, runAllowingFailure, WORKDIR } from './base.js';
import type { Pipeline, StageResult } from './context.js';
import { type GateResult, parseThreshold } from './gates/gate.js';
import { gateNpmAudit, parseNpmAudit } from './gates/npm-audit.js';

/**
 * `npm audit --json` over the lockfile (no install needed) and the severity gate. A report npm
 * could not produce (registry error) fails the gate with npm's message.
 */
export async function auditStage(p: Pipeline, severity: string): Promise<StageResult> {
  const threshold = parseThreshold(severity);
  const manifests = dag.directory().withDirectory('.', p.source, {
    include: ['package.json', 'package-lock.json', '*/package.json'],
  });
  const container = dag
    .container()
    .from(p.images.node)
    .withMountedCache('/root/.npm', npmCache())
    .withWorkdir(WORKDIR)
    .withDirectory(WORKDIR, manifests);
  // npm audit's exit code only says "something was found": the gate reads the JSON instead.
  const run = runAllowingFailure(
    container,
    'mkdir -p /out && npm audit --json > /out/npm-audit.json',
  );
  const { output } = await outcome(run);
  const json = await run.file('/out/npm-audit.json').contents();
  let gate: GateResult;
  try {
    gate = gateNpmAudit(parseNpmAudit(json), threshold);
  } catch (error) {
    gate = {
      name: 'audit',
      passed: false,
      summary: (error as Error).message,
      findings: [output.trim()],
    };
  }
  return { gate, reports: run.directory('/out') };
}
