import { outcome, runAllowingFailure, WORKDIR, workspace } from './base.js';
import type { Pipeline, StageResult } from './context.js';
import { exitCodeGate } from './gates/gate.js';
import { withDataServices } from './services.js';

/** Debian's Chromium, where the E2E suite expects it (playwright-core downloads no browser). */
const CHROMIUM = '/usr/bin/chromium';

/**
 * Runs the browser suite (web/e2e, mocha + playwright-core + Debian Chromium) on the built
 * workspaces with PostgreSQL and Redis bound. Chromium is installed from Debian only when the
 * node image does not already carry it, so a mirror image with Chromium needs no network.
 * Reports: JUnit XML, the console output and every screenshot the suite saved under reports/.
 */
export async function e2eStage(p: Pipeline): Promise<StageResult> {
  const script = [
    `if [ ! -x ${CHROMIUM} ]; then`,
    '  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null',
    'fi',
    'npm run build',
    'mkdir -p /out',
    'status=0',
    "npx mocha --reporter xunit --reporter-option output=/out/junit.xml 'web/e2e/**/*.e2e.ts' || status=$?",
    'for d in reports web/reports; do if [ -d "$d" ]; then cp -r "$d" "/out/$(echo "$d" | tr / -)"; fi; done',
    'exit $status',
  ].join('\n');
  const run = runAllowingFailure(withDataServices(p, workspace(p)).withWorkdir(WORKDIR), script);
  const { exitCode, output } = await outcome(run);
  return {
    gate: exitCodeGate('e2e', exitCode, output),
    reports: run.directory('/out').withNewFile('output.txt', output),
  };
}
