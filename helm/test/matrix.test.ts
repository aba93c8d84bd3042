import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_DIR, ENVIRONMENTS, STRATEGIES, scenarioValues } from '../scripts/lib/chart.js';
import { kubeconform, verifyScenario, type ScenarioResult } from '../scripts/lib/checks.js';

/** Fails with the output of the first failing stage, so the reason is in the test report. */
function assertPassed(result: ScenarioResult): void {
  const failed = result.stages.find((s) => !s.ok);
  assert.equal(failed, undefined, failed && `${failed.stage} failed:\n${failed.output}`);
  assert.deepEqual(
    result.stages.map((s) => s.stage),
    ['lint', 'template', 'kubeconform', 'conftest'],
  );
}

describe('helm matrix: lint --strict, template, kubeconform -strict, conftest', function () {
  this.timeout(120_000);

  for (const env of ENVIRONMENTS) {
    for (const strategy of STRATEGIES) {
      it(`${env} × ${strategy} passes every check`, async () => {
        const result = await verifyScenario({ valuesFiles: scenarioValues(env, strategy) });
        assertPassed(result);
        assert.ok(result.manifests.length > 10, 'rendered the whole chart');
      });
    }
  }

  it('Argo CD Applications, AppProject and the Kyverno policy validate against their CRDs', async () => {
    const files = readdirSync(ARGOCD_DIR).filter((f) => f.endsWith('.yaml'));
    assert.equal(files.length, 4);
    const yaml = files.map((f) => readFileSync(join(ARGOCD_DIR, f), 'utf8')).join('\n---\n');
    const result = await kubeconform(yaml);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Valid: 4, Invalid: 0, Errors: 0, Skipped: 0/);
  });
});
