/**
 * Engine tests of the kube-policy module: each check builds small manifests itself, runs the
 * module on them through `dag.kubePolicy()` and throws unless the verdict is the expected one.
 * Offline: the schemas are the two this needs (tests/schemas), the images the constructor's.
 */
import { argument, check, dag, type Directory, func, object } from '@dagger.io/dagger';
import { kubePolicy, type KubePolicy, type KubePolicyResult } from './kube-policy.js';

/** A Deployment of one container, `container` YAML lines appended to it. */
function deployment(name: string, container: string[]): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  selector:',
    `    matchLabels: {app: ${name}}`,
    '  template:',
    '    metadata:',
    `      labels: {app: ${name}}`,
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: nginx:1.27',
    ...container.map((l) => `          ${l}`),
    '',
  ].join('\n');
}

const LIMITS = ['resources:', '  limits: {cpu: 100m, memory: 64Mi}'];

/** A ServiceMonitor (a CRD kind) scraping `field: 30s`. */
function serviceMonitor(field: string): string {
  return [
    'apiVersion: monitoring.coreos.com/v1',
    'kind: ServiceMonitor',
    'metadata:',
    '  name: web',
    'spec:',
    '  selector:',
    '    matchLabels: {app: web}',
    '  endpoints:',
    '    - port: http',
    `      ${field}: 30s`,
    '',
  ].join('\n');
}

/** A directory of manifest files. */
function manifests(files: Record<string, string>): Directory {
  let dir = dag.directory();
  for (const [path, content] of Object.entries(files)) dir = dir.withNewFile(path, content);
  return dir;
}

/** Throws `message` with the result's summary and findings unless `ok`. */
async function expect(ok: boolean, message: string, result: KubePolicyResult): Promise<void> {
  if (ok) return;
  const [summary, findings] = await Promise.all([result.summary(), result.findings()]);
  throw new Error(`${message}; got: ${summary}\n${findings.join('\n')}`);
}

/** Throws unless some finding contains each of `needles`, one finding per needle. */
async function expectFindings(result: KubePolicyResult, needles: string[]): Promise<void> {
  const findings = await result.findings();
  for (const needle of needles) {
    if (!findings.some((f) => f.includes(needle))) {
      throw new Error(`no finding names "${needle}"; findings:\n${findings.join('\n')}`);
    }
  }
  if (findings.length !== needles.length) {
    throw new Error(`expected ${needles.length} findings, got:\n${findings.join('\n')}`);
  }
}

@object()
export class KubePolicyTests {
  schemas: Directory;
  policyDir: Directory;
  kubeconformImage: string;
  conftestImage: string;

  /**
   * @param schemas kubeconform schemas of the kinds the tests use (Deployment, ServiceMonitor).
   * @param policy The Rego policy the tests apply (containers need resources.limits).
   * @param kubeconformImage kubeconform image handed to the module.
   * @param conftestImage conftest image handed to the module.
   */
  constructor(
    @argument({ defaultPath: 'schemas' }) schemas: Directory,
    @argument({ defaultPath: 'policy' }) policy: Directory,
    kubeconformImage = 'ghcr.io/yannh/kubeconform:v0.8.0@sha256:faffaf43f95aa6425306e1ab8d6fcad72acb9049158f38e574c085ea1ec0f64e',
    conftestImage = 'docker.io/openpolicyagent/conftest:v0.71.1',
  ) {
    this.schemas = schemas;
    this.policyDir = policy;
    this.kubeconformImage = kubeconformImage;
    this.conftestImage = conftestImage;
  }

  private module(): KubePolicy {
    return kubePolicy({
      kubeconformImage: this.kubeconformImage,
      conftestImage: this.conftestImage,
    });
  }

  /** A valid Deployment and ServiceMonitor (a CRD) pass both kubeconform and the policy. */
  @func()
  @check()
  async validManifestsPass(): Promise<void> {
    const target = manifests({
      'app.yaml': `${deployment('web', LIMITS)}---\n${serviceMonitor('interval')}`,
    });
    const validated = this.module().validate(target, { schemas: this.schemas });
    await expect(await validated.passed(), 'valid manifests failed kubeconform', validated);
    const summary = await validated.summary();
    if (summary !== '2 resources valid') throw new Error(`unexpected summary: ${summary}`);
    const entries = await validated.reports().entries();
    for (const report of ['kubeconform.json', 'kubeconform.txt']) {
      if (!entries.includes(report)) throw new Error(`no ${report} in reports: ${entries}`);
    }
    const policed = this.module().policy(target, this.policyDir);
    await expect(await policed.passed(), 'valid manifests failed the policy', policed);
  }

  /** Unknown fields fail, in a core kind and in a CRD, one finding each with the field. */
  @func()
  @check()
  async unknownFieldsFail(): Promise<void> {
    const target = manifests({
      'deploy/web.yaml': deployment('typo', [...LIMITS, 'imagePullPolice: Always']),
      'monitor.yml': serviceMonitor('intervall'),
    });
    const result = this.module().validate(target, { schemas: this.schemas });
    await expect(!(await result.passed()), 'unknown fields passed kubeconform', result);
    await expectFindings(result, [
      "deploy/web.yaml: Deployment typo (apps/v1): /spec/template/spec/containers/0: additional properties 'imagePullPolice' not allowed",
      "monitor.yml: ServiceMonitor web (monitoring.coreos.com/v1): /spec/endpoints/0: additional properties 'intervall' not allowed",
    ]);
  }

  /** A kind without a schema fails instead of being skipped. */
  @func()
  @check()
  async missingSchemaFails(): Promise<void> {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata: {a: b}\n';
    const target = manifests({ 'app.yaml': `${deployment('web', LIMITS)}---\n${configMap}` });
    const result = this.module().validate(target, { schemas: this.schemas });
    await expect(!(await result.passed()), 'a kind without a schema passed', result);
    await expectFindings(result, [
      'app.yaml: ConfigMap cfg (v1): could not find schema for ConfigMap',
    ]);
  }

  /** A container without resources.limits is denied by the policy, naming file and rule. */
  @func()
  @check()
  async deniedRuleFails(): Promise<void> {
    const target = manifests({ 'web.yaml': deployment('nolimits', []) });
    const validated = this.module().validate(target, { schemas: this.schemas });
    await expect(
      await validated.passed(),
      'a schema-valid Deployment failed kubeconform',
      validated,
    );
    const result = this.module().policy(target, this.policyDir);
    await expect(
      !(await result.passed()),
      'the policy let a container without limits pass',
      result,
    );
    await expectFindings(result, [
      'web.yaml: Deployment/nolimits: container web has no resources.limits (kube.limits)',
    ]);
  }

  /** The module's check throws with both tools' failures, and returns on valid manifests. */
  @func()
  @check()
  async checkThrowsTheFailure(): Promise<void> {
    const opts = { policy: this.policyDir, schemas: this.schemas };
    const bad = manifests({ 'web.yaml': deployment('nolimits', ['imagePullPolice: Always']) });
    let message = '';
    try {
      await this.module().check({ ...opts, manifests: bad });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    for (const needle of [
      'failed: kubeconform, conftest',
      'imagePullPolice',
      'no resources.limits',
    ]) {
      if (!message.includes(needle))
        throw new Error(`check's failure lacks "${needle}": ${message}`);
    }
    await this.module().check({
      ...opts,
      manifests: manifests({ 'web.yaml': deployment('web', LIMITS) }),
    });
  }
}
