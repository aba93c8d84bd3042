import { outcome, runAllowingFailure, type SystemPackages, WORKDIR, workspace } from './base.js';
import type { Pipeline, StageResult } from './context.js';
import { testRunGate } from './gates/junit.js';
import { withDataServices } from './services.js';
import { stageSource } from './sources.js';

/**
 * The Debian packages the browser suite runs: Chromium (playwright-core downloads no browser)
 * and nginx (the suite checks web/nginx.conf on a real nginx), each with the path it is used at.
 */
const SYSTEM_PACKAGES: SystemPackages = {
  chromium: '/usr/bin/chromium',
  nginx: '/usr/sbin/nginx',
};

/**
 * Runs the browser suite (web/e2e, mocha + playwright-core + Debian Chromium) on the built
 * workspaces with PostgreSQL and Redis bound. Chromium and nginx are installed from Debian only
 * when the node image lacks them, so a mirror image that carries them needs no network.
 * Reports: JUnit XML, the console output and every screenshot the suite saved under reports/.
 */
export async function e2eStage(p: Pipeline): Promise<StageResult> {
  const script = [
    'mkdir -p /out',
    'npm run build || exit $?',
    'status=0',
    // --no-config: mocha would merge the root config's spec globs (every suite) into ours.
    'npx mocha --no-config --node-option import=tsx --require test/support/global.ts --extension ts ' +
      '--timeout 60000 --exit --reporter xunit --reporter-option output=/out/junit.xml ' +
      "'web/e2e/**/*.e2e.ts' || status=$?",
    'for d in reports web/reports; do if [ -d "$d" ]; then cp -r "$d" "/out/$(echo "$d" | tr / -)"; fi; done',
    'exit $status',
  ].join('\n');
  const run = runAllowingFailure(
    withDataServices(p, workspace(p, stageSource(p.source, 'e2e'), SYSTEM_PACKAGES)).withWorkdir(
      WORKDIR,
    ),
    script,
  );
  const { exitCode, output } = await outcome(run);
  const junit = await run
    .file('/out/junit.xml')
    .contents()
    .catch(() => null);
  return {
    gate: testRunGate('e2e', exitCode, junit, output),
    reports: run.directory('/out').withNewFile('output.txt', output),
  };
}
