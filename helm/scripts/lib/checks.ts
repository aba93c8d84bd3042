/**
 * The offline checks on rendered manifests — kubeconform (strict, generated schemas) and conftest
 * (helm/policy) — and the whole pipeline for one values scenario: lint, template, both checks.
 * Their arguments come from dagger/src/chart/checks.ts, as the module's `policy` stage's do.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHART_POLICY_SCOPE,
  conftestArgs,
  kubeconformArgs,
  schemaDirName,
  schemaLocations,
  type PolicyScope,
} from '../../../dagger/src/chart/checks.js';
import { HELM_DIR, POLICY_DIR, helmLint, helmTemplate, parseManifests } from './chart.js';
import type { Manifest, RenderOptions } from './chart.js';
import { runTool, type RunResult } from './tools.js';

/** Root of the generated schemas (helm/scripts/generate-schemas.sh writes them). */
export const SCHEMA_ROOT =
  process.env.KUBECONFORM_SCHEMA_DIR ?? join(HELM_DIR, '..', '.ci', 'cache', 'kubeconform');

/** Directory of the strict schemas for KUBE_VERSION; throws (never skips) when not generated. */
export function schemaDir(): string {
  const dir = join(SCHEMA_ROOT, schemaDirName());
  if (!existsSync(join(dir, 'deployment-apps-v1.json'))) {
    throw new Error(`kubeconform schemas missing in ${dir}: run scripts/install-k8s-tools.sh`);
  }
  return dir;
}

/**
 * kubeconform in strict mode against the generated schemas only: unknown fields, duplicate keys
 * and kinds without a schema all fail (no -ignore-missing-schemas).
 */
export function kubeconform(yaml: string): Promise<RunResult> {
  const locations = schemaLocations({ schemaDir: schemaDir() });
  return runTool('kubeconform', kubeconformArgs({ locations, files: ['-'] }), { input: yaml });
}

/** One conftest failure: the policy namespace and its message. */
export interface PolicyFailure {
  namespace: string;
  msg: string;
}

/**
 * conftest on a YAML stream. By default the `main` namespace (policy/main.rego gathers every
 * aichat.* policy, exactly what a plain `conftest test -p helm/policy` applies); `scope` narrows
 * it to one policy (`aichat.<policy>`) or widens it to `all` namespaces, as the chart check does.
 */
export async function conftest(
  yaml: string,
  scope: PolicyScope = 'main',
): Promise<RunResult & { failures: PolicyFailure[] }> {
  const args = conftestArgs({ policyDir: POLICY_DIR, files: ['-'], scope, json: true });
  const result = await runTool('conftest', args, { input: yaml });
  let parsed: { namespace: string; failures?: { msg: string }[] }[];
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(
      `conftest gave no JSON (exit ${result.code}):\n${result.stderr}${result.stdout}`,
    );
  }
  const failures = parsed.flatMap((entry) =>
    (entry.failures ?? []).map((f) => ({ namespace: entry.namespace, msg: f.msg })),
  );
  return { ...result, failures };
}

/** Result of one check stage. */
export interface StageResult {
  stage: 'lint' | 'template' | 'kubeconform' | 'conftest';
  ok: boolean;
  output: string;
}

/** Result of the whole pipeline for one scenario. */
export interface ScenarioResult {
  ok: boolean;
  stages: StageResult[];
  manifests: Manifest[];
}

/**
 * Runs lint --strict, template, kubeconform and conftest for one set of values. Stops at the first
 * failing stage (later stages need the rendered output).
 */
export async function verifyScenario(options: RenderOptions): Promise<ScenarioResult> {
  const stages: StageResult[] = [];
  const done = (manifests: Manifest[] = []): ScenarioResult => ({
    ok: stages.every((s) => s.ok),
    stages,
    manifests,
  });
  const lint = await helmLint(options);
  stages.push({ stage: 'lint', ok: lint.code === 0, output: lint.stdout + lint.stderr });
  if (lint.code !== 0) return done();
  const template = await helmTemplate(options);
  stages.push({ stage: 'template', ok: template.code === 0, output: template.stderr });
  if (template.code !== 0) return done();
  const manifests = parseManifests(template.stdout);
  const schema = await kubeconform(template.stdout);
  stages.push({
    stage: 'kubeconform',
    ok: schema.code === 0,
    output: schema.stdout + schema.stderr,
  });
  const policy = await conftest(template.stdout, CHART_POLICY_SCOPE);
  // Every namespace includes `main`, which repeats each aichat.* message: each is shown once.
  const messages = [...new Set(policy.failures.map((f) => f.msg))];
  stages.push({
    stage: 'conftest',
    ok: policy.code === 0 && policy.failures.length === 0,
    output: messages.join('\n') || policy.stderr,
  });
  return done(manifests);
}

/** "Kind ×n" summary of rendered kinds, sorted by kind. */
export function kindSummary(manifests: Manifest[]): string[] {
  const counts = new Map<string, number>();
  for (const m of manifests) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => (n > 1 ? `${kind}×${n}` : kind));
}
