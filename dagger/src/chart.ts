import { dag, type Directory } from '@dagger.io/dagger';
import { execEntrypointAllowingFailure, outcome, WORKDIR } from './base.js';
import type { Pipeline, StageResult } from './context.js';
import { exitCodeGate, type GateResult } from './gates/gate.js';
import { CHART } from './lint.js';

/** The environments that have a values file (helm/aichat/values-<env>.yaml). */
export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;

/** The values that select the image tag (both images are tagged alike by `publish`). */
export const IMAGE_TAG_VALUES = ['backend.image.tag', 'frontend.image.tag'];

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
 * `helm template` of the chart for each environment: one <env>.yaml per environment. `tag`, when
 * given, sets both image tags.
 */
export function manifestsDirectory(p: Pipeline, env: string, tag: string): Directory {
  const sets = tag === '' ? '' : IMAGE_TAG_VALUES.map((v) => ` --set-string ${v}=${tag}`).join('');
  const commands = selectEnvironments(env).map(
    (e) =>
      `helm template aichat ${CHART} --namespace aichat-${e} -f ${CHART}/values-${e}.yaml${sets} > /out/${e}.yaml`,
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

/**
 * kubeconform (strict, CRDs without a schema tolerated) and conftest with helm/policy on the
 * manifests of every environment. `schemaLocation` adds a kubeconform schema source (e.g. a
 * local mirror for machines without internet).
 */
export async function policyStage(
  p: Pipeline,
  kubernetesVersion: string,
  schemaLocation: string,
): Promise<StageResult> {
  const manifests = manifestsDirectory(p, 'all', '');
  const files = ENVIRONMENTS.map((e) => `/manifests/${e}.yaml`);
  const locations = ['default', ...(schemaLocation === '' ? [] : [schemaLocation])];
  // Both tool images are shell-less: their entrypoints get explicit file lists.
  const kubeconform = execEntrypointAllowingFailure(
    dag.container().from(p.images.kubeconform).withDirectory('/manifests', manifests),
    [
      '-strict',
      '-summary',
      '-ignore-missing-schemas',
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
    ['test', '--no-color', '--policy', '/policy', ...files],
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
