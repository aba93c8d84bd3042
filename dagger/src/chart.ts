import { dag, type Directory } from '@dagger.io/dagger';
import { execEntrypointAllowingFailure, outcome, WORKDIR } from './base.js';
import type { Pipeline, StageResult } from './context.js';
import { exitCodeGate, type GateResult } from './gates/gate.js';
import { CHART, KUBERNETES_VERSION } from './lint.js';

/** The environments that have a values file (helm/aichat/values-<env>.yaml). */
export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;

/** The chart's image components and the image names `publish` pushes for them. */
export const CHART_IMAGES = { backend: 'aichat-backend', frontend: 'aichat-frontend' } as const;

/**
 * `--set-string` arguments pointing the chart at published images: `tag` for both, and when
 * `registry` is given (e.g. ghcr.io/owner, as for `publish`) its host and repository path.
 */
export function imageValues(registry: string, tag: string): string[] {
  const sets: string[] = [];
  for (const [component, image] of Object.entries(CHART_IMAGES)) {
    if (tag !== '') sets.push(`${component}.image.tag=${tag}`);
    if (registry !== '') {
      const [host, ...path] = registry.replace(/\/+$/, '').split('/');
      sets.push(`${component}.image.registry=${host}`);
      sets.push(`${component}.image.repository=${[...path, image].join('/')}`);
    }
  }
  return sets.flatMap((s) => ['--set-string', s]);
}

/** Expands `all` to every environment and rejects unknown names. */
export function selectEnvironments(env: string): string[] {
  if (env === 'all') return [...ENVIRONMENTS];
  const wanted = env.split(',').map((e) => e.trim());
  for (const e of wanted) {
    if (!(ENVIRONMENTS as readonly string[]).includes(e)) {
      throw new Error(`unknown environment "${e}" (use ${ENVIRONMENTS.join(', ')} or all)`);
    }
  }
  return wanted;
}

/**
 * `helm template` of the chart for each environment: one <env>.yaml per environment, with the
 * images set by {@link imageValues}.
 */
export function manifestsDirectory(
  p: Pipeline,
  env: string,
  tag: string,
  registry = '',
  kubernetesVersion = KUBERNETES_VERSION,
): Directory {
  const values = imageValues(registry, tag);
  const sets = values.length === 0 ? '' : ` ${values.join(' ')}`;
  const commands = selectEnvironments(env).map(
    (e) =>
      `helm template aichat ${CHART} --namespace aichat-${e} --kube-version ${kubernetesVersion} ` +
      `-f ${CHART}/values-${e}.yaml${sets} > /out/${e}.yaml`,
  );
  return dag
    .container()
    .from(p.images.helm)
    .withEntrypoint([])
    .withDirectory(`${WORKDIR}/helm`, p.source.directory('helm'))
    .withWorkdir(WORKDIR)
    .withExec(['sh', '-c', ['set -e', 'mkdir -p /out', ...commands].join('\n')])
    .directory('/out');
}

/** Where `schemas` are mounted for kubeconform, and the file name pattern inside. */
const SCHEMAS_DIR = '/schemas';
const SCHEMA_FILE = '{{ .ResourceKind }}{{ .KindSuffix }}.json';

/**
 * Where kubeconform finds the CRD schemas (Argo Rollouts, Argo CD, Prometheus operator) when no
 * `schemas` directory is given: the community CRDs catalog, laid out by group and version.
 */
export const CRD_SCHEMA_LOCATION =
  'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json';

/**
 * kubeconform's schema locations: `schemas` (a directory of JSON schemas, CRDs included, e.g.
 * those scripts/install-k8s-tools.sh generates) or `schemaLocation` (a URL template, e.g. a
 * mirror) replace the default locations (Kubernetes' own schemas plus {@link CRD_SCHEMA_LOCATION}),
 * so a machine without internet never reaches for them.
 */
export function schemaLocations(schemaLocation: string, hasSchemas: boolean): string[] {
  const locations: string[] = [];
  if (hasSchemas) locations.push(`${SCHEMAS_DIR}/${SCHEMA_FILE}`);
  if (schemaLocation !== '') locations.push(schemaLocation);
  return locations.length > 0 ? locations : ['default', CRD_SCHEMA_LOCATION];
}

/**
 * kubeconform and conftest with helm/policy on the manifests of every environment, as strict as
 * the host's chart checks (helm/scripts/lib/checks.ts): unknown fields, and kinds without a
 * schema, CRDs included, fail.
 */
export async function policyStage(
  p: Pipeline,
  kubernetesVersion: string,
  schemaLocation: string,
  schemas?: Directory,
): Promise<StageResult> {
  const manifests = manifestsDirectory(p, 'all', '', '', kubernetesVersion);
  const files = ENVIRONMENTS.map((e) => `/manifests/${e}.yaml`);
  const locations = schemaLocations(schemaLocation, schemas !== undefined);
  const base = dag.container().from(p.images.kubeconform);
  // Both tool images are shell-less: their entrypoints get explicit file lists.
  const kubeconform = execEntrypointAllowingFailure(
    (schemas ? base.withDirectory(SCHEMAS_DIR, schemas) : base).withDirectory(
      '/manifests',
      manifests,
    ),
    [
      '-strict',
      '-summary',
      '-kubernetes-version',
      kubernetesVersion,
      ...locations.flatMap((l) => ['-schema-location', l]),
      ...files,
    ],
  );
  const conftest = execEntrypointAllowingFailure(
    dag
      .container()
      .from(p.images.conftest)
      .withDirectory('/manifests', manifests)
      .withDirectory('/policy', p.source.directory('helm/policy')),
    // helm/policy keeps each rule in its own package: test them all, not just `main`.
    ['test', '--no-color', '--all-namespaces', '--policy', '/policy', ...files],
  );
  const [kc, ct] = await Promise.all([outcome(kubeconform), outcome(conftest)]);
  const parts = [
    exitCodeGate('kubeconform', kc.exitCode, kc.output),
    exitCodeGate('conftest', ct.exitCode, ct.output),
  ];
  const failed = parts.filter((g) => !g.passed);
  const gate: GateResult = {
    name: 'policy',
    passed: failed.length === 0,
    summary:
      failed.length === 0
        ? 'kubeconform and conftest passed on all environments'
        : `failed: ${failed.map((g) => g.name).join(', ')}`,
    findings: failed.flatMap((g) => [`${g.name} (${g.summary})`, ...g.findings]),
  };
  const reports = dag
    .directory()
    .withDirectory('manifests', manifests)
    .withNewFile('kubeconform.txt', kc.output)
    .withNewFile('conftest.txt', ct.output);
  return { gate, reports };
}
