import type { Container } from '@dagger.io/dagger';
import { outcome, runAllowingFailure, type SystemPackages, WORKDIR, workspace } from './base.js';
import type { Pipeline, StageResult } from './context.js';
import { testRunGate } from './gates/junit.js';
import { withDataServices } from './services.js';

/**
 * Specs of the root .mocharc.cjs left out here: the browser suite runs in `e2e`, and the chart
 * suite needs helm/kubeconform/conftest, which `lint` and `policy` run in their own images.
 * (mocha merges positional specs with the config's, so exclusion is the reliable filter.)
 */
export const EXCLUDED_SPECS = ['web/e2e/**', 'helm/test/**'];

/**
 * Outage tests stop and restart a Redis of their own (the shared service must stay up), so the
 * test container needs the server binary too.
 */
const SYSTEM_PACKAGES: SystemPackages = { 'redis-server': '/usr/bin/redis-server' };

/** Where the test run writes JUnit XML and coverage inside the container. */
const REPORTS = '/reports';

/**
 * The test run: mocha (xunit reporter → JUnit XML) under c8 (HTML + lcov coverage) against
 * PostgreSQL and Redis services, allowed to fail so that the reports survive.
 */
export function testRun(p: Pipeline): Container {
  const ignores = EXCLUDED_SPECS.map((s) => `--ignore '${s}'`).join(' ');
  const script =
    `mkdir -p ${REPORTS} && npx c8 --reporter=lcov --reporter=html --reporter=text-summary ` +
    `--report-dir ${REPORTS}/coverage mocha --reporter xunit ` +
    `--reporter-option output=${REPORTS}/junit.xml ${ignores}`;
  return runAllowingFailure(
    withDataServices(p, workspace(p, SYSTEM_PACKAGES)).withWorkdir(WORKDIR),
    script,
  );
}

/** Runs the unit and integration tests; the gate is mocha's exit code. */
export async function testStage(p: Pipeline): Promise<StageResult> {
  const run = testRun(p);
  const { exitCode, output } = await outcome(run);
  const junit = await run
    .file(`${REPORTS}/junit.xml`)
    .contents()
    .catch(() => null);
  const gate = testRunGate('test', exitCode, junit, output);
  const reports = run
    .directory(REPORTS)
    .withNewFile('exit-code', `${exitCode}\n`)
    .withNewFile('output.txt', output);
  return { gate, reports };
}
