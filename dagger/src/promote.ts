import { type Changeset, dag, type File } from '@dagger.io/dagger';
import type { RegistryAccess } from './cosign.js';
import type { Pipeline } from './context.js';
import { parseReference, pinnedReference, publishedImages } from './release/references.js';
import { setImages, valuesFile } from './release/values.js';
import { verifyImages } from './verify.js';

/**
 * Each reference with its digest: as given, or the one its tag points at now (asked of the
 * registry once, so everything after this works on immutable digests).
 */
async function resolveDigests(refs: string[]): Promise<string[]> {
  return Promise.all(
    refs.map(async (ref) => {
      if (parseReference(ref).digest) return ref;
      const resolved = parseReference(await dag.container().from(ref).imageRef());
      if (!resolved.digest) throw new Error(`the registry gave no digest for '${ref}'`);
      return `${ref}@${resolved.digest}`;
    }),
  );
}

/**
 * The edit that deploys a published build to `env`: its values file with each component's
 * registry, repository, tag and digest. With a public key, the images must first pass `verify`
 * (signature, SBOM and provenance): nothing unsigned is promoted. Returned as a Changeset for the
 * caller to review and apply.
 */
export async function promoteChanges(
  p: Pipeline,
  env: string,
  images: string[],
  verification?: { publicKey: File; access: RegistryAccess },
): Promise<Changeset> {
  const path = valuesFile(env);
  const refs = await resolveDigests(images.flatMap((i) => i.split(/[\s,]+/)).filter(Boolean));
  const published = publishedImages(refs);
  if (verification) {
    const pinned = [...new Set(refs.map(pinnedReference))];
    const { failure } = await verifyImages(p, pinned, verification.publicKey, verification.access);
    if (failure !== null) throw new Error(`not promoted: ${failure}`);
  }
  const current = await p.source.file(path).contents();
  return p.source.withNewFile(path, setImages(current, published)).changes(p.source);
}
