import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELM_DIR, readVersions } from '../scripts/lib/chart.js';
import { findTool, runTool } from '../scripts/lib/tools.js';

describe('helm tools: pinned and present', () => {
  it('a missing tool is an error naming the install script, never a skip', () => {
    assert.throws(
      () => findTool('helm', ['/nonexistent/bin']),
      /helm is not installed .*run scripts\/install-k8s-tools\.sh/,
    );
  });

  it('helm, kubeconform and conftest are the versions pinned in the install script', async () => {
    const script = readFileSync(join(HELM_DIR, '..', 'scripts', 'install-k8s-tools.sh'), 'utf8');
    const pins = Object.fromEntries(
      [...script.matchAll(/^\s+"\S+ \S+\/(\w+) (v[\d.]+)"$/gm)].map((m) => [m[1], m[2]]),
    );
    assert.deepEqual(Object.keys(pins).sort(), ['conftest', 'helm', 'kubeconform']);
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

  it('the schema versions are pinned in one file', () => {
    const versions = readVersions();
    assert.match(versions.K8S_VERSION ?? '', /^1\.\d+\.\d+$/);
    for (const key of ['ARGO_ROLLOUTS_VERSION', 'ARGO_CD_VERSION', 'PROMETHEUS_OPERATOR_VERSION']) {
      assert.match(versions[key] ?? '', /^v\d+\.\d+\.\d+$/, key);
    }
  });
});
