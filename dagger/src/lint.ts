import { dag } from '@dagger.io/dagger';
import { outcome, runAllowingFailure, WORKDIR, workspace } from './base.js';
import type { Pipeline, StageResult } from './context.js';
import { CHART, ENVIRONMENTS, environmentValues, helmLintArgs } from './chart/checks.js';
import { combineGates, exitCodeGate } from './gates/gate.js';

/**
 * One npm script on the workspace. ESLint, Prettier and `tsc` run as separate execs (in
 * parallel), so a failure names its linter and its report holds that linter's output alone.
 */
function npmCheck(p: Pipeline, script: string): ReturnType<typeof runAllowingFailure> {
  return runAllowingFailure(workspace(p, p.source), `npm run ${script}`);
}

/** `helm lint --strict` on the chart with its defaults and with each environment's values file. */
function helmChecks(p: Pipeline): ReturnType<typeof runAllowingFailure> {
  const lint = (valuesFiles: string[]): string =>
    `helm ${helmLintArgs({ chart: CHART, valuesFiles }).join(' ')} || status=1`;
  const script = [
    'status=0',
    lint([]),
    ...ENVIRONMENTS.map((e) => lint([`${CHART}/${environmentValues(e)}`])),
    'exit $status',
  ].join('\n');
  // Only helm/ is mounted, so a code change does not re-run the chart lint.
  const container = dag
    .container()
    .from(p.images.helm)
    .withEntrypoint([])
    .withDirectory(`${WORKDIR}/helm`, p.source.directory('helm'))
    .withWorkdir(WORKDIR);
  return runAllowingFailure(container, script);
}

/** actionlint (with its bundled shellcheck) over .github/workflows. */
function workflowChecks(p: Pipeline): ReturnType<typeof runAllowingFailure> {
  const container = dag
    .container()
    .from(p.images.actionlint)
    .withEntrypoint([])
    .withDirectory(`${WORKDIR}/.github`, p.source.directory('.github'))
    .withWorkdir(WORKDIR);
  // The files are named explicitly: without a .git directory actionlint finds no project.
  return runAllowingFailure(
    container,
    'actionlint -color=false $(ls .github/workflows/*.yml .github/workflows/*.yaml 2>/dev/null)',
  );
}

/**
 * Runs all linters in parallel; the gate fails when any of them fails and names which. Reports:
 * one text file of output per linter.
 */
export async function lintStage(p: Pipeline): Promise<StageResult> {
  const parts = {
    eslint: npmCheck(p, 'lint'),
    prettier: npmCheck(p, 'format:check'),
    typecheck: npmCheck(p, 'typecheck'),
    chart: helmChecks(p),
    workflows: workflowChecks(p),
  };
  const results = await Promise.all(
    Object.entries(parts).map(async ([name, c]) => ({ name, ...(await outcome(c)) })),
  );
  let reports = dag.directory();
  for (const r of results) reports = reports.withNewFile(`${r.name}.txt`, r.output);
  const gate = combineGates(
    'lint',
    results.map((r) => exitCodeGate(`lint:${r.name}`, r.exitCode, r.output)),
    'eslint, prettier, typecheck, chart and workflows clean',
  );
  return { gate, reports };
}
