/**
 * The chart under test: where it lives, the environment × strategy matrix, and helm lint/template.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { runTool, type RunResult } from './tools.js';

/** helm/ in the repository. */
export const HELM_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** The chart directory. */
export const CHART_DIR = join(HELM_DIR, 'aichat');
/** Rego policies for conftest. */
export const POLICY_DIR = join(HELM_DIR, 'policy');
/** Argo CD manifests. */
export const ARGOCD_DIR = join(HELM_DIR, 'argocd');
/** Release name and namespace used for every render. */
export const RELEASE = { name: 'aichat', namespace: 'aichat' } as const;

export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;
export const STRATEGIES = ['rolling', 'blueGreen', 'canary'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export type Strategy = (typeof STRATEGIES)[number];

/** ci/ scenario file of each strategy. */
const STRATEGY_FILES: Record<Strategy, string> = {
  rolling: 'ci/rolling-values.yaml',
  blueGreen: 'ci/blue-green-values.yaml',
  canary: 'ci/canary-values.yaml',
};

/** KEY=VALUE pairs of helm/scripts/versions.env (the CRD source versions). */
export function readVersions(): Record<string, string> {
  const text = readFileSync(join(HELM_DIR, 'scripts', 'versions.env'), 'utf8');
  const versions: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(\S+)$/.exec(line.trim());
    if (match?.[1] && match[2]) versions[match[1]] = match[2];
  }
  return versions;
}

/** The one pin file of the repository (tools, Kubernetes, Node). */
export const VERSIONS_JSON = join(HELM_DIR, '..', 'dagger', 'versions.json');

/** Kubernetes version every render and schema check targets (versions.json "kubernetes", e.g. "1.35.4"). */
export const KUBE_VERSION =
  (JSON.parse(readFileSync(VERSIONS_JSON, 'utf8')) as { kubernetes?: string }).kubernetes ?? '';
if (!/^1\.\d+\.\d+$/.test(KUBE_VERSION)) {
  throw new Error(`dagger/versions.json "kubernetes" is not a version: "${KUBE_VERSION}"`);
}

/** Values files (relative to the chart) for one cell of the matrix. */
export function scenarioValues(env: Environment, strategy: Strategy): string[] {
  return [`values-${env}.yaml`, STRATEGY_FILES[strategy]];
}

/** Options of one render: values files (chart-relative or absolute) and --set pairs. */
export interface RenderOptions {
  valuesFiles: string[];
  set?: Record<string, string>;
}

function valueArgs(options: RenderOptions): string[] {
  const args = options.valuesFiles.flatMap((file) => ['-f', file]);
  for (const [key, value] of Object.entries(options.set ?? {}))
    args.push('--set', `${key}=${value}`);
  return args;
}

/** `helm lint --strict` with the given values. */
export function helmLint(options: RenderOptions): Promise<RunResult> {
  return runTool(
    'helm',
    [
      'lint',
      '--strict',
      '--kube-version',
      KUBE_VERSION,
      '--namespace',
      RELEASE.namespace,
      '.',
    ].concat(valueArgs(options)),
    { cwd: CHART_DIR },
  );
}

/** `helm template` (including the test hook) with the given values. */
export function helmTemplate(options: RenderOptions): Promise<RunResult> {
  return runTool(
    'helm',
    [
      'template',
      RELEASE.name,
      '.',
      '--namespace',
      RELEASE.namespace,
      '--kube-version',
      KUBE_VERSION,
    ].concat(valueArgs(options)),
    { cwd: CHART_DIR },
  );
}

/** Metadata every rendered object has. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Parses a multi-document YAML stream into objects, dropping empty documents. */
export function parseManifests(yaml: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const doc of parseAllDocuments(yaml)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as Manifest | null;
    if (value) manifests.push(value);
  }
  return manifests;
}

/** Renders the chart and parses it; throws with helm's stderr when rendering fails. */
export async function render(
  options: RenderOptions,
): Promise<{ yaml: string; manifests: Manifest[] }> {
  const result = await helmTemplate(options);
  if (result.code !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return { yaml: result.stdout, manifests: parseManifests(result.stdout) };
}
