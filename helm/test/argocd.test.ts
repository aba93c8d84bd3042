import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_DIR, CHART_DIR, HELM_DIR, parseManifests } from '../scripts/lib/chart.js';

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
