import type { Container, File, Secret } from '@dagger.io/dagger';
import { cosignContainer, cosignFlags, type RegistryAccess } from './cosign.js';
import type { Pipeline } from './context.js';
import { type ProvenanceInput, provenancePredicate } from './release/provenance.js';
import { parseReference, pinnedReference } from './release/references.js';
import { trivy } from './scan.js';

/**
 * The CycloneDX SBOM of an image, by the Trivy module from the image itself: every OS and npm
 * package in it. It needs no vulnerability database, so it works offline.
 */
export function sbomFile(p: Pipeline, image: Container): File {
  return trivy(p).sbom(image);
}

/** One pushed image to sign: its reference as `publish` printed it and the image itself. */
export interface PublishedImage {
  ref: string;
  image: Container;
}

/** The signing key (cosign's encrypted private key) and its password, as Secrets. */
export interface SigningKey {
  key: Secret;
  password?: Secret;
}

/**
 * Signs each pushed image by digest with cosign and attaches two signed attestations: its CycloneDX
 * SBOM and the build's SLSA v1 provenance (`build` plus every image's digest). The signature and
 * attestations are stored in the registry next to the image.
 */
export async function signImages(
  p: Pipeline,
  images: PublishedImage[],
  signing: SigningKey,
  access: RegistryAccess,
  build: Omit<ProvenanceInput, 'images' | 'finishedOn'>,
): Promise<void> {
  const digests = Object.fromEntries(
    images.map(({ ref }) => {
      const parsed = parseReference(ref);
      return [parsed.repository, parsed.digest ?? ''];
    }),
  );
  const predicate = JSON.stringify(
    provenancePredicate({ ...build, images: digests, finishedOn: new Date() }),
    null,
    2,
  );
  const cosign = await cosignContainer(
    p,
    images.map((i) => i.ref),
    access,
  );
  const keyed = cosign
    .withMountedSecret('/cosign/cosign.key', signing.key, { mode: 0o444 })
    .withNewFile('/cosign/provenance.json', predicate);
  // cosign prompts for the password of an encrypted key unless COSIGN_PASSWORD is set.
  const withPassword = signing.password
    ? keyed.withSecretVariable('COSIGN_PASSWORD', signing.password)
    : keyed.withEnvVariable('COSIGN_PASSWORD', '');
  const flags = cosignFlags(access, 'sign');
  const sign = ['--yes', '--key', '/cosign/cosign.key', ...flags];
  await Promise.all(
    images.map(({ ref, image }) => {
      const pinned = pinnedReference(ref);
      return withPassword
        .withFile('/cosign/sbom.cdx.json', sbomFile(p, image))
        .withExec(['cosign', 'sign', ...sign, pinned])
        .withExec([
          'cosign',
          'attest',
          ...sign,
          '--type',
          'cyclonedx',
          '--predicate',
          '/cosign/sbom.cdx.json',
          pinned,
        ])
        .withExec([
          'cosign',
          'attest',
          ...sign,
          '--type',
          'slsaprovenance1',
          '--predicate',
          '/cosign/provenance.json',
          pinned,
        ])
        .sync();
    }),
  );
}
