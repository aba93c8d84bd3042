import {
  dag,
  ReturnType,
  type CacheVolume,
  type Container,
  type Directory,
} from '@dagger.io/dagger';
import type { Pipeline } from './context.js';
import { MANIFESTS, stageSource } from './sources.js';

/** Where the repository lives inside every container of the pipeline. */
export const WORKDIR = '/src';

/** The npm download cache shared by every run on an engine. */
export function npmCache(): CacheVolume {
  return dag.cacheVolume('aichat-npm');
}

/**
 * Debian packages a stage needs on top of the node image, each with the path that proves it is
 * there: an image that already carries them (e.g. a mirror's) needs no network for this step.
 */
export type SystemPackages = Record<string, string>;

/**
 * Shell script installing those of `packages` whose path is missing, with apt; it fails naming
 * them when apt cannot.
 */
export function installMissingScript(packages: SystemPackages): string {
  const checks = Object.entries(packages).map(
    ([pkg, path]) => `[ -x ${path} ] || missing="$missing ${pkg}"`,
  );
  return [
    'missing=""',
    ...checks,
    '[ -z "$missing" ] && exit 0',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ' +
      '--no-install-recommends $missing >/dev/null || { echo "cannot install:$missing" >&2; exit 1; }',
  ].join('\n');
}

/**
 * Node 24 (plus `system` packages) with the workspaces' dependencies installed from the lockfile.
 * Packages first, then the manifests and `npm ci`, then the source: a code change re-uses the
 * cached install layers.
 */
export function dependencies(p: Pipeline, system: SystemPackages = {}): Container {
  const manifests = p.source.filter({ include: MANIFESTS });
  const base = dag.container().from(p.images.node);
  const withSystem =
    Object.keys(system).length === 0
      ? base
      : base.withExec(['sh', '-c', installMissingScript(system)]);
  return withSystem
    .withEnvVariable('CI', 'true')
    .withEnvVariable('NPM_CONFIG_UPDATE_NOTIFIER', 'false')
    .withMountedCache('/root/.npm', npmCache())
    .withWorkdir(WORKDIR)
    .withDirectory(WORKDIR, manifests)
    .withExec(['npm', 'ci', '--no-audit', '--no-fund']);
}

/**
 * {@link dependencies} plus `files` (a stage's narrowed source, see sources.ts, or the whole
 * repository for lint): the container lint, tests and builds run in.
 */
export function workspace(p: Pipeline, files: Directory, system: SystemPackages = {}): Container {
  return dependencies(p, system).withDirectory(WORKDIR, files);
}

/** The built workspaces (`npm run build`): app/dist and web/dist inside {@link WORKDIR}. */
export function built(p: Pipeline): Container {
  return workspace(p, stageSource(p.source, 'build')).withExec(['npm', 'run', 'build']);
}

/**
 * Runs `script` with `sh -c` and returns the container without failing on a non-zero exit, so the
 * caller can read the exit code and still export what the command wrote.
 */
export function runAllowingFailure(container: Container, script: string): Container {
  return container.withExec(['sh', '-c', script], { expect: ReturnType.Any });
}

/** Exit code and combined output of the last command of a container run with {@link runAllowingFailure}. */
export async function outcome(container: Container): Promise<{ exitCode: number; output: string }> {
  const [exitCode, stdout, stderr] = await Promise.all([
    container.exitCode(),
    container.stdout(),
    container.stderr(),
  ]);
  return { exitCode, output: `${stdout}\n${stderr}` };
}

/**
 * Like {@link runAllowingFailure} for images without a shell (scratch images of Go tools): runs
 * the image's entrypoint with `args`.
 */
export function execEntrypointAllowingFailure(container: Container, args: string[]): Container {
  return container.withExec(args, { expect: ReturnType.Any, useEntrypoint: true });
}
