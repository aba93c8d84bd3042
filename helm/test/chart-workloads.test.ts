import assert from 'node:assert/strict';
import { ENVIRONMENTS } from '../scripts/lib/chart.js';
import {
  find,
  get,
  namesOf,
  renderScenario,
  workloads,
  type Container,
  type PodTemplate,
} from './support/manifests.js';

interface WorkloadSpec {
  replicas?: number;
  revisionHistoryLimit?: number;
  template: PodTemplate;
}

interface HpaSpec {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
}

const container = (template: PodTemplate, name: string): Container => {
  const found = template.spec.containers.find((c) => c.name === name);
  assert.ok(found, `container ${name}`);
  return found;
};

describe('helm chart: workloads per environment', function () {
  this.timeout(60_000);

  it('dev runs 1 backend and 1 frontend pod with in-chart PostgreSQL and Redis', async () => {
    const { manifests } = await renderScenario('dev');
    assert.equal(get<WorkloadSpec>(manifests, 'Deployment', 'aichat-backend').spec.replicas, 1);
    assert.equal(get<WorkloadSpec>(manifests, 'Deployment', 'aichat-frontend').spec.replicas, 1);
    assert.deepEqual(namesOf(manifests, 'StatefulSet').sort(), [
      'aichat-postgresql',
      'aichat-redis',
    ]);
    assert.deepEqual(namesOf(manifests, 'HorizontalPodAutoscaler'), []);
    assert.deepEqual(namesOf(manifests, 'Ingress'), []);
    assert.deepEqual(namesOf(manifests, 'ServiceMonitor'), []);
  });

  it('staging runs 2 backend and 1 frontend pods with a backend PodDisruptionBudget', async () => {
    const { manifests } = await renderScenario('staging');
    assert.equal(get<WorkloadSpec>(manifests, 'Deployment', 'aichat-backend').spec.replicas, 2);
    assert.equal(get<WorkloadSpec>(manifests, 'Deployment', 'aichat-frontend').spec.replicas, 1);
    assert.deepEqual(namesOf(manifests, 'PodDisruptionBudget'), ['aichat-backend']);
    assert.deepEqual(namesOf(manifests, 'StatefulSet').sort(), [
      'aichat-postgresql',
      'aichat-redis',
    ]);
  });

  it('production scales 5→15 backend and 3→6 frontend pods; the HPA owns replicas', async () => {
    const { manifests } = await renderScenario('production');
    const backendHpa = get<HpaSpec>(manifests, 'HorizontalPodAutoscaler', 'aichat-backend').spec;
    const frontendHpa = get<HpaSpec>(manifests, 'HorizontalPodAutoscaler', 'aichat-frontend').spec;
    assert.deepEqual([backendHpa.minReplicas, backendHpa.maxReplicas], [5, 15]);
    assert.deepEqual([frontendHpa.minReplicas, frontendHpa.maxReplicas], [3, 6]);
    assert.deepEqual(backendHpa.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'aichat-backend',
    });
    // A fixed replica count would fight the autoscaler on every sync.
    assert.equal(
      get<WorkloadSpec>(manifests, 'Deployment', 'aichat-backend').spec.replicas,
      undefined,
    );
    assert.deepEqual(namesOf(manifests, 'StatefulSet'), [], 'managed PostgreSQL and Redis');
    const backend = container(
      get<WorkloadSpec>(manifests, 'Deployment', 'aichat-backend').spec.template,
      'backend',
    );
    assert.deepEqual(backend.resources, {
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { cpu: '500m', memory: '1Gi' },
    });
  });

  for (const env of ENVIRONMENTS) {
    it(`${env}: every container is locked down (non-root, read-only root, no escalation, no capabilities, seccomp)`, async () => {
      const { manifests } = await renderScenario(env, 'canary');
      const all = workloads(manifests);
      assert.ok(all.length >= 3);
      for (const { id, template } of all) {
        const pod = template.spec;
        assert.equal(pod.automountServiceAccountToken, false, `${id}: no API token`);
        assert.equal(pod.securityContext?.runAsNonRoot, true, `${id}: pod runAsNonRoot`);
        assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', id);
        assert.ok((pod.securityContext?.runAsUser ?? 0) > 0, `${id}: non-zero uid`);
        assert.equal(pod.volumes?.some((v) => v.hostPath) ?? false, false, `${id}: no hostPath`);
        for (const c of pod.containers) {
          const sc = c.securityContext;
          const where = `${id} container ${c.name}`;
          assert.equal(sc?.runAsNonRoot, true, where);
          assert.equal(sc?.readOnlyRootFilesystem, true, where);
          assert.equal(sc?.allowPrivilegeEscalation, false, where);
          assert.equal(sc?.privileged, false, where);
          assert.deepEqual(sc?.capabilities, { drop: ['ALL'] }, where);
          assert.equal(sc?.seccompProfile?.type, 'RuntimeDefault', where);
          for (const section of ['requests', 'limits'] as const) {
            assert.ok(c.resources?.[section]?.cpu, `${where}: ${section}.cpu`);
            assert.ok(c.resources?.[section]?.memory, `${where}: ${section}.memory`);
          }
        }
      }
    });
  }

  it('backend probes /health (liveness) and /ready (readiness); frontend likewise', async () => {
    const { manifests } = await renderScenario('production');
    const backend = container(
      get<WorkloadSpec>(manifests, 'Deployment', 'aichat-backend').spec.template,
      'backend',
    );
    assert.equal(backend.livenessProbe?.httpGet?.path, '/health');
    assert.equal(backend.readinessProbe?.httpGet?.path, '/ready');
    assert.equal(backend.livenessProbe?.httpGet?.port, 'http');
    const frontendTemplate = get<WorkloadSpec>(manifests, 'Deployment', 'aichat-frontend').spec
      .template;
    const frontend = container(frontendTemplate, 'frontend');
    assert.equal(frontend.livenessProbe?.httpGet?.path, '/health');
    assert.equal(frontend.readinessProbe?.httpGet?.path, '/ready');
    // The probe paths exist because the chart adds them through web/nginx.conf's include hook.
    const locations = get(manifests, 'ConfigMap', 'aichat-frontend').data as Record<string, string>;
    assert.match(locations['probes.locations'] ?? '', /location = \/health/);
    assert.match(locations['probes.locations'] ?? '', /location = \/ready/);
    assert.ok(
      frontend.volumeMounts?.some(
        (m) => m.mountPath === '/etc/nginx/conf.d/aichat-probes.locations',
      ),
    );
  });

  it('the backend drains before the kubelet kills it (grace > preStop sleep + SHUTDOWN_GRACE_MS)', async () => {
    for (const env of ENVIRONMENTS) {
      const { manifests } = await renderScenario(env);
      const template = get<WorkloadSpec>(manifests, 'Deployment', 'aichat-backend').spec.template;
      const config = get(manifests, 'ConfigMap', 'aichat-backend').data as Record<string, string>;
      const drainMs =
        Number(config.SHUTDOWN_GRACE_MS) +
        1000 * (container(template, 'backend').lifecycle?.preStop?.sleep?.seconds ?? 0);
      assert.ok(drainMs >= 10_000, `${env}: drain ${drainMs}ms`);
      assert.ok(
        (template.spec.terminationGracePeriodSeconds ?? 30) * 1000 > drainMs,
        `${env}: terminationGracePeriodSeconds exceeds ${drainMs}ms`,
      );
    }
  });

  it('pods spread over nodes and zones, and write only to emptyDir /tmp', async () => {
    const { manifests } = await renderScenario('production');
    for (const name of ['aichat-backend', 'aichat-frontend']) {
      const template = get<WorkloadSpec>(manifests, 'Deployment', name).spec.template;
      assert.deepEqual(
        template.spec.topologySpreadConstraints?.map((t) => t.topologyKey),
        ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
      );
      const tmp = template.spec.volumes?.find((v) => v.name === 'tmp');
      assert.ok(tmp?.emptyDir, `${name}: /tmp is an emptyDir`);
    }
  });

  it('the rolling strategy keeps 5 revisions and never drops below the desired count', async () => {
    const { manifests } = await renderScenario('production', 'rolling');
    const spec = get<WorkloadSpec & { strategy: unknown }>(
      manifests,
      'Deployment',
      'aichat-backend',
    ).spec;
    assert.equal(spec.revisionHistoryLimit, 5);
    assert.deepEqual(spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
    });
  });

  it('a helm test hook pod checks /health and /ready through the Services', async () => {
    const { manifests } = await renderScenario('staging');
    const pod = get<{ restartPolicy: string; containers: Container[] }>(
      manifests,
      'Pod',
      'aichat-test-health',
    );
    assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
    assert.equal(pod.spec.restartPolicy, 'Never');
    const script = (pod.spec.containers[0] as Container & { command: string[] }).command.join(' ');
    assert.match(script, /http:\/\/aichat-backend:80\/health/);
    assert.match(script, /http:\/\/aichat-backend:80\/ready/);
    assert.match(script, /curl --fail/);
  });

  it('PostgreSQL and Redis read their passwords from the existing Secret', async () => {
    const { manifests } = await renderScenario('dev');
    const pg = get<WorkloadSpec>(manifests, 'StatefulSet', 'aichat-postgresql').spec.template;
    const password = container(pg, 'postgresql').env?.find((e) => e.name === 'POSTGRES_PASSWORD');
    assert.deepEqual(password?.valueFrom?.secretKeyRef, {
      name: 'aichat-secrets',
      key: 'postgres-password',
    });
    const redis = get<WorkloadSpec>(manifests, 'StatefulSet', 'aichat-redis').spec.template;
    const redisPassword = container(redis, 'redis').env?.find((e) => e.name === 'REDIS_PASSWORD');
    assert.equal(redisPassword?.valueFrom?.secretKeyRef?.key, 'redis-password');
    assert.equal(find(manifests, 'Secret'), undefined);
  });
});
