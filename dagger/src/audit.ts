import { dag } from '@dagger.io/dagger';
import { npmCache, WORKDIR } from './base.js';
import { MANIFESTS } from './sources.js';
import type { Pipeline, StageResult } from './context.js';
import { parseThreshold } from './gates/gate.js';
import { gateNpmAudit, parseNpmAudit } from './gates/npm-audit.js';
import { runGate } from './gates/run.js';

/**
 * `npm audit --json` over the lockfile (no install needed) and the severity gate. A report npm
 * could not produce (registry error) fails the gate with npm's message.
 */
export async function auditStage(p: Pipeline, severity: string): Promise<StageResult> {
  const threshold = parseThreshold(severity);
  const manifests = p.source.filter({ include: MANIFESTS });
  const container = dag
    .container()
    .from(p.images.node)
    .withMountedCache('/root/.npm', npmCache())
    .withWorkdir(WORKDIR)
    .withDirectory(WORKDIR, manifests);
  // npm audit's exit code only says "something was found": the gate reads the JSON instead.
  return runGate(container, 'mkdir -p /out && npm audit --json > /out/npm-audit.json', {
    name: 'audit',
    judge: async (run) =>
      gateNpmAudit(parseNpmAudit(await run.file('/out/npm-audit.json').contents()), threshold),
    missing: '',
    reports: '/out',
  });
}
