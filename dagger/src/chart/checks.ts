/**
 * The chart checks, defined once: which values each render uses, and the exact arguments of helm,
 * kubeconform and conftest, at one strictness. Pure data and argument builders, shared by the
 * module's stages (dagger/src/chart.ts, the tools in containers) and by the host checks of
 * `npm test` (helm/scripts/lib/, the tools on PATH), so the two cannot drift apart (issue 12).
 * No Dagger import: host code loads this file as it is.
 */
import { VERSIONS } from '../images.js';

/** Path of the chart inside the repository. */
export const CHART = 'helm/aichat';
/** Path of the Rego policies conftest applies. */
export const POLICY = 'helm/policy';
/** Release name of every render. */
export const RELEASE_NAME = 'aichat';

/**
 * The Kubernetes version the chart is rendered and validated for (dagger/versions.json): passed
 * to helm explicitly, since a helm built without release ldflags assumes v1.20.
 */
export const KUBERNETES_VERSION = VERSIONS.kubernetes;
if (!/^1\.\d+\.\d+$/.test(KUBERNETES_VERSION)) {
  throw new Error(`dagger/versions.json "kubernetes" is not a version: "${KUBERNETES_VERSION}"`);
}

/** The environments that have a values file (helm/aichat/values-<env>.yaml). */
export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;
/** The rollout strategies that have a ci/ scenario file. */
export const STRATEGIES = ['rolling', 'blueGreen', 'canary'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export type Strategy = (typeof STRATEGIES)[number];

/** ci/ scenario file of each strategy. */
const STRATEGY_FILES: Record<Strategy, string> = {
  rolling: 'ci/rolling-values.yaml',
  blueGreen: 'ci/blue-green-values.yaml',
  canary: 'ci/canary-values.yaml',
};

/** Values file (relative to the chart) of an environment. */
export function environmentValues(env: string): string {
  return `values-${env}.yaml`;
}

/** Namespace an environment is deployed to (helm/argocd's destinations). */
export function environmentNamespace(env: string): string {
  return `aichat-${env}`;
}

/** Values files (relative to the chart) for one cell of the environment × strategy matrix. */
export function scenarioValues(env: Environment, strategy: Strategy): string[] {
  return [environmentValues(env), STRATEGY_FILES[strategy]];
}

/** One render of the chart: where it is, into which namespace, with which values. */
export interface RenderArgs {
  /** The chart directory as the tool sees it (`.` from inside it, or {@link CHART}). */
  chart: string;
  namespace?: string;
  /** Defaults to {@link KUBERNETES_VERSION}. */
  kubernetesVersion?: string;
  /** `-f` files, in order. */
  valuesFiles: string[];
  /** `--set key=value` pairs. */
  set?: Record<string, string>;
  /** Further value flags as they are, e.g. `--set-string` pairs. */
  extra?: string[];
}

function valueArgs(r: RenderArgs): string[] {
  const args = r.valuesFiles.flatMap((file) => ['-f', file]);
  for (const [key, value] of Object.entries(r.set ?? {})) args.push('--set', `${key}=${value}`);
  return [...args, ...(r.extra ?? [])];
}

function namespaceArgs(r: RenderArgs): string[] {
  return r.namespace === undefined ? [] : ['--namespace', r.namespace];
}

/** `helm lint --strict` arguments (after `helm`): unknown values fail through values.schema.json. */
export function helmLintArgs(r: RenderArgs): string[] {
  const version = r.kubernetesVersion ?? KUBERNETES_VERSION;
  return ['lint', '--strict', '--kube-version', version, ...namespaceArgs(r), r.chart].concat(
    valueArgs(r),
  );
}

/** `helm template` arguments (after `helm`), the test hook included. */
export function helmTemplateArgs(r: RenderArgs): string[] {
  const version = r.kubernetesVersion ?? KUBERNETES_VERSION;
  return ['template', RELEASE_NAME, r.chart, ...namespaceArgs(r), '--kube-version', version].concat(
    valueArgs(r),
  );
}

/** File name pattern of kubeconform's JSON schemas inside a schema directory. */
export const SCHEMA_FILE = '{{ .ResourceKind }}{{ .KindSuffix }}.json';

/**
 * Directory name of the strict standalone schemas of a Kubernetes version, CRDs included, as
 * scripts/install-k8s-tools.sh (helm/scripts/generate-schemas.sh) writes them.
 */
export function schemaDirName(kubernetesVersion = KUBERNETES_VERSION): string {
  return `v${kubernetesVersion}-standalone-strict`;
}

/**
 * Where kubeconform finds the CRD schemas (Argo Rollouts, Argo CD, Prometheus operator) when no
 * schema directory is given: the community CRDs catalog, laid out by group and version.
 */
export const CRD_SCHEMA_LOCATION =
  'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json';

/**
 * kubeconform's schema locations: `schemaDir` (a directory of JSON schemas, CRDs included) or
 * `schemaLocation` (a URL template, e.g. a mirror) replace the default locations (Kubernetes' own
 * schemas plus {@link CRD_SCHEMA_LOCATION}), so a machine without internet never reaches for them.
 */
export function schemaLocations(o: { schemaDir?: string; schemaLocation?: string }): string[] {
  const locations: string[] = [];
  if (o.schemaDir !== undefined) locations.push(`${o.schemaDir}/${SCHEMA_FILE}`);
  if (o.schemaLocation) locations.push(o.schemaLocation);
  return locations.length > 0 ? locations : ['default', CRD_SCHEMA_LOCATION];
}

/**
 * kubeconform arguments: strict (unknown and duplicate fields fail) and without
 * -ignore-missing-schemas, so a kind without a schema, CRDs included, fails too. `files` may be
 * `-` (stdin).
 */
export function kubeconformArgs(o: {
  kubernetesVersion?: string;
  locations: string[];
  files: string[];
}): string[] {
  return [
    '-strict',
    '-summary',
    '-kubernetes-version',
    o.kubernetesVersion ?? KUBERNETES_VERSION,
    ...o.locations.flatMap((l) => ['-schema-location', l]),
    ...o.files,
  ];
}

/**
 * Which Rego packages conftest applies: `all`, or one namespace (`main` gathers every aichat.*
 * policy, `aichat.<policy>` is one policy alone).
 */
export type PolicyScope = 'all' | (string & {});

/**
 * The scope of the chart check: every namespace, so a policy package outside `main`'s reach
 * still applies.
 */
export const CHART_POLICY_SCOPE: PolicyScope = 'all';

/** `conftest test` arguments (after `conftest`); `json` adds `--output json`. */
export function conftestArgs(o: {
  policyDir: string;
  files: string[];
  scope?: PolicyScope;
  json?: boolean;
}): string[] {
  const scope = o.scope ?? CHART_POLICY_SCOPE;
  return [
    'test',
    '--no-color',
    ...(o.json ? ['--output', 'json'] : []),
    ...(scope === 'all' ? ['--all-namespaces'] : ['--namespace', scope]),
    '--policy',
    o.policyDir,
    ...o.files,
  ];
}
