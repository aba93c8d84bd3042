import assert from 'node:assert/strict';
import { ENVIRONMENTS } from '../scripts/lib/chart.js';
import { find, get, namesOf, renderScenario } from './support/manifests.js';

interface AnalysisRef {
  templates: { templateName: string }[];
  args: { name: string; value: string }[];
}

interface RolloutSpec {
  replicas?: number;
  revisionHistoryLimit: number;
  strategy: {
    blueGreen?: {
      activeService: string;
      previewService: string;
      autoPromotionEnabled: boolean;
      scaleDownDelaySeconds: number;
      prePromotionAnalysis?: AnalysisRef;
      postPromotionAnalysis?: AnalysisRef;
    };
    canary?: {
      canaryService: string;
      steps: Record<string, unknown>[];
      analysis?: AnalysisRef & { startingStep: number };
    };
  };
}

interface AnalysisTemplateSpec {
  args: { name: string; value?: string }[];
  metrics: {
    name: string;
    successCondition: string;
    failureCondition: string;
    failureLimit: number;
    provider: { prometheus: { address: string; query: string } };
  }[];
}

describe('helm chart: progressive delivery (Argo Rollouts)', function () {
  this.timeout(60_000);

  for (const env of ENVIRONMENTS) {
    it(`${env}: rolling renders a Deployment and no Argo Rollouts objects`, async () => {
      const { manifests } = await renderScenario(env, 'rolling');
      assert.ok(find(manifests, 'Deployment', 'aichat-backend'));
      assert.deepEqual(namesOf(manifests, 'Rollout'), []);
      assert.deepEqual(namesOf(manifests, 'AnalysisTemplate'), []);
      assert.ok(!namesOf(manifests, 'Service').includes('aichat-backend-preview'));
    });
  }

  it('blueGreen: a Rollout with active/preview Services, manual promotion, 30 s scale-down, pre/post analysis', async () => {
    const { manifests } = await renderScenario('production', 'blueGreen');
    assert.equal(find(manifests, 'Deployment', 'aichat-backend'), undefined);
    const rollout = get<RolloutSpec>(manifests, 'Rollout', 'aichat-backend').spec;
    const bg = rollout.strategy.blueGreen;
    assert.ok(bg);
    assert.equal(bg.activeService, 'aichat-backend');
    assert.equal(bg.previewService, 'aichat-backend-preview');
    assert.equal(bg.autoPromotionEnabled, false);
    assert.equal(bg.scaleDownDelaySeconds, 30);
    assert.equal(rollout.revisionHistoryLimit, 5);
    const services = namesOf(manifests, 'Service');
    assert.ok(services.includes('aichat-backend') && services.includes('aichat-backend-preview'));
    // Before promotion the preview (new) pods are measured, after it the active ones.
    assert.deepEqual(bg.prePromotionAnalysis?.templates, [{ templateName: 'aichat-success-rate' }]);
    assert.deepEqual(bg.prePromotionAnalysis?.args, [
      { name: 'service-name', value: 'aichat-backend-preview' },
    ]);
    assert.deepEqual(bg.postPromotionAnalysis?.args, [
      { name: 'service-name', value: 'aichat-backend' },
    ]);
    assert.ok(find(manifests, 'AnalysisTemplate', 'aichat-success-rate'));
  });

  it('canary: 10% 1m, 20% 1m, 50% 2m, 100%, analysed on the canary Service', async () => {
    const { manifests } = await renderScenario('staging', 'canary');
    const canary = get<RolloutSpec>(manifests, 'Rollout', 'aichat-backend').spec.strategy.canary;
    assert.ok(canary);
    assert.deepEqual(canary.steps, [
      { setWeight: 10 },
      { pause: { duration: '1m' } },
      { setWeight: 20 },
      { pause: { duration: '1m' } },
      { setWeight: 50 },
      { pause: { duration: '2m' } },
      { setWeight: 100 },
    ]);
    assert.equal(canary.canaryService, 'aichat-backend-canary');
    assert.ok(namesOf(manifests, 'Service').includes('aichat-backend-canary'));
    assert.deepEqual(canary.analysis?.templates, [{ templateName: 'aichat-success-rate' }]);
    assert.deepEqual(canary.analysis?.args, [
      { name: 'service-name', value: 'aichat-backend-canary' },
    ]);
  });

  it('the HPA scales the Rollout, not a Deployment, under blueGreen and canary', async () => {
    for (const strategy of ['blueGreen', 'canary'] as const) {
      const { manifests } = await renderScenario('production', strategy);
      const hpa = get<{ scaleTargetRef: { kind: string; apiVersion: string } }>(
        manifests,
        'HorizontalPodAutoscaler',
        'aichat-backend',
      );
      assert.deepEqual(hpa.spec.scaleTargetRef, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        name: 'aichat-backend',
      });
    }
  });

  it('success-rate: the backend request histogram, failing below 0.9, against the in-chart Prometheus', async () => {
    const { manifests } = await renderScenario('production', 'canary');
    const spec = get<AnalysisTemplateSpec>(
      manifests,
      'AnalysisTemplate',
      'aichat-success-rate',
    ).spec;
    assert.deepEqual(
      spec.args.map((a) => a.name),
      ['service-name', 'namespace'],
    );
    const [metric] = spec.metrics;
    assert.ok(metric);
    assert.equal(metric.failureLimit, 0);
    assert.match(metric.successCondition, /result\[0\] >= 0\.9$/);
    assert.equal(metric.failureCondition, 'len(result) > 0 && result[0] < 0.9');
    assert.equal(metric.provider.prometheus.address, 'http://aichat-prometheus.aichat.svc:9090');
    // Argo Rollouts substitutes {{args.*}}; helm must have left those placeholders intact.
    const query = metric.provider.prometheus.query;
    assert.match(
      query,
      /aichat_http_request_duration_seconds_count\{namespace="\{\{args\.namespace\}\}",service="\{\{args\.service-name\}\}",status!~"5\.\."\}/,
    );
    assert.ok(find(manifests, 'Service', 'aichat-prometheus'));
  });

  it('dev (no Prometheus) rolls out without analysis', async () => {
    const { manifests } = await renderScenario('dev', 'canary');
    const canary = get<RolloutSpec>(manifests, 'Rollout', 'aichat-backend').spec.strategy.canary;
    assert.equal(canary?.analysis, undefined);
    assert.deepEqual(namesOf(manifests, 'AnalysisTemplate'), []);
  });
});
