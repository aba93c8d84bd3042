/**
 * Policy fixtures: helm/policy/fixtures/<policy>/pass.yaml must pass policy `aichat.<policy>`,
 * and every document of fail.yaml must be reported by it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_DIR, parseManifests } from './chart.js';
import { conftest } from './checks.js';

/** Policy names that have a fixture directory (one per .rego policy file). */
export function fixturePolicies(): string[] {
  return readdirSync(join(POLICY_DIR, 'fixtures'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** What a fixture check found: failures of a pass fixture, fail documents nobody reported. */
export interface FixtureResult {
  policy: string;
  passFailures: string[];
  unreportedFailDocuments: string[];
  failMessages: string[];
}

/** Runs one policy against its pass and fail fixtures. */
export async function checkFixture(policy: string): Promise<FixtureResult> {
  const dir = join(POLICY_DIR, 'fixtures', policy);
  const namespace = `aichat.${policy}`;
  const passing = await conftest(readFileSync(join(dir, 'pass.yaml'), 'utf8'), namespace);
  const failYaml = readFileSync(join(dir, 'fail.yaml'), 'utf8');
  const failing = await conftest(failYaml, namespace);
  const failMessages = failing.failures.map((f) => f.msg);
  // Each fail document must be named in some message ("Kind/name"), so none passes by accident.
  const unreportedFailDocuments = parseManifests(failYaml)
    .map((m) => `${m.kind}/${m.metadata.name}`)
    .filter((id) => !failMessages.some((msg) => msg.includes(`${id} `) || msg.includes(`${id}:`)));
  return {
    policy,
    passFailures: passing.failures.map((f) => f.msg),
    unreportedFailDocuments,
    failMessages,
  };
}
