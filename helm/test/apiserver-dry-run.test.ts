import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARGOCD_DIR,
  ENVIRONMENTS,
  KUBE_VERSION,
  RELEASE,
  STRATEGIES,
  parseManifests,
  type Manifest,
} from '../scripts/lib/chart.js';
import { schemaDir } from '../scripts/lib/checks.js';
import {
  collectionPath,
  discover,
  startControlPlane,
  type ControlPlane,
} from './support/control-plane.js';
import { renderScenario } from './support/manifests.js';

type Kinds = Awaited<ReturnType<typeof discover>>;

/** Creates an object for real (namespaces, CRDs); throws with the API's message otherwise. */
async function create(plane: ControlPlane, path: string, body: unknown): Promise<void> {
  const res = await plane.call('POST', path, body);
  assert.ok(res.status === 201 || res.status === 409, `${path}: ${res.status} ${res.body.message}`);
}

/**
 * Server-side dry run of every manifest: strict field validation (unknown or duplicate fields are
 * errors), and any Warning (e.g. a Pod Security "restricted" violation) is reported too.
 */
async function dryRun(plane: ControlPlane, kinds: Kinds, manifests: Manifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const m of manifests) {
    const namespace = m.metadata.namespace ?? RELEASE.namespace;
    const path = `${collectionPath(m, kinds, namespace)}?dryRun=All&fieldValidation=Strict`;
    const res = await plane.call('POST', path, m);
    const id = `${m.kind}/${m.metadata.name}`;
    if (res.status !== 201) problems.push(`${id}: ${res.status} ${res.body.message}`);
    for (const w of res.warnings) problems.push(`${id}: warning ${w}`);
  }
  return problems;
}

describe('helm: server-side dry run against a real kube-apiserver + etcd', function () {
  this.timeout(180_000);
  let plane: ControlPlane;
  let kinds: Kinds;

  before(async () => {
    plane = await startControlPlane();
    const crdDir = join(schemaDir(), 'crds');
    const crds = readdirSync(crdDir).flatMap((f) =>
      parseManifests(readFileSync(join(crdDir, f), 'utf8')),
    );
    for (const crd of crds) {
      await create(plane, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    }
    // The release namespace enforces the "restricted" Pod Security Standard: admission itself
    // rejects pods that are not locked down, and warns on workloads whose pods would be.
    const restricted = {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    };
    await create(plane, '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: RELEASE.namespace, labels: restricted },
    });
    await create(plane, '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'argocd' },
    });
    // CRDs are served once established; discovery then lists their kinds.
    const deadline = Date.now() + 60_000;
    for (;;) {
      kinds = await discover(plane);
      if (
        [
          'argoproj.io/v1alpha1 Rollout',
          'monitoring.coreos.com/v1 Prometheus',
          'kyverno.io/v1 ClusterPolicy',
        ].every((k) => kinds.has(k))
      ) {
        break;
      }
      assert.ok(Date.now() < deadline, 'CRDs never became served');
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  after(async () => {
    await plane?.stop();
  });

  it('serves the pinned Kubernetes version', async () => {
    const version = await plane.call('GET', '/version');
    assert.equal(version.body.gitVersion, `v${KUBE_VERSION}`);
  });

  for (const env of ENVIRONMENTS) {
    for (const strategy of STRATEGIES) {
      it(`${env} × ${strategy}: the API server accepts every manifest, without warnings`, async () => {
        const { manifests } = await renderScenario(env, strategy);
        assert.deepEqual(await dryRun(plane, kinds, manifests), []);
      });
    }
  }

  it('Argo CD AppProject, Applications and the Kyverno policy are accepted by their CRDs', async () => {
    const manifests = readdirSync(ARGOCD_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseManifests(readFileSync(join(ARGOCD_DIR, f), 'utf8')));
    assert.equal(manifests.length, 4);
    const problems = await dryRun(plane, kinds, manifests);
    // Kyverno 1.19's CRD marks kyverno.io/v1 deprecated (policies.kyverno.io ImageValidatingPolicy
    // is its successor); ClusterPolicy verifyImages still works. That warning, and nothing else.
    const deprecated = problems.filter((p) =>
      p.startsWith(
        'ClusterPolicy/aichat-verify-images: warning 299 - "kyverno.io/v1 ClusterPolicy is deprecated',
      ),
    );
    assert.equal(deprecated.length, 1, problems.join('\n'));
    assert.deepEqual(
      problems.filter((p) => !deprecated.includes(p)),
      [],
    );
  });

  it('rejects what the chart must never render: unknown fields, non-restricted pods', async () => {
    const { manifests } = await renderScenario('production', 'canary');
    const rollout = structuredClone(manifests.find((m) => m.kind === 'Rollout'));
    assert.ok(rollout);
    (rollout.spec as Record<string, unknown>).revisionHistoryLimt = 5;
    const [typo] = await dryRun(plane, kinds, [rollout]);
    assert.match(typo ?? '', /unknown field "spec.revisionHistoryLimt"/);

    const testPod = structuredClone(manifests.find((m) => m.kind === 'Pod'));
    assert.ok(testPod);
    const spec = testPod.spec as { containers: { securityContext: Record<string, unknown> }[] };
    spec.containers[0]!.securityContext.allowPrivilegeEscalation = true;
    const [escalation] = await dryRun(plane, kinds, [testPod]);
    assert.match(escalation ?? '', /violates PodSecurity "restricted/);
  });
});
