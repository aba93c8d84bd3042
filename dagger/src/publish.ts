import type { Secret } from '@dagger.io/dagger';
import type { Pipeline } from './context.js';
import { backendImage, frontendImage } from './image.js';

/** The registry host of an image prefix such as `ghcr.io/owner` (what credentials are for). */
export function registryHost(registry: string): string {
  return registry.split('/')[0] ?? registry;
}

/** The references `publish` pushes for one image: the given tag and `latest`. */
export function imageReferences(registry: string, image: string, tag: string): string[] {
  const base = `${registry.replace(/\/+$/, '')}/${image}`;
  return tag === 'latest' ? [`${base}:latest`] : [`${base}:${tag}`, `${base}:latest`];
}

/**
 * Pushes aichat-backend and aichat-frontend to `registry` under `tag` (the git sha) and `latest`,
 * authenticated with `password` as a Secret when given. Returns the pushed references with
 * their digests.
 */
export async function publishImages(
  p: Pipeline,
  registry: string,
  tag: string,
  username: string,
  password?: Secret,
): Promise<string[]> {
  const images = {
    'aichat-backend': backendImage(p, tag),
    'aichat-frontend': frontendImage(p, tag),
  };
  const pushes: Promise<string>[] = [];
  for (const [name, image] of Object.entries(images)) {
    const authed = password
      ? image.withRegistryAuth(registryHost(registry), username, password)
      : image;
    for (const ref of imageReferences(registry, name, tag)) pushes.push(authed.publish(ref));
  }
  return Promise.all(pushes);
}
