import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_DIR, ENVIRONMENTS, STRATEGIES } from '../scripts/lib/chart.js';
import { get, namesOf, renderScenario, workloads, type PodTemplate } from './support/manifests.js';

interface IngressPath {
  path: string;
  pathType: string;
  backend: { service: { name: string; port: { name: string } } };
}

interface IngressSpec {
  ingressClassName: string;
  tls?: { hosts: string[]; secretName: string }[];
  rules: { host: string; http: { paths: IngressPath[] } }[];
}

/** Patterns of secret material: none may appear in values files or rendered manifests. */
const SECRET_PATTERNS: [string, RegExp][] = [
  ['OpenAI-style API key', /\bsk-[A-Za-z0-9_-]{16,}/],
  ['credentials in a URL', /\b(postgres(ql)?|redis|rediss|https?):\/\/[^\s/:@"']*:[^\s/@"']+@/],
  ['a password value', /\bpassword\s*[:=]\s*["']?[^\s"'{}]+/i],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

/** Env var names that carry secrets: they must come from a secretKeyRef, never a literal. */
const SECRET_ENV = /PASSWORD|SECRET|_TOKEN$|API_KEY|DATABASE_URL|REDIS_URL/;

const backendTemplate = async (
  set: Record<string, string> = {},
  env: (typeof ENVIRONMENTS)[number] = 'staging',
): Promise<PodTemplate> => {
  const { manifests } = await renderScenario(env, 'rolling', { set });
  return get<{ template: PodTemplate }>(manifests, 'Deployment', 'aichat-backend').spec.template;
};

describe('helm chart: configuration, secrets, routing, monitoring', function () {
  this.timeout(60_000);

  it('values files hold no secret material', () => {
    const files = readdirSync(CHART_DIR).filter((f) => /^values.*\.yaml$/.test(f));
    assert.deepEqual(files.sort(), [
      'values-dev.yaml',
      'values-production.yaml',
      'values-staging.yaml',
      'values.yaml',
    ]);
    for (const file of files) {
      const text = readFileSync(join(CHART_DIR, file), 'utf8');
      for (const [what, pattern] of SECRET_PATTERNS) {
        assert.doesNotMatch(text, pattern, `${file} contains ${what}`);
      }
    }
  });

  it('the secret patterns do catch secret material (the check above can fail)', () => {
    const leaks = [
      'apiKey: sk-proj-abcdefghijklmnopqrstuvwx',
      'url: postgres://aichat:hunter22@db:5432/aichat',
      'REDIS_URL=redis://:s3cret@redis:6379',
      'password: postgres',
    ];
    for (const leak of leaks) {
      assert.ok(
        SECRET_PATTERNS.some(([, p]) => p.test(leak)),
        `no pattern flags ${JSON.stringify(leak)}`,
      );
    }
  });

  for (const env of ENVIRONMENTS) {
    it(`${env}: rendered output has no Secret objects, no secret literals, secrets only by reference`, async () => {
      for (const strategy of STRATEGIES) {
        const { yaml, manifests } = await renderScenario(env, strategy);
        assert.deepEqual(namesOf(manifests, 'Secret'), []);
        for (const [what, pattern] of SECRET_PATTERNS) {
          assert.doesNotMatch(yaml, pattern, `${env}/${strategy} output contains ${what}`);
        }
        for (const { id, template } of workloads(manifests)) {
          for (const c of template.spec.containers) {
            for (const e of c.env ?? []) {
              if (!SECRET_ENV.test(e.name)) continue;
              assert.equal(e.value, undefined, `${id} ${c.name}: ${e.name} is a literal`);
              assert.equal(e.valueFrom?.secretKeyRef?.name, 'aichat-secrets', `${id} ${e.name}`);
            }
          }
        }
      }
    });
  }

  it('the backend gets DATABASE_URL, REDIS_URL and OPENAI_API_KEY from the existing Secret keys', async () => {
    const template = await backendTemplate();
    const env = Object.fromEntries(
      (template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef]),
    );
    assert.deepEqual(env.DATABASE_URL, { name: 'aichat-secrets', key: 'database-url' });
    assert.deepEqual(env.REDIS_URL, { name: 'aichat-secrets', key: 'redis-url' });
    assert.deepEqual(env.OPENAI_API_KEY, {
      name: 'aichat-secrets',
      key: 'openai-api-key',
      optional: true,
    });
  });

  it('a config change rolls the backend pods (checksum/config) and leaves the frontend alone', async () => {
    const before = await backendTemplate();
    const again = await backendTemplate({});
    const after = await backendTemplate({ 'backend.config.logLevel': 'debug' });
    const sum = (t: PodTemplate): string | undefined => t.metadata.annotations?.['checksum/config'];
    assert.match(sum(before) ?? '', /^[0-9a-f]{64}$/);
    assert.equal(sum(again), sum(before), 'same values, same checksum');
    assert.notEqual(sum(after), sum(before), 'changed config, changed checksum');

    const frontend = async (set: Record<string, string>): Promise<string | undefined> => {
      const { manifests } = await renderScenario('staging', 'rolling', { set });
      return get<{ template: PodTemplate }>(manifests, 'Deployment', 'aichat-frontend').spec
        .template.metadata.annotations?.['checksum/config'];
    };
    assert.equal(await frontend({ 'backend.config.logLevel': 'debug' }), await frontend({}));
  });

  it('pointing at another Secret rolls the pods (checksum/secret)', async () => {
    const sum = (t: PodTemplate): string | undefined => t.metadata.annotations?.['checksum/secret'];
    const before = await backendTemplate();
    const after = await backendTemplate({ 'secrets.existingSecret': 'aichat-secrets-v2' });
    assert.match(sum(before) ?? '', /^[0-9a-f]{64}$/);
    assert.notEqual(sum(after), sum(before));
  });

  it('the backend ConfigMap carries the non-secret environment of the app config', async () => {
    const { manifests } = await renderScenario('production');
    const data = get(manifests, 'ConfigMap', 'aichat-backend').data as Record<string, string>;
    assert.equal(data.PORT, '8080');
    assert.equal(data.COOKIE_SECURE, 'true');
    assert.equal(data.TRUST_PROXY, 'true');
    assert.equal(data.SHUTDOWN_GRACE_MS, '10000');
    for (const key of Object.keys(data)) assert.doesNotMatch(key, SECRET_ENV);
  });

  for (const [env, host, issuer] of [
    ['staging', 'staging.aichatapp.com', 'letsencrypt-staging'],
    ['production', 'aichatapp.com', 'letsencrypt-prod'],
  ] as const) {
    it(`${env}: the ingress routes /api and /ws to the backend and / to the frontend over TLS on ${host}`, async () => {
      const { manifests } = await renderScenario(env, 'blueGreen');
      const ingress = get<IngressSpec>(manifests, 'Ingress', 'aichat');
      assert.equal(ingress.spec.ingressClassName, 'nginx');
      assert.deepEqual(ingress.spec.tls, [{ hosts: [host], secretName: 'aichat-tls' }]);
      const annotations = ingress.metadata.annotations ?? {};
      assert.equal(annotations['cert-manager.io/cluster-issuer'], issuer);
      assert.ok(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']) >= 3600);
      assert.ok(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout']) >= 3600);
      assert.equal(ingress.spec.rules.length, 1);
      const rule = ingress.spec.rules[0]!;
      assert.equal(rule.host, host);
      const routes = Object.fromEntries(
        rule.http.paths.map((p) => [p.path, `${p.pathType} ${p.backend.service.name}`]),
      );
      assert.deepEqual(routes, {
        '/api': 'Prefix aichat-backend',
        '/ws': 'Prefix aichat-backend',
        '/': 'Prefix aichat-frontend',
      });
      const services = namesOf(manifests, 'Service');
      for (const p of rule.http.paths) assert.ok(services.includes(p.backend.service.name));
    });
  }

  it('NetworkPolicies allow only the listed flows for every component', async () => {
    interface Peer {
      podSelector?: { matchLabels?: Record<string, string> };
      namespaceSelector?: { matchLabels?: Record<string, string> };
      ipBlock?: { cidr: string; except?: string[] };
    }
    interface NetpolSpec {
      policyTypes: string[];
      ingress?: { from: Peer[] }[];
      egress?: { to: Peer[]; ports: { port: number | string }[] }[];
    }
    const { manifests } = await renderScenario('staging');
    assert.deepEqual(namesOf(manifests, 'NetworkPolicy').sort(), [
      'aichat-backend',
      'aichat-frontend',
      'aichat-postgresql',
      'aichat-redis',
    ]);
    for (const name of namesOf(manifests, 'NetworkPolicy')) {
      assert.deepEqual(get<NetpolSpec>(manifests, 'NetworkPolicy', name).spec.policyTypes, [
        'Ingress',
        'Egress',
      ]);
    }
    const backend = get<NetpolSpec>(manifests, 'NetworkPolicy', 'aichat-backend').spec;
    const egressPorts = (backend.egress ?? []).flatMap((r) => r.ports.map((p) => p.port));
    assert.deepEqual(egressPorts, [53, 53, 5432, 6379, 443]);
    const internet = backend.egress?.find((r) => r.to.some((p) => p.ipBlock));
    assert.ok(internet?.to[0]?.ipBlock?.except?.includes('10.0.0.0/8'), 'no private ranges');
    const fromComponents = (backend.ingress?.[0]?.from ?? []).map(
      (p) => p.podSelector?.matchLabels?.['app.kubernetes.io/component'],
    );
    assert.ok(fromComponents.includes('frontend'));
    const postgres = get<NetpolSpec>(manifests, 'NetworkPolicy', 'aichat-postgresql').spec;
    assert.deepEqual(postgres.egress, [], 'PostgreSQL may not connect anywhere');
    assert.deepEqual(
      postgres.ingress?.[0]?.from.map(
        (p) => p.podSelector?.matchLabels?.['app.kubernetes.io/component'],
      ),
      ['backend'],
    );
    const production = await renderScenario('production');
    const prodBackend = get<NetpolSpec>(production.manifests, 'NetworkPolicy', 'aichat-backend');
    const prodPorts = (prodBackend.spec.egress ?? []).flatMap((r) => r.ports.map((p) => p.port));
    assert.deepEqual(prodPorts, [53, 53, 443, 5432, 6379], 'managed databases via extra egress');
  });

  it('monitoring: ServiceMonitor on /metrics, alerts and dashboard in staging/production, Prometheus retention 7d/30d', async () => {
    const dev = await renderScenario('dev');
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'Prometheus']) {
      assert.deepEqual(namesOf(dev.manifests, kind), [], `dev has no ${kind}`);
    }
    for (const [env, retention] of [
      ['staging', '7d'],
      ['production', '30d'],
    ] as const) {
      const { manifests } = await renderScenario(env);
      const prometheus = get<{ retention: string }>(manifests, 'Prometheus', 'aichat-prometheus');
      assert.equal(prometheus.spec.retention, retention);
      const monitor = get<{ endpoints: { port: string; path: string }[] }>(
        manifests,
        'ServiceMonitor',
        'aichat-backend',
      );
      assert.deepEqual(
        monitor.spec.endpoints.map((e) => `${e.port} ${e.path}`),
        ['http /metrics'],
      );
      const rules = get<{ groups: { rules: { alert: string }[] }[] }>(
        manifests,
        'PrometheusRule',
        'aichat',
      );
      const alerts = rules.spec.groups.flatMap((g) => g.rules.map((r) => r.alert));
      for (const alert of [
        'AichatHighErrorRate',
        'AichatSlowTimeToFirstToken',
        'AichatPodRestarting',
      ]) {
        assert.ok(alerts.includes(alert), `${env}: ${alert}`);
      }
      const dashboard = get(manifests, 'ConfigMap', 'aichat-dashboard');
      assert.equal(dashboard.metadata.labels?.grafana_dashboard, '1');
      const json = JSON.parse((dashboard.data as Record<string, string>)['aichat.json'] ?? '');
      assert.ok(json.panels.length >= 6);
    }
  });
});
