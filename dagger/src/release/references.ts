/**
 * Image references as `publish` prints them and `promote` and `verify` read them, and the names of
 * the images aichat ships: said once here, used by publish, sign, verify and promote.
 */

/** The image each component is published as (<registry>/<name>). */
export const IMAGE_NAMES = { backend: 'aichat-backend', frontend: 'aichat-frontend' } as const;
export type Component = keyof typeof IMAGE_NAMES;

/** The registry host of an image prefix or reference such as `ghcr.io/owner` (what credentials are for). */
export function registryHost(registry: string): string {
  return registry.split('/')[0] ?? registry;
}

/** A parsed `host[:port]/path/name[:tag][@sha256:<hex>]`. */
export interface ImageReference {
  /** Everything before the tag and digest: `host[:port]/path/name`. */
  repository: string;
  /** The last path segment of the repository. */
  name: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses an image reference; throws naming the reference when it is not one.
 * @example parseReference('ghcr.io/o/aichat-backend:abc@sha256:…') // { repository: 'ghcr.io/o/aichat-backend', name: 'aichat-backend', tag: 'abc', digest: 'sha256:…' }
 */
export function parseReference(ref: string): ImageReference {
  const trimmed = ref.trim();
  const [withTag = '', digest, extra] = trimmed.split('@');
  if (extra !== undefined || withTag === '') throw new Error(`not an image reference: '${ref}'`);
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw new Error(`not a sha256 digest in '${ref}': '${digest}'`);
  }
  // A colon after the last slash starts the tag (one before it is a registry port).
  const slash = withTag.lastIndexOf('/');
  const colon = withTag.lastIndexOf(':');
  const hasTag = colon > slash;
  const repository = hasTag ? withTag.slice(0, colon) : withTag;
  const tag = hasTag ? withTag.slice(colon + 1) : undefined;
  if (!/^[a-z0-9][a-z0-9._:/-]*$/.test(repository) || tag === '') {
    throw new Error(`not an image reference: '${ref}'`);
  }
  const name = repository.slice(repository.lastIndexOf('/') + 1);
  return { repository, name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `repository@digest`: what is signed and deployed. Throws when the reference has no digest. */
export function pinnedReference(ref: string): string {
  const parsed = parseReference(ref);
  if (!parsed.digest) throw new Error(`'${ref}' has no digest: publish prints references with one`);
  return `${parsed.repository}@${parsed.digest}`;
}

/** The component an image reference belongs to, by its name, or undefined for another image. */
export function componentOf(ref: string): Component | undefined {
  const { name } = parseReference(ref);
  return (Object.keys(IMAGE_NAMES) as Component[]).find((c) => IMAGE_NAMES[c] === name);
}

/**
 * The published image of each component among `publish`'s references (several tags of one image
 * share a digest). Throws on a reference without a digest, on one that is not ours, on two
 * different images for one component, and when a component is missing: a release moves both.
 */
export function publishedImages(refs: string[]): Record<Component, ImageReference> {
  const found: Partial<Record<Component, ImageReference>> = {};
  for (const ref of refs.flatMap((r) => r.split(/[\s,]+/)).filter(Boolean)) {
    const component = componentOf(ref);
    if (!component) {
      throw new Error(`'${ref}' is not one of ${Object.values(IMAGE_NAMES).join(', ')}`);
    }
    const image = parseReference(ref);
    if (!image.digest)
      throw new Error(`'${ref}' has no digest: pass the references publish printed`);
    const seen = found[component];
    if (seen && (seen.digest !== image.digest || seen.repository !== image.repository)) {
      throw new Error(
        `two images for ${IMAGE_NAMES[component]}: ${seen.repository}@${seen.digest} and ${image.repository}@${image.digest}`,
      );
    }
    // Keep the first tag that is not `latest`: it names the build.
    if (!seen || seen.tag === 'latest') found[component] = image;
  }
  for (const component of Object.keys(IMAGE_NAMES) as Component[]) {
    if (!found[component]) throw new Error(`no reference for ${IMAGE_NAMES[component]}`);
  }
  return found as Record<Component, ImageReference>;
}
