import type { RegistryAccess } from './cosign.js';
import type { Pipeline } from './context.js';
import { backendImage, frontendImage } from './image.js';
import { IMAGE_NAMES, pinnedReference, registryHost } from './release/references.js';
import { type PublishedImage, type SigningKey, signImages } from './sign.js';

/** The references `publish` pushes for one image: the given tag and `latest`. */
export function imageReferences(registry: string, image: string, tag: string): string[] {
  const base = `${registry.replace(/\/+$/, '')}/${image}`;
  return tag === 'latest' ? [`${base}:latest`] : [`${base}:${tag}`, `${base}:latest`];
}

/** What `publish` needs besides the images: where to, as what, and how to sign. */
export interface PublishOptions {
  /** Image prefix, e.g. ghcr.io/owner. */
  registry: string;
  /** The git sha: the tag besides latest, the revision label and the provenance's revision. */
  tag: string;
  access: RegistryAccess;
  /** Sign and attest when given. */
  signing?: SigningKey;
  /** The source repository for the provenance, e.g. git+https://github.com/owner/aichat. */
  sourceUri: string;
  /** Who ran the build, for the provenance (e.g. the workflow run's URL). */
  builderId: string;
}

/**
 * Pushes aichat-backend and aichat-frontend under `tag` (the git sha) and `latest`, authenticated
 * with the access's password as a Secret when given; then, with a signing key, signs each pushed
 * digest and attests its SBOM and provenance. Returns the pushed references with their digests.
 */
export async function publishImages(p: Pipeline, options: PublishOptions): Promise<string[]> {
  const { registry, tag, access } = options;
  const startedOn = new Date();
  const images = {
    [IMAGE_NAMES.backend]: backendImage(p, tag),
    [IMAGE_NAMES.frontend]: frontendImage(p, tag),
  };
  const pushes: Promise<PublishedImage>[] = [];
  for (const [name, image] of Object.entries(images)) {
    const authed = access.password
      ? image.withRegistryAuth(registryHost(registry), access.username, access.password)
      : image;
    for (const ref of imageReferences(registry, name, tag)) {
      pushes.push(authed.publish(ref).then((pushed) => ({ ref: pushed, image })));
    }
  }
  const pushed = await Promise.all(pushes);
  if (options.signing) {
    // `tag` and `latest` share a digest: each digest is signed once.
    const unique = [...new Map(pushed.map((i) => [pinnedReference(i.ref), i])).values()];
    await signImages(p, unique, options.signing, access, {
      revision: tag,
      sourceUri: options.sourceUri,
      invocation: { function: 'publish', parameters: { registry, tag } },
      builderId: options.builderId,
      startedOn,
    });
  }
  return pushed.map((i) => i.ref);
}
