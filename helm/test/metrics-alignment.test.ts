import assert from 'node:assert/strict';
import { createMetrics } from '../../app/src/metrics/index.js';
import { get, renderScenario } from './support/manifests.js';

/** Every series name the backend's registry can expose (histograms expand to their series). */
async function exposedSeries(): Promise<Set<string>> {
  const text = await createMetrics().registry.metrics();
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match;
    if (!name) continue;
    if (type === 'histogram' || type === 'summary') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    } else {
      names.add(name);
    }
  }
  return names;
}

describe('helm monitoring: queries use metrics the backend really exposes', function () {
  this.timeout(60_000);

  it('alerts, rollout analysis and the dashboard only name series from app/src/metrics', async () => {
    const exposed = await exposedSeries();
    assert.ok(exposed.has('aichat_http_request_duration_seconds_count'));
    const { manifests } = await renderScenario('production', 'canary');
    const sources = {
      PrometheusRule: JSON.stringify(get(manifests, 'PrometheusRule', 'aichat').spec),
      AnalysisTemplate: JSON.stringify(
        get(manifests, 'AnalysisTemplate', 'aichat-success-rate').spec,
      ),
      dashboard: (get(manifests, 'ConfigMap', 'aichat-dashboard').data as Record<string, string>)[
        'aichat.json'
      ],
    };
    for (const [source, text] of Object.entries(sources)) {
      const used = new Set((text ?? '').match(/\baichat_[a-z_]+/g) ?? []);
      assert.ok(used.size > 0, `${source} queries some metric`);
      for (const name of used) assert.ok(exposed.has(name), `${source} uses ${name}, not exposed`);
    }
  });

  it('the success-rate query filters on the histogram’s real status label', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.httpDuration.observe({ method: 'GET', route: '/api/models', status: '503' }, 0.1);
    const text = await metrics.registry.metrics();
    assert.match(text, /aichat_http_request_duration_seconds_count\{[^}]*status="503"/);
  });
});
