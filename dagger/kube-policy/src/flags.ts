/**
 * The exact arguments of kubeconform and conftest, at one strictness: pure data and argument
 * builders shared by this module's functions (the tools in containers) and by host scripts that
 * run the same tools on PATH, so the two cannot drift apart. No Dagger import: host code loads
 * this file as it is.
 */

/**
 * Kubernetes version whose schemas kubeconform validates against when none is given. It is the
 * literal default of the module's functions too (the Dagger introspector reads only literals).
 */
export const DEFAULT_KUBERNETES_VERSION = '1.35.4';

/** A Kubernetes version as kubeconform's `-kubernetes-version` takes it: `1.35.4` or `master`. */
const KUBERNETES_VERSION_PATTERN = /^(\d+\.\d+\.\d+|master)$/;

/**
 * Returns `version` when kubeconform can take it; throws otherwise, so a typo fails clearly
 * instead of as a schema download error.
 * @example checkKubernetesVersion('1.35.4') // '1.35.4'
 */
export function checkKubernetesVersion(version: string): string {
  if (!KUBERNETES_VERSION_PATTERN.test(version)) {
    throw new Error(`kubernetesVersion "${version}" is not a version such as 1.35.4 (or master)`);
  }
  return version;
}

/** File name pattern of kubeconform's JSON schemas inside a schema directory. */
export const SCHEMA_FILE = '{{ .ResourceKind }}{{ .KindSuffix }}.json';

/**
 * Directory name of the strict standalone schemas of a Kubernetes version, CRDs included, in
 * kubeconform's own layout (`<root>/v<version>-standalone-strict/`).
 */
export function schemaDirName(kubernetesVersion = DEFAULT_KUBERNETES_VERSION): string {
  return `v${kubernetesVersion}-standalone-strict`;
}

/**
 * Where kubeconform finds CRD schemas (Argo, Prometheus operator, …) when no schema directory is
 * given: the community CRDs catalog, laid out by group and version.
 */
export const CRD_SCHEMA_LOCATION =
  'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json';

/**
 * kubeconform's schema locations: `schemaDir` (a directory of JSON schemas, CRDs included) or
 * `schemaLocation` (a URL template, e.g. a mirror) replace the default locations (Kubernetes' own
 * schemas plus {@link CRD_SCHEMA_LOCATION}), so a machine without internet never reaches for them.
 * @example schemaLocations({ schemaDir: '/schemas' }) // ['/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json']
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
 * `-` (stdin). `output: 'json'` adds `-output json` (one entry per resource that is not valid, and
 * the summary), which the module parses; the default is kubeconform's text output.
 */
export function kubeconformArgs(o: {
  kubernetesVersion?: string;
  locations: string[];
  files: string[];
  output?: 'text' | 'json';
}): string[] {
  return [
    '-strict',
    '-summary',
    ...(o.output === 'json' ? ['-output', 'json'] : []),
    '-kubernetes-version',
    o.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
    ...o.locations.flatMap((l) => ['-schema-location', l]),
    ...o.files,
  ];
}

/**
 * Which Rego packages conftest applies: `all`, or one namespace (e.g. `main`, conftest's
 * default, or one policy's package alone).
 */
export type PolicyScope = 'all' | (string & {});

/** The default scope: every namespace, so a policy package outside `main`'s reach still applies. */
export const DEFAULT_POLICY_SCOPE: PolicyScope = 'all';

/** `conftest test` arguments (after `conftest`); `json` adds `--output json`. */
export function conftestArgs(o: {
  policyDir: string;
  files: string[];
  scope?: PolicyScope;
  json?: boolean;
}): string[] {
  const scope = o.scope ?? DEFAULT_POLICY_SCOPE;
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

/**
 * The manifest files to pass to the tools (their images have no shell to expand a glob): the
 * `*.yaml` / `*.yml` paths of a directory listing, relative to it, deduplicated, sorted and
 * prefixed with where the directory is mounted.
 * @example manifestFileArgs(['b.yml', 'a/x.yaml'], '/manifests') // ['/manifests/a/x.yaml', '/manifests/b.yml']
 */
export function manifestFileArgs(paths: string[], mount: string): string[] {
  const files = paths
    .map((p) => p.replace(/^\.?\/+/, ''))
    .filter((p) => /\.ya?ml$/i.test(p) && !p.endsWith('/'));
  return [...new Set(files)].sort().map((p) => `${mount}/${p}`);
}
