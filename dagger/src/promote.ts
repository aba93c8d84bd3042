import { type Changeset, dag, type File } from '@dagger.io/dagger';
import type { RegistryAccess } from './cosign.js';
import type { Pipeline } from './context.js';
import { parseReference, pinnedReference, publishedImages } from './release/references.js';
import { deployedImages, setImages, valuesFile } from './release/values.js';
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

/** The chart's defaults, read under an environment's values file. */
const CHART_VALUES = 'helm/aichat/values.yaml';

/**
 * The edit that deploys a build to `env`: its values file with each component's registry,
 * repository, tag and digest, taken from `images` (a published build) or from what `fromEnv`
 * deploys (the same digests move from staging to production). With a public key, the images must first pass `verify`
 * (signature, SBOM and provenance): nothing unsigned is promoted. Returned as a Changeset for the
 * caller to review and apply.
 */
export async function promoteChanges(
  p: Pipeline,
  env: string,
  images: string[],
  fromEnv: string,
  verification?: { publicKey: File; access: RegistryAccess },
): Promise<Changeset> {
  const path = valuesFile(env);
  const given = images.flatMap((i) => i.split(/[\s,]+/)).filter(Boolean);
  if (given.length > 0 === (fromEnv !== '')) {
    throw new Error(
      'promote: give either --images (a published build) or --from-env (an environment)',
    );
  }
  const source = fromEnv
    ? deployedImages(
        await Promise.all(
          [CHART_VALUES, valuesFile(fromEnv)].map((f) => p.source.file(f).contents()),
        ),
      )
    : given;
  const refs = await resolveDigests(source);
  const published = publishedImages(refs);
  if (verification) {
    const pinned = [...new Set(refs.map(pinnedReference))];
    const { failure } = await verifyImages(p, pinned, verification.publicKey, verification.access);
    if (failure !== null) throw new Error(`not promoted: ${failure}`);
  }
  const current = await p.source.file(path).contents();
  return p.source.withNewFile(path, setImages(current, published)).changes(p.source);
}
