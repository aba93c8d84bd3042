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

// kubeconform's and conftest's arguments are the kube-policy module's (dagger/kube-policy), shared
// with the host's chart checks (helm/scripts/lib) so the two run the same commands.
export {
  conftestArgs,
  CRD_SCHEMA_LOCATION,
  DEFAULT_POLICY_SCOPE as CHART_POLICY_SCOPE,
  kubeconformArgs,
  type PolicyScope,
  SCHEMA_FILE,
  schemaDirName,
  schemaLocations,
} from '../../kube-policy/src/flags.js';
