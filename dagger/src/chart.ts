import { dag, type Directory } from '@dagger.io/dagger';
import { WORKDIR } from './base.js';
import {
  CHART,
  ENVIRONMENTS,
  environmentNamespace,
  environmentValues,
  helmTemplateArgs,
  KUBERNETES_VERSION,
  POLICY,
} from './chart/checks.js';
import type { Pipeline, StageResult } from './context.js';
import { combineGates } from './gates/gate.js';
import { IMAGE_NAMES } from './release/references.js';
import { stageResult, toolchains } from './toolchains.js';

/**
 * `--set-string` arguments pointing the chart at published images: `tag` for both, and when
 * `registry` is given (e.g. ghcr.io/owner, as for `publish`) its host and repository path.
 */
export function imageValues(registry: string, tag: string): string[] {
  const sets: string[] = [];
  for (const [component, image] of Object.entries(IMAGE_NAMES)) {
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

/** Shell word for `arg`: as it is when it is plain, else single-quoted. */
export function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `sh` script rendering each selected environment to /out/<env>.yaml: the shared
 * {@link helmTemplateArgs} with the environment's namespace and values file, plus the images set
 * by {@link imageValues}.
 */
export function renderScript(
  env: string,
  tag: string,
  registry: string,
  kubernetesVersion: string,
): string {
  const extra = imageValues(registry, tag);
  const commands = selectEnvironments(env).map((e) => {
    const args = helmTemplateArgs({
      chart: CHART,
      namespace: environmentNamespace(e),
      kubernetesVersion,
      valuesFiles: [`${CHART}/${environmentValues(e)}`],
      extra,
    });
    return `${['helm', ...args].map(shellWord).join(' ')} > /out/${e}.yaml`;
  });
  return ['set -e', 'mkdir -p /out', ...commands].join('\n');
}

/** `helm template` of the chart for each environment: one <env>.yaml per environment. */
export function manifestsDirectory(
  p: Pipeline,
  env: string,
  tag: string,
  registry = '',
  kubernetesVersion = KUBERNETES_VERSION,
): Directory {
  return dag
    .container()
    .from(p.images.helm)
    .withEntrypoint([])
    .withDirectory(`${WORKDIR}/helm`, p.source.directory('helm'))
    .withWorkdir(WORKDIR)
    .withExec(['sh', '-c', renderScript(env, tag, registry, kubernetesVersion)])
    .directory('/out');
}

/**
 * kubeconform and conftest with helm/policy on the manifests of every environment, by the
 * kube-policy module (dagger/kube-policy) with the arguments the host's chart checks use:
 * unknown fields, and kinds without a schema, CRDs included, fail.
 */
export async function policyStage(
  p: Pipeline,
  kubernetesVersion: string,
  schemaLocation: string,
  schemas?: Directory,
): Promise<StageResult> {
  const manifests = manifestsDirectory(p, 'all', '', '', kubernetesVersion);
  const kubePolicy = toolchains.kubePolicy({
    kubeconformImage: p.images.kubeconform,
    conftestImage: p.images.conftest,
  });
  const [kubeconform, conftest] = await Promise.all([
    stageResult(
      'kubeconform',
      kubePolicy.validate(manifests, { kubernetesVersion, schemas, schemaLocation }),
    ),
    stageResult('conftest', kubePolicy.policy(manifests, p.source.directory(POLICY))),
  ]);
  const gate = combineGates(
    'policy',
    [kubeconform.gate, conftest.gate],
    'kubeconform and conftest passed on all environments',
  );
  const reports = dag
    .directory()
    .withDirectory('manifests', manifests)
    .withDirectory('kubeconform', kubeconform.reports)
    .withDirectory('conftest', conftest.reports);
  return { gate, reports };
}
