/**
 * The chart under test: where it lives, the environment × strategy matrix, and helm lint/template.
 * What is checked, with which arguments, is defined once in dagger/src/chart/checks.ts, which the
 * module's `policy` and `manifests` use too; this file runs it with the host's binaries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import {
  helmLintArgs,
  helmTemplateArgs,
  KUBERNETES_VERSION,
  RELEASE_NAME,
  type RenderArgs,
} from '../../../dagger/src/chart/checks.js';
import { runTool, type RunResult } from './tools.js';

export {
  ENVIRONMENTS,
  STRATEGIES,
  scenarioValues,
  type Environment,
  type Strategy,
} from '../../../dagger/src/chart/checks.js';

/** helm/ in the repository. */
export const HELM_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** The chart directory. */
export const CHART_DIR = join(HELM_DIR, 'aichat');
/** Rego policies for conftest. */
export const POLICY_DIR = join(HELM_DIR, 'policy');
/** Argo CD manifests. */
export const ARGOCD_DIR = join(HELM_DIR, 'argocd');
/** Release name and namespace used for every render. */
export const RELEASE = { name: RELEASE_NAME, namespace: 'aichat' } as const;

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
export const KUBE_VERSION = KUBERNETES_VERSION;

/** Options of one render: values files (chart-relative or absolute) and --set pairs. */
export interface RenderOptions {
  valuesFiles: string[];
  set?: Record<string, string>;
}

/** The shared render arguments of `options`, run from inside the chart. */
function renderArgs(options: RenderOptions): RenderArgs {
  return { chart: '.', namespace: RELEASE.namespace, ...options };
}

/** `helm lint --strict` with the given values. */
export function helmLint(options: RenderOptions): Promise<RunResult> {
  return runTool('helm', helmLintArgs(renderArgs(options)), { cwd: CHART_DIR });
}

/** `helm template` (including the test hook) with the given values. */
export function helmTemplate(options: RenderOptions): Promise<RunResult> {
  return runTool('helm', helmTemplateArgs(renderArgs(options)), { cwd: CHART_DIR });
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
