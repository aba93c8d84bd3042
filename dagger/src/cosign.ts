import { dag, type Container, type Secret } from '@dagger.io/dagger';
import type { Pipeline } from './context.js';
import { registryHost } from './release/references.js';

/** How cosign reaches the registry that holds the images and their signatures. */
export interface RegistryAccess {
  /** Plain HTTP or an untrusted certificate (a local registry). */
  insecure: boolean;
  /** Registry user, with `password`; empty for a registry without auth. */
  username: string;
  password?: Secret;
  /** Upload to / verify against the Rekor transparency log (needs the internet). */
  transparencyLog: boolean;
}

/** cosign's registry and transparency-log flags for `access`. */
export function cosignFlags(
  access: Pick<RegistryAccess, 'insecure' | 'transparencyLog'>,
  verb: 'sign' | 'verify',
): string[] {
  const flags = access.insecure ? ['--allow-http-registry', '--allow-insecure-registry'] : [];
  if (!access.transparencyLog) {
    flags.push(verb === 'sign' ? '--tlog-upload=false' : '--insecure-ignore-tlog=true');
  }
  return flags;
}

/**
 * cosign, logged in to the registries of `images` when a password is given (a Docker config held
 * as a Secret, so the password never appears in a command or a layer).
 */
export async function cosignContainer(
  p: Pipeline,
  images: string[],
  access: RegistryAccess,
): Promise<Container> {
  let container = dag
    .container()
    .from(p.images.cosign)
    .withEntrypoint([])
    .withEnvVariable('DOCKER_CONFIG', '/cosign/docker');
  if (access.password) {
    const auth = Buffer.from(`${access.username}:${await access.password.plaintext()}`).toString(
      'base64',
    );
    const hosts = [...new Set(images.map(registryHost))].sort();
    const config = dag.setSecret(
      `cosign-docker-config-${hosts.join('-')}`,
      JSON.stringify({ auths: Object.fromEntries(hosts.map((h) => [h, { auth }])) }),
    );
    container = container.withMountedSecret('/cosign/docker/config.json', config, { mode: 0o444 });
  }
  // Signatures live in the registry, which the engine's cache cannot see: a cached sign would not
  // sign again after the registry lost them, and a cached verify would pass on a re-pushed tag.
  return container.withEnvVariable('AICHAT_COSIGN_RUN', `${Date.now()}-${Math.random()}`);
}
