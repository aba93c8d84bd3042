import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_DIR, CHART_DIR, HELM_DIR, parseManifests } from '../scripts/lib/chart.js';
import { kubeconform } from '../scripts/lib/checks.js';
// The provenance's buildType is the pipeline's; the policy must ask for that very value.
import { BUILD_TYPE } from '../../dagger/src/release/provenance.js';
import { renderScenario, workloads } from './support/manifests.js';

interface ApplicationSpec {
  project: string;
  source: {
    repoURL: string;
    targetRevision: string;
    path: string;
    helm: { releaseName: string; valueFiles: string[]; [inline: string]: unknown };
  };
  destination: { server: string; namespace: string };
  syncPolicy: {
    automated: { prune: boolean; selfHeal: boolean };
    syncOptions: string[];
    retry: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } };
  };
}

const application = (env: string): { name: string; spec: ApplicationSpec } => {
  const [app] = parseManifests(readFileSync(join(ARGOCD_DIR, `${env}.yaml`), 'utf8'));
  assert.equal(app?.kind, 'Application');
  return { name: app.metadata.name, spec: app.spec as ApplicationSpec };
};

describe('helm/argocd: Applications', () => {
  for (const [env, branch] of [
    ['staging', 'develop'],
    ['production', 'main'],
  ] as const) {
    it(`${env} tracks ${branch} with values-${env}.yaml and the guide's sync policy`, () => {
      const { name, spec } = application(env);
      assert.equal(name, `aichat-${env}`);
      assert.equal(spec.project, 'aichat');
      assert.equal(spec.source.targetRevision, branch);
      assert.equal(spec.source.path, 'helm/aichat');
      assert.equal(join(HELM_DIR, '..', spec.source.path), CHART_DIR.replace(/\/$/, ''));
      assert.deepEqual(spec.source.helm.valueFiles, [`values-${env}.yaml`]);
      for (const file of spec.source.helm.valueFiles) {
        assert.ok(existsSync(join(CHART_DIR, file)), `${file} exists in the chart`);
      }
      // Values live in the values files only: nothing inline to drift from them.
      assert.deepEqual(Object.keys(spec.source.helm).sort(), ['releaseName', 'valueFiles']);
      assert.equal(spec.destination.namespace, `aichat-${env}`);
      assert.deepEqual(spec.syncPolicy.automated, { prune: true, selfHeal: true });
      assert.deepEqual(spec.syncPolicy.syncOptions, [
        'CreateNamespace=true',
        'PrunePropagationPolicy=foreground',
        'PruneLast=true',
      ]);
      assert.deepEqual(spec.syncPolicy.retry, {
        limit: 5,
        backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
      });
    });
  }

  it('the project admits only this repository and the two namespaces', () => {
    const [project] = parseManifests(readFileSync(join(ARGOCD_DIR, 'project.yaml'), 'utf8'));
    const spec = project?.spec as { sourceRepos: string[]; destinations: { namespace: string }[] };
    const repos = ['staging', 'production'].map((env) => application(env).spec.source.repoURL);
    assert.deepEqual(spec.sourceRepos, [...new Set(repos)]);
    assert.deepEqual(
      spec.destinations.map((d) => d.namespace),
      ['aichat-staging', 'aichat-production'],
    );
  });
});

interface KeyEntry {
  keys: {
    publicKeys: string;
    signatureAlgorithm: string;
    rekor: { ignoreTlog: boolean };
    ctlog: { ignoreSCT: boolean };
  };
}
interface Attestors {
  count: number;
  entries: KeyEntry[];
}
interface VerifyImages {
  type: string;
  imageReferences: string[];
  failureAction: string;
  mutateDigest: boolean;
  verifyDigest: boolean;
  required: boolean;
  attestors: Attestors[];
  attestations: {
    type: string;
    attestors: Attestors[];
    conditions: { all: { key: string; operator: string; value: string }[] }[];
  }[];
}
interface ClusterPolicySpec {
  background: boolean;
  failurePolicy: string;
  rules: {
    match: { any: { resources: { kinds: string[]; namespaces: string[] } }[] };
    verifyImages: VerifyImages[];
  }[];
}

const POLICY_FILE = join(ARGOCD_DIR, 'verify-images.yaml');
const policyYaml = (): string => readFileSync(POLICY_FILE, 'utf8');

/** Kyverno's image pattern semantics: `*` any run of characters (slashes too), `?` one. */
const wildcard = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('')
      .map((ch) =>
        ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&'),
      )
      .join('')}$`,
  );

describe('helm/argocd: image admission policy (Kyverno verifyImages)', function () {
  this.timeout(60_000);

  const policy = (): { kind: string; spec: ClusterPolicySpec } => {
    const [doc, ...rest] = parseManifests(policyYaml());
    assert.equal(rest.length, 0);
    assert.equal(doc?.apiVersion, 'kyverno.io/v1');
    assert.equal(doc?.kind, 'ClusterPolicy');
    return { kind: doc.kind, spec: doc.spec as ClusterPolicySpec };
  };

  it('validates with kubeconform -strict against the Kyverno ClusterPolicy CRD schema', async () => {
    const result = await kubeconform(policyYaml());
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Valid: 1, Invalid: 0, Errors: 0, Skipped: 0/);
  });

  it('kubeconform refuses a misspelled field and a wrong enum in it (the check can fail)', async () => {
    const typo = policyYaml().replace('verifyDigest: true', 'verifyDigests: true');
    assert.notEqual(typo, policyYaml());
    const typoResult = await kubeconform(typo);
    assert.equal(typoResult.code, 1);
    assert.match(typoResult.stdout, /additional properties 'verifyDigests' not allowed/);
    const badEnum = policyYaml().replace('failureAction: Enforce', 'failureAction: Enforced');
    const enumResult = await kubeconform(badEnum);
    assert.equal(enumResult.code, 1);
    assert.match(enumResult.stdout, /failureAction.*must be one of/);
  });

  it('embeds exactly helm/argocd/cosign.pub, a P-256 public key, in every attestor', () => {
    const pem = readFileSync(join(ARGOCD_DIR, 'cosign.pub'), 'utf8');
    const key = createPublicKey(pem);
    assert.equal(key.asymmetricKeyType, 'ec');
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const [rule] = policy().spec.rules;
    const [verify] = rule?.verifyImages ?? [];
    assert.ok(verify);
    const attestors = [...verify.attestors, ...verify.attestations.flatMap((a) => a.attestors)];
    const entries = attestors.flatMap((a) => a.entries);
    assert.equal(entries.length, 3, 'the signature, the SBOM and the provenance');
    for (const { keys } of entries) {
      assert.equal(keys.publicKeys, pem.trim());
      assert.equal(keys.signatureAlgorithm, 'sha256');
    }
    // Only the public half is ever committed (the private key lives in the CI secret).
    for (const file of readdirSync(ARGOCD_DIR)) {
      const text = readFileSync(join(ARGOCD_DIR, file), 'utf8');
      assert.doesNotMatch(text, /PRIVATE KEY/, file);
    }
  });

  it('enforces signature, digest, SBOM and provenance in both aichat namespaces', () => {
    const { spec } = policy();
    assert.equal(spec.background, false);
    assert.equal(spec.failurePolicy, 'Fail');
    assert.equal(spec.rules.length, 1);
    const [rule] = spec.rules;
    const [project] = parseManifests(readFileSync(join(ARGOCD_DIR, 'project.yaml'), 'utf8'));
    const destinations = (project?.spec as { destinations: { namespace: string }[] }).destinations;
    assert.deepEqual(rule?.match.any, [
      { resources: { kinds: ['Pod'], namespaces: destinations.map((d) => d.namespace) } },
    ]);
    const [verify, ...more] = rule?.verifyImages ?? [];
    assert.equal(more.length, 0);
    assert.ok(verify);
    assert.equal(verify.type, 'Cosign');
    assert.equal(verify.failureAction, 'Enforce');
    assert.equal(verify.mutateDigest, true);
    assert.equal(verify.verifyDigest, true);
    assert.equal(verify.required, true);
    // The predicate types cosign gives `--type cyclonedx` and `--type slsaprovenance1`, each
    // checked for content: a CycloneDX document, a provenance written by our `publish`.
    assert.deepEqual(
      verify.attestations.map((a) => [
        a.type,
        a.conditions.flatMap((c) =>
          c.all.map(({ key, operator, value }) => [key, operator, value]),
        ),
      ]),
      [
        ['https://cyclonedx.org/bom', [['{{ bomFormat }}', 'Equals', 'CycloneDX']]],
        [
          'https://slsa.dev/provenance/v1',
          [['{{ buildDefinition.buildType }}', 'Equals', BUILD_TYPE]],
        ],
      ],
    );
  });

  it('covers the images production deploys, and no third-party image', async () => {
    const [rule] = policy().spec.rules;
    const patterns = (rule?.verifyImages[0]?.imageReferences ?? []).map(wildcard);
    const covered = (image: string): boolean => patterns.some((p) => p.test(image));
    const { manifests } = await renderScenario('production', 'blueGreen');
    const images = workloads(manifests).flatMap(({ template }) =>
      template.spec.containers.map((c) => c.image),
    );
    const ours = images.filter((image) => /\/aichat-(backend|frontend)@/.test(image));
    assert.equal(ours.length, 2, images.join(', '));
    for (const image of ours) assert.ok(covered(image), `${image} is not verified`);
    for (const image of [
      'docker.io/curlimages/curl:8.16.0',
      'docker.io/library/postgres:17.6-alpine',
      'ghcr.io/other/aichat-backend:1.0.0',
    ]) {
      assert.ok(!covered(image), `${image} should not be matched`);
    }
  });
});
