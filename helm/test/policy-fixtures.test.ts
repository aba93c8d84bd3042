import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_DIR } from '../scripts/lib/chart.js';
import { conftest } from '../scripts/lib/checks.js';
import { checkFixture, fixturePolicies } from '../scripts/lib/fixtures.js';

describe('helm policies: each Rego policy against its passing and failing fixture', function () {
  this.timeout(60_000);

  it('every policy file has a fixture directory and every fixture a policy', () => {
    const policies = readdirSync(POLICY_DIR)
      .filter((f) => f.endsWith('.rego') && f !== 'main.rego')
      .map((f) => f.replace(/\.rego$/, ''))
      .sort();
    assert.deepEqual(fixturePolicies(), policies);
    for (const required of [
      'run_as_non_root',
      'read_only_root_filesystem',
      'no_latest_tag',
      'resources',
      'no_privileged',
      'no_host_path',
      'production_tls',
      'production_digest',
      'probes',
    ]) {
      assert.ok(policies.includes(required), `policy ${required}`);
    }
  });

  for (const policy of fixturePolicies()) {
    it(`${policy}: pass.yaml passes, every document of fail.yaml is reported`, async () => {
      const result = await checkFixture(policy);
      assert.deepEqual(result.passFailures, [], 'pass fixture reported');
      assert.ok(result.failMessages.length > 0, 'fail fixture reported nothing');
      assert.deepEqual(result.unreportedFailDocuments, [], 'fail documents not reported');
      const tag = `[${policy.replaceAll('_', '-')}]`;
      for (const msg of result.failMessages) assert.ok(msg.startsWith(tag), msg);
      // A plain `conftest test -p helm/policy` (namespace main) reports the same violations.
      const yaml = readFileSync(join(POLICY_DIR, 'fixtures', policy, 'fail.yaml'), 'utf8');
      const viaMain = (await conftest(yaml)).failures.map((f) => f.msg);
      for (const msg of result.failMessages) assert.ok(viaMain.includes(msg), `main misses ${msg}`);
    });
  }
});
