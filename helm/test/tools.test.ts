import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KUBE_VERSION, VERSIONS_JSON, readVersions } from '../scripts/lib/chart.js';
import { findTool, runTool } from '../scripts/lib/tools.js';

describe('helm tools: pinned and present', () => {
  it('a missing tool is an error naming the install script, never a skip', () => {
    assert.throws(
      () => findTool('helm', ['/nonexistent/bin']),
      /helm is not installed .*run scripts\/install-k8s-tools\.sh/,
    );
  });

  it('helm, kubeconform and conftest are the versions pinned in dagger/versions.json', async () => {
    const { tools } = JSON.parse(readFileSync(VERSIONS_JSON, 'utf8')) as {
      tools: Record<string, { version: string }>;
    };
    const pins: Record<string, string | undefined> = {
      helm: tools.helm?.version,
      kubeconform: tools.kubeconform?.version,
      conftest: tools.conftest?.version,
    };
    const reported = {
      helm: (await runTool('helm', ['version', '--short'])).stdout,
      kubeconform: (await runTool('kubeconform', ['-v'])).stdout,
      conftest: (await runTool('conftest', ['--version'])).stdout,
    };
    for (const [tool, output] of Object.entries(reported)) {
      assert.ok(
        output.includes(pins[tool] ?? '?'),
        `${tool}: ${output.trim()} vs pin ${pins[tool]}`,
      );
    }
  });

  it('the schema versions are pinned once: Kubernetes in versions.json, CRDs in versions.env', () => {
    const versions = readVersions();
    assert.match(KUBE_VERSION, /^1\.\d+\.\d+$/);
    assert.equal(versions.K8S_VERSION, undefined, 'K8S_VERSION belongs to dagger/versions.json');
    for (const key of [
      'ARGO_ROLLOUTS_VERSION',
      'ARGO_CD_VERSION',
      'PROMETHEUS_OPERATOR_VERSION',
      'KYVERNO_VERSION',
    ]) {
      assert.match(versions[key] ?? '', /^v\d+\.\d+\.\d+$/, key);
    }
  });
});
