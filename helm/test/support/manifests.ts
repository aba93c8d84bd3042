/**
 * Typed views of rendered manifests for the chart tests (only the fields the tests read) and a
 * memoised render of each environment × strategy scenario.
 */
import {
  render,
  scenarioValues,
  type Environment,
  type Manifest,
  type RenderOptions,
  type Strategy,
} from '../../scripts/lib/chart.js';

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
  tcpSocket?: { port: string | number };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

export interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
}

export interface PodSpec {
  containers: Container[];
  securityContext?: SecurityContext;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: { topologyKey: string }[];
  volumes?: { name: string; emptyDir?: object; hostPath?: object }[];
}

export interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

/** A manifest with a typed `spec` (callers name the shape they read). */
export type Resource<Spec> = Manifest & { spec: Spec };

/** The pod template of a workload, or the spec of a bare Pod; undefined for other kinds. */
export function podTemplate(m: Manifest): PodTemplate | undefined {
  const spec = m.spec as { template?: PodTemplate } | undefined;
  if (m.kind === 'Pod') return { metadata: m.metadata, spec: m.spec as PodSpec };
  return spec?.template?.spec ? spec.template : undefined;
}

/** Every manifest that runs pods, with its pod template. */
export function workloads(manifests: Manifest[]): { id: string; template: PodTemplate }[] {
  return manifests.flatMap((m) => {
    const template = podTemplate(m);
    return template ? [{ id: `${m.kind}/${m.metadata.name}`, template }] : [];
  });
}

/** The manifest of a kind (and name); throws when absent so a test cannot pass vacuously. */
export function get<Spec = Record<string, unknown>>(
  manifests: Manifest[],
  kind: string,
  name?: string,
): Resource<Spec> {
  const found = find(manifests, kind, name);
  if (!found) throw new Error(`no ${kind}${name ? `/${name}` : ''} rendered`);
  return found as Resource<Spec>;
}

/** The manifest of a kind (and name), if rendered. */
export function find(manifests: Manifest[], kind: string, name?: string): Manifest | undefined {
  return manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
}

/** Names of the manifests of a kind. */
export function namesOf(manifests: Manifest[], kind: string): string[] {
  return manifests.filter((m) => m.kind === kind).map((m) => m.metadata.name);
}

const cache = new Map<string, ReturnType<typeof render>>();

/** Renders one environment × strategy scenario once per test run (extra options extend it). */
export function renderScenario(
  env: Environment,
  strategy: Strategy = 'rolling',
  extra: Partial<RenderOptions> = {},
): ReturnType<typeof render> {
  const options: RenderOptions = {
    valuesFiles: [...scenarioValues(env, strategy), ...(extra.valuesFiles ?? [])],
    set: extra.set ?? {},
  };
  const key = JSON.stringify(options);
  let rendered = cache.get(key);
  if (!rendered) {
    rendered = render(options);
    cache.set(key, rendered);
  }
  return rendered;
}
