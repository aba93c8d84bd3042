import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_TYPE, provenancePredicate } from '../src/release/provenance.js';
import {
  componentOf,
  parseReference,
  pinnedReference,
  publishedImages,
} from '../src/release/references.js';
import { deployedImages, setImages, splitRegistry, valuesFile } from '../src/release/values.js';
import { attestationSummary, failureReason, verifyFailure } from '../src/release/verify-gate.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const fixture = (name: string) => readFileSync(join(here, 'fixtures', 'cosign', name), 'utf8');
const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;
// What `publish` prints for a build pushed to a local registry: each image as the sha and latest.
const PUBLISHED = [
  `aichat-registry:5000/aichat/aichat-backend:4f2c1a@${D1}`,
  `aichat-registry:5000/aichat/aichat-backend:latest@${D1}`,
  `aichat-registry:5000/aichat/aichat-frontend:4f2c1a@${D2}`,
  `aichat-registry:5000/aichat/aichat-frontend:latest@${D2}`,
];

describe('release: image references', () => {
  it('parses registry ports, tags and digests apart', () => {
    assert.deepEqual(parseReference(PUBLISHED[0] ?? ''), {
      repository: 'aichat-registry:5000/aichat/aichat-backend',
      name: 'aichat-backend',
      tag: '4f2c1a',
      digest: D1,
    });
    assert.deepEqual(parseReference('localhost:5000/app'), {
      repository: 'localhost:5000/app',
      name: 'app',
    });
    assert.equal(
      pinnedReference(PUBLISHED[1] ?? ''),
      `aichat-registry:5000/aichat/aichat-backend@${D1}`,
    );
  });

  it('refuses what is not a reference, a bad digest, or a reference without a digest where one is needed', () => {
    assert.throws(() => parseReference(''), /not an image reference/);
    assert.throws(() => parseReference('ghcr.io/o/x@sha256:12'), /not a sha256 digest/);
    assert.throws(() => parseReference('ghcr.io/o/x:'), /not an image reference/);
    assert.throws(() => pinnedReference('ghcr.io/o/x:1'), /has no digest/);
  });

  it('maps publish output to one image per component, keeping the build tag over latest', () => {
    const images = publishedImages([...PUBLISHED].reverse());
    assert.equal(images.backend.digest, D1);
    assert.equal(images.backend.tag, '4f2c1a');
    assert.equal(images.frontend.digest, D2);
    assert.equal(componentOf('ghcr.io/o/aichat-frontend:1'), 'frontend');
    assert.equal(componentOf('ghcr.io/o/other:1'), undefined);
    // The CLI passes a list argument comma-separated; a shell may hand it over space-separated.
    assert.deepEqual(publishedImages([PUBLISHED.join(' ')]), images);
  });

  it('refuses a partial or inconsistent release', () => {
    assert.throws(() => publishedImages([PUBLISHED[0] ?? '']), /no reference for aichat-frontend/);
    assert.throws(
      () => publishedImages([...PUBLISHED, `aichat-registry:5000/aichat/aichat-backend:x@${D2}`]),
      /two images for aichat-backend/,
    );
    assert.throws(() => publishedImages(['ghcr.io/o/aichat-backend:1', ...PUBLISHED]), /no digest/);
    assert.throws(() => publishedImages(['ghcr.io/o/redis@' + D1]), /is not one of/);
  });
});

describe('release: promote writes the published images into a values file', () => {
  it('splits the registry host by Docker rule', () => {
    assert.deepEqual(splitRegistry('ghcr.io/o/aichat-backend'), {
      registry: 'ghcr.io',
      repository: 'o/aichat-backend',
    });
    assert.deepEqual(splitRegistry('localhost/a'), { registry: 'localhost', repository: 'a' });
    assert.deepEqual(splitRegistry('team/app'), { registry: '', repository: 'team/app' });
  });

  it('names only the environments that have a values file', () => {
    assert.equal(valuesFile('staging'), 'helm/aichat/values-staging.yaml');
    assert.throws(() => valuesFile('../secrets'), /unknown environment/);
  });

  it('keeps comments and other keys, and sets registry, repository, tag and digest', () => {
    const before =
      '# Production\nenvironment: production\nbackend:\n  image:\n    # -- set by promote\n    tag: 0.1.0\n  replicaCount: 5\n';
    const after = setImages(before, publishedImages(PUBLISHED));
    assert.match(after, /^# Production\n/);
    assert.match(after, /# -- set by promote/);
    assert.match(after, /replicaCount: 5/);
    assert.match(after, new RegExp(`digest: "?${D1}"?`));
    assert.match(after, /registry: aichat-registry:5000/);
    assert.match(after, /repository: aichat\/aichat-frontend/);
  });

  it('reads back what an environment deploys, chart defaults under its values file', () => {
    const defaults = readFileSync(join(repo, 'helm', 'aichat', 'values.yaml'), 'utf8');
    const staging = setImages('environment: staging\n', publishedImages(PUBLISHED));
    assert.deepEqual(deployedImages([defaults, staging]), [
      `aichat-registry:5000/aichat/aichat-backend:4f2c1a@${D1}`,
      `aichat-registry:5000/aichat/aichat-frontend:4f2c1a@${D2}`,
    ]);
    // Only a digest set in the file: registry and repository come from the chart's defaults.
    const digestOnly = `backend:\n  image:\n    digest: ${D1}\nfrontend:\n  image:\n    digest: ${D2}\n`;
    assert.deepEqual(deployedImages([defaults, digestOnly]), [
      `ghcr.io/aichat/aichat-backend@${D1}`,
      `ghcr.io/aichat/aichat-frontend@${D2}`,
    ]);
    assert.throws(() => deployedImages([defaults]), /backend.image.digest is not set/);
  });
});

describe('release: provenance', () => {
  it('records the revision, the function and its parameters, and every image digest', () => {
    const predicate = provenancePredicate({
      revision: '4f2c1a',
      sourceUri: 'git+https://github.com/o/aichat',
      invocation: { function: 'publish', parameters: { registry: 'ghcr.io/o', tag: '4f2c1a' } },
      images: { 'ghcr.io/o/aichat-backend': D1 },
      builderId: 'https://github.com/o/aichat/actions/runs/1',
      startedOn: new Date('2026-11-29T00:00:00Z'),
      finishedOn: new Date('2026-11-29T00:01:00Z'),
    });
    assert.deepEqual(predicate, {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: { function: 'publish', registry: 'ghcr.io/o', tag: '4f2c1a' },
        resolvedDependencies: [
          { uri: 'git+https://github.com/o/aichat', digest: { gitCommit: '4f2c1a' } },
        ],
      },
      runDetails: {
        builder: { id: 'https://github.com/o/aichat/actions/runs/1' },
        metadata: {
          invocationId: '4f2c1a/publish',
          startedOn: '2026-11-29T00:00:00.000Z',
          finishedOn: '2026-11-29T00:01:00.000Z',
        },
        byproducts: [{ name: 'ghcr.io/o/aichat-backend', digest: { sha256: 'a'.repeat(64) } }],
      },
    });
  });
});

describe('release: verify names why cosign refused (recorded cosign v2.6.5 output)', () => {
  it('tells unsigned, wrong key and missing attestations apart', () => {
    assert.equal(
      failureReason('signature', fixture('verify-unsigned.txt')),
      'unsigned: no signature for this digest',
    );
    assert.equal(
      failureReason('signature', fixture('verify-wrong-key.txt')),
      'signed, but not by this key',
    );
    assert.equal(
      failureReason('sbom', fixture('verify-attestation-none.txt')),
      'no CycloneDX SBOM attestation signed by this key',
    );
    assert.equal(
      failureReason('provenance', fixture('verify-attestation-other-type.txt')),
      'no SLSA provenance attestation signed by this key',
    );
    assert.match(failureReason('signature', 'Error: boom\n'), /cosign failed: Error: boom/);
  });

  it('passes only when every check of every image passed, naming each failure', () => {
    const ok = { image: 'r/app@x', check: 'signature' as const, exitCode: 0, output: '' };
    assert.equal(verifyFailure([ok]), null);
    const failure = verifyFailure([
      ok,
      {
        image: 'r/app@x',
        check: 'sbom',
        exitCode: 1,
        output: fixture('verify-attestation-none.txt'),
      },
    ]);
    assert.equal(
      failure,
      'verify failed:\nr/app@x: sbom: no CycloneDX SBOM attestation signed by this key',
    );
  });

  it('reads each attestation type and size from the verified envelopes', () => {
    const [att, ...rest] = attestationSummary(fixture('verify-attestation-cyclonedx.txt'));
    assert.equal(rest.length, 0);
    assert.equal(att?.predicateType, 'https://cyclonedx.org/bom');
    assert.ok((att?.bytes ?? 0) > 100, `statement size ${att?.bytes}`);
  });
});
