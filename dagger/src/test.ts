import { dag, type Container, type Directory } from '@dagger.io/dagger';
import { outcome, runAllowingFailure, type SystemPackages, WORKDIR, workspace } from './base.js';
import type { Pipeline, StageResult } from './context.js';
import { combineGates, type GateResult } from './gates/gate.js';
import { testRunGate } from './gates/junit.js';
import { withDataServices } from './services.js';
import { stageSource } from './sources.js';

/**
 * Outage tests stop and restart a Redis of their own (the shared service must stay up), so the
 * app suite's container needs the server binary too.
 */
const SYSTEM_PACKAGES: SystemPackages = { 'redis-server': '/usr/bin/redis-server' };

/** Where a test run writes JUnit XML (and the app suite its coverage) inside the container. */
const REPORTS = '/reports';

/**
 * The two suites, each on the files it reads (sources.ts), so a change re-runs only the suite
 * that reads it: the app's (mocha under c8 against PostgreSQL and Redis services) and the
 * pipeline's own (modules, chart helpers, workflows, pins; no services). The browser suite runs in
 * `e2e`; the chart suite (helm/test) needs helm, kubeconform and conftest, which `lint` and
 * `policy` run in their own images.
 */
const SUITES = {
  app: ['test/servers.test.ts', 'app/test/**/*.test.ts', 'web/test/**/*.test.ts'],
  pipeline: ['test/renovate.test.ts', 'dagger/test/**/*.test.ts', 'dagger/*/test/**/*.test.ts'],
};

/**
 * `mocha` (xunit → JUnit XML) on `specs`, without the root config's every-suite spec list;
 * `servers` adds the global fixture that provides PostgreSQL and Redis (the app's suite).
 */
function mochaScript(specs: string[], servers: boolean): string {
  const fixture = servers ? '--require test/support/global.ts ' : '';
  return (
    `mocha --no-config --node-option import=tsx ${fixture}--extension ts --timeout 60000 --exit ` +
    `--reporter xunit --reporter-option output=${REPORTS}/junit.xml ` +
    specs.map((s) => `'${s}'`).join(' ')
  );
}

/** The app suite under c8 (HTML + lcov coverage), allowed to fail so that the reports survive. */
export function appTestRun(p: Pipeline): Container {
  const script =
    `mkdir -p ${REPORTS} && npx c8 --reporter=lcov --reporter=html --reporter=text-summary ` +
    `--report-dir ${REPORTS}/coverage ${mochaScript(SUITES.app, true)}`;
  const container = workspace(p, stageSource(p.source, 'appTests'), SYSTEM_PACKAGES);
  return runAllowingFailure(withDataServices(p, container).withWorkdir(WORKDIR), script);
}

/** The pipeline's suite, allowed to fail so that the reports survive. */
function pipelineTestRun(p: Pipeline): Container {
  const container = workspace(p, stageSource(p.source, 'pipelineTests')).withWorkdir(WORKDIR);
  return runAllowingFailure(
    container,
    `mkdir -p ${REPORTS} && npx ${mochaScript(SUITES.pipeline, false)}`,
  );
}

/** One suite's gate (mocha's exit code, the JUnit report naming failures) and reports. */
async function suiteResult(
  name: string,
  run: Container,
): Promise<{ gate: GateResult; reports: Directory }> {
  const { exitCode, output } = await outcome(run);
  const junit = await run
    .file(`${REPORTS}/junit.xml`)
    .contents()
    .catch(() => null);
  const reports = run
    .directory(REPORTS)
    .withNewFile('exit-code', `${exitCode}\n`)
    .withNewFile('output.txt', output);
  return { gate: testRunGate(`test:${name}`, exitCode, junit, output), reports };
}

/**
 * Runs both suites in parallel. Reports: the app suite's junit.xml, coverage/, output.txt and
 * exit-code at the top, the pipeline suite's under pipeline/.
 */
export async function testStage(p: Pipeline): Promise<StageResult> {
  const [app, pipeline] = await Promise.all([
    suiteResult('app', appTestRun(p)),
    suiteResult('pipeline', pipelineTestRun(p)),
  ]);
  const gate = combineGates(
    'test',
    [app.gate, pipeline.gate],
    `app: ${app.gate.summary}; pipeline: ${pipeline.gate.summary}`,
  );
  return {
    gate,
    reports: dag
      .directory()
      .withDirectory('.', app.reports)
      .withDirectory('pipeline', pipeline.reports),
  };
}
