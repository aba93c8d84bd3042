import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  CHART_DIR,
  STRATEGIES,
  helmLint,
  helmTemplate,
  scenarioValues,
} from '../scripts/lib/chart.js';
import { renderScenario, workloads } from './support/manifests.js';

/** Digests as `promote` writes them (any well-formed sha256 will do for rendering). */
const BACKEND = `sha256:${'a'.repeat(64)}`;
const FRONTEND = `sha256:${'b'.repeat(64)}`;
const DIGESTS = { 'backend.image.digest': BACKEND, 'frontend.image.digest': FRONTEND };

interface ImageValues {
  registry: string;
  repository: string;
  digest?: string;
}

/** `<component>.image` of a values file, with values.yaml's defaults under it. */
function imageValues(file: string, component: 'backend' | 'frontend'): ImageValues {
  const read = (name: string): { [c: string]: { image?: Partial<ImageValues> } | undefined } =>
    parse(readFileSync(join(CHART_DIR, name), 'utf8'));
  return {
    ...read('values.yaml')[component]?.image,
    ...read(file)[component]?.image,
  } as ImageValues;
}

/** Image of every container, by "Kind/name container", for the containers running our images. */
function ourImages(manifests: Parameters<typeof workloads>[0]): Map<string, string> {
  const images = new Map<string, string>();
  for (const { id, template } of workloads(manifests)) {
    for (const c of template.spec.containers) {
      if (/\/aichat-(backend|frontend)[:@]/.test(c.image)) images.set(`${id} ${c.name}`, c.image);
    }
  }
  return images;
}

describe('helm chart: images by tag or by digest (issue #14)', function () {
  this.timeout(60_000);

  it('without a digest every workload runs registry/repository:tag (the appVersion)', async () => {
    const { manifests } = await renderScenario('staging', 'rolling');
    const images = ourImages(manifests);
    assert.deepEqual([...images.values()].sort(), [
      'ghcr.io/aichat/aichat-backend:0.1.0',
      'ghcr.io/aichat/aichat-frontend:0.1.0',
    ]);
  });

  for (const strategy of STRATEGIES) {
    it(`with digests (${strategy}) every workload runs registry/repository@digest, no tag`, async () => {
      // A tag given too is ignored: the digest is what was signed.
      const set = { ...DIGESTS, 'backend.image.tag': '9.9.9' };
      const { manifests } = await renderScenario('staging', strategy, { set });
      const images = ourImages(manifests);
      const backendKind = strategy === 'rolling' ? 'Deployment' : 'Rollout';
      assert.deepEqual(Object.fromEntries(images), {
        [`${backendKind}/aichat-backend backend`]: `ghcr.io/aichat/aichat-backend@${BACKEND}`,
        'Deployment/aichat-frontend frontend': `ghcr.io/aichat/aichat-frontend@${FRONTEND}`,
      });
    });
  }

  it('a registry override keeps the digest form (what the pipeline sets for its registry)', async () => {
    const set = {
      ...DIGESTS,
      'backend.image.registry': 'localhost:5000',
      'backend.image.repository': 'ci/aichat-backend',
    };
    const { manifests } = await renderScenario('staging', 'rolling', { set });
    assert.ok(
      [...ourImages(manifests).values()].includes(`localhost:5000/ci/aichat-backend@${BACKEND}`),
    );
  });

  it('production renders exactly the digests of values-production.yaml, everywhere', async () => {
    for (const strategy of STRATEGIES) {
      const { manifests } = await renderScenario('production', strategy);
      const images = [...ourImages(manifests).values()].sort();
      const expected = (['backend', 'frontend'] as const).map((component) => {
        const v = imageValues('values-production.yaml', component);
        assert.match(v.digest ?? '', /^sha256:[a-f0-9]{64}$/, `${component}.image.digest`);
        return `${v.registry}/${v.repository}@${v.digest}`;
      });
      assert.deepEqual(images, expected.sort(), strategy);
    }
  });

  it('production without digests refuses to render and names promote', async () => {
    const result = await helmTemplate({
      valuesFiles: scenarioValues('production', 'blueGreen'),
      set: { 'backend.image.digest': '', 'frontend.image.digest': '' },
    });
    assert.notEqual(result.code, 0);
    for (const component of ['backend', 'frontend']) {
      assert.match(
        result.stderr,
        new RegExp(
          `${component}\\.image\\.digest is required: production deploys signed digests only ` +
            "\\(requireDigest\\), never tags; run the pipeline's `promote --env production`",
        ),
      );
    }
    assert.equal(result.stdout, '', 'nothing rendered');
  });

  it('a digest that is not sha256:<64 hex> fails the values schema', async () => {
    for (const digest of [`sha256:${'a'.repeat(63)}`, `sha512:${'a'.repeat(64)}`, 'latest']) {
      const result = await helmLint({
        valuesFiles: scenarioValues('staging', 'rolling'),
        set: { 'frontend.image.digest': digest },
      });
      assert.notEqual(result.code, 0, digest);
      assert.match(
        result.stdout + result.stderr,
        /\/frontend\/image\/digest.*does not match pattern/,
      );
    }
  });
});
