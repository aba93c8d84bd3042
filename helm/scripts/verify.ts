/**
 * Offline verification of helm/: for every environment × strategy, helm lint --strict, helm
 * template, kubeconform (strict) and conftest; the Argo CD manifests through kubeconform; each
 * policy against its fixtures. Prints a summary with the rendered kinds; exits 1 on any failure.
 *
 *   npx tsx helm/scripts/verify.ts      (or helm/scripts/verify.sh, npm run verify:helm)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_DIR, ENVIRONMENTS, KUBE_VERSION, STRATEGIES, scenarioValues } from './lib/chart.js';
import { kindSummary, kubeconform, verifyScenario } from './lib/checks.js';
import { checkFixture, fixturePolicies } from './lib/fixtures.js';

let failed = false;
const report = (ok: boolean, label: string, detail = ''): void => {
  if (!ok) failed = true;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? `\n${detail}` : ''}\n`);
};

process.stdout.write(`aichat chart checks against Kubernetes ${KUBE_VERSION}\n\n`);
for (const env of ENVIRONMENTS) {
  for (const strategy of STRATEGIES) {
    const result = await verifyScenario({ valuesFiles: scenarioValues(env, strategy) });
    const failedStage = result.stages.find((s) => !s.ok);
    report(
      result.ok,
      `${env.padEnd(10)} ${strategy.padEnd(9)} ${result.stages.map((s) => s.stage).join(' → ')}` +
        (result.ok ? ` | ${kindSummary(result.manifests).join(', ')}` : ''),
      failedStage ? `  ${failedStage.stage}:\n${failedStage.output}` : '',
    );
  }
}

const argocd = readdirSync(ARGOCD_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(ARGOCD_DIR, f), 'utf8'))
  .join('\n---\n');
const argoResult = await kubeconform(argocd);
report(
  argoResult.code === 0,
  `argocd     kubeconform | ${argoResult.stdout.trim()}`,
  argoResult.stderr,
);

for (const policy of fixturePolicies()) {
  const r = await checkFixture(policy);
  const ok =
    r.passFailures.length === 0 &&
    r.unreportedFailDocuments.length === 0 &&
    r.failMessages.length > 0;
  report(
    ok,
    `policy     ${policy} fixtures (${r.failMessages.length} violations found in fail.yaml)`,
    [...r.passFailures, ...r.unreportedFailDocuments.map((d) => `not reported: ${d}`)].join('\n'),
  );
}

process.exit(failed ? 1 : 0);
