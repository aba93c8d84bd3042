import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { renderScript, shellWord } from '../src/chart.js';
import {
  conftestArgs,
  CRD_SCHEMA_LOCATION,
  helmLintArgs,
  helmTemplateArgs,
  KUBERNETES_VERSION,
  kubeconformArgs,
  scenarioValues,
  schemaDirName,
  schemaLocations,
} from '../src/chart/checks.js';

const pinned = (
  JSON.parse(readFileSync(new URL('../versions.json', import.meta.url), 'utf8')) as {
    kubernetes: string;
  }
).kubernetes;

describe('chart checks: one definition for the host and the module', () => {
  it('targets the Kubernetes version pinned in dagger/versions.json', () => {
    assert.equal(KUBERNETES_VERSION, pinned);
    assert.equal(schemaDirName(), `v${pinned}-standalone-strict`);
  });

  it('renders and lints a scenario from inside the chart as the host does', () => {
    const render = {
      chart: '.',
      namespace: 'aichat',
      valuesFiles: scenarioValues('production', 'canary'),
      set: { 'backend.replicaCount': '3' },
    };
    const values = [
      '-f',
      'values-production.yaml',
      '-f',
      'ci/canary-values.yaml',
      '--set',
      'backend.replicaCount=3',
    ];
    assert.deepEqual(helmTemplateArgs(render), [
      'template',
      'aichat',
      '.',
      '--namespace',
      'aichat',
      '--kube-version',
      pinned,
      ...values,
    ]);
    assert.deepEqual(helmLintArgs(render), [
      'lint',
      '--strict',
      '--kube-version',
      pinned,
      '--namespace',
      'aichat',
      '.',
      ...values,
    ]);
  });

  it('renders each environment into its namespace with the module command of before', () => {
    // The script `manifests` and `policy` ran before the checks were shared, letter for letter.
    const before = (e: string, sets: string): string =>
      `helm template aichat helm/aichat --namespace aichat-${e} --kube-version 1.34.0 ` +
      `-f helm/aichat/values-${e}.yaml${sets} > /out/${e}.yaml`;
    assert.equal(
      renderScript('all', '', '', '1.34.0'),
      [
        'set -e',
        'mkdir -p /out',
        ...['dev', 'staging', 'production'].map((e) => before(e, '')),
      ].join('\n'),
    );
    const sets =
      ' --set-string backend.image.tag=abc --set-string backend.image.registry=ghcr.io' +
      ' --set-string backend.image.repository=acme/aichat-backend' +
      ' --set-string frontend.image.tag=abc --set-string frontend.image.registry=ghcr.io' +
      ' --set-string frontend.image.repository=acme/aichat-frontend';
    assert.equal(
      renderScript('dev', 'abc', 'ghcr.io/acme', '1.34.0'),
      `set -e\nmkdir -p /out\n${before('dev', sets)}`,
    );
  });

  it('quotes what the shell would split or run, and nothing else', () => {
    const args = ['plain-1.2/x:y=z,@%+', "it's", 'a b', '$(touch /tmp/x)', '{{ .Kind }}', ''];
    assert.equal(shellWord(args[0]!), args[0]);
    const echoed = execFileSync('sh', ['-c', `printf '%s\\n' ${args.map(shellWord).join(' ')}`], {
      encoding: 'utf8',
    });
    assert.deepEqual(echoed.split('\n').slice(0, -1), args);
  });

  it('runs kubeconform strict, never ignoring missing schemas, against the pinned version', () => {
    const args = kubeconformArgs({ locations: ['/s/{{ .ResourceKind }}.json'], files: ['-'] });
    assert.deepEqual(args, [
      '-strict',
      '-summary',
      '-kubernetes-version',
      pinned,
      '-schema-location',
      '/s/{{ .ResourceKind }}.json',
      '-',
    ]);
    assert.ok(!args.includes('-ignore-missing-schemas'));
    assert.equal(
      kubeconformArgs({ kubernetesVersion: '1.33.1', locations: [], files: [] })[3],
      '1.33.1',
    );
  });

  it('replaces the default schema locations (CRDs included) when schemas are given', () => {
    assert.deepEqual(schemaLocations({}), ['default', CRD_SCHEMA_LOCATION]);
    assert.deepEqual(schemaLocations({ schemaLocation: '' }), ['default', CRD_SCHEMA_LOCATION]);
    assert.deepEqual(schemaLocations({ schemaDir: '/schemas' }), [
      '/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json',
    ]);
    assert.deepEqual(
      schemaLocations({ schemaLocation: 'https://mirror/{{ .ResourceKind }}.json' }),
      ['https://mirror/{{ .ResourceKind }}.json'],
    );
  });

  it('applies every policy namespace to the chart, one namespace to a fixture', () => {
    const files = ['/manifests/dev.yaml'];
    assert.deepEqual(conftestArgs({ policyDir: '/policy', files }), [
      'test',
      '--no-color',
      '--all-namespaces',
      '--policy',
      '/policy',
      '/manifests/dev.yaml',
    ]);
    assert.deepEqual(
      conftestArgs({ policyDir: 'helm/policy', files: ['-'], scope: 'aichat.probes', json: true }),
      [
        'test',
        '--no-color',
        '--output',
        'json',
        '--namespace',
        'aichat.probes',
        '--policy',
        'helm/policy',
        '-',
      ],
    );
  });
});
