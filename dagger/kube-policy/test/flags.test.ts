import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkKubernetesVersion,
  conftestArgs,
  CRD_SCHEMA_LOCATION,
  DEFAULT_KUBERNETES_VERSION,
  kubeconformArgs,
  manifestFileArgs,
  schemaDirName,
  schemaLocations,
} from '../src/flags.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('kube-policy: tool arguments', () => {
  it('uses the default Kubernetes version as the literal default of every function', () => {
    // The introspector reads only literals, so index.ts repeats the constant: they must agree.
    const source = readFileSync(join(here, '..', 'src', 'index.ts'), 'utf8');
    const defaults = [...source.matchAll(/kubernetesVersion = '([^']*)'/g)].map((m) => m[1]);
    assert.equal(defaults.length, 2);
    for (const d of defaults) assert.equal(d, DEFAULT_KUBERNETES_VERSION);
    assert.equal(schemaDirName(), `v${DEFAULT_KUBERNETES_VERSION}-standalone-strict`);
  });

  it('runs kubeconform strict, never ignoring missing schemas, against the given version', () => {
    const args = kubeconformArgs({ locations: ['/s/{{ .ResourceKind }}.json'], files: ['-'] });
    assert.deepEqual(args, [
      '-strict',
      '-summary',
      '-kubernetes-version',
      DEFAULT_KUBERNETES_VERSION,
      '-schema-location',
      '/s/{{ .ResourceKind }}.json',
      '-',
    ]);
    assert.ok(!args.includes('-ignore-missing-schemas'));
    assert.equal(
      kubeconformArgs({ kubernetesVersion: '1.33.1', locations: [], files: [] })[3],
      '1.33.1',
    );
    assert.deepEqual(
      kubeconformArgs({ locations: ['default'], files: ['/m/a.yaml'], output: 'json' }).slice(0, 6),
      ['-strict', '-summary', '-output', 'json', '-kubernetes-version', DEFAULT_KUBERNETES_VERSION],
    );
  });

  it('rejects a Kubernetes version kubeconform cannot take', () => {
    assert.equal(checkKubernetesVersion('1.35.4'), '1.35.4');
    assert.equal(checkKubernetesVersion('master'), 'master');
    assert.throws(() => checkKubernetesVersion('v1.35.4'), /not a version such as 1\.35\.4/);
    assert.throws(() => checkKubernetesVersion('1.35'), /not a version/);
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
    assert.deepEqual(schemaLocations({ schemaDir: '/s', schemaLocation: 'https://m/x.json' }), [
      '/s/{{ .ResourceKind }}{{ .KindSuffix }}.json',
      'https://m/x.json',
    ]);
  });

  it('applies every policy namespace by default, one namespace when asked', () => {
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

  it('passes every YAML file once, sorted, under the mount point', () => {
    const listing = ['b.yml', 'a/x.yaml', './a/x.yaml', 'README.md', 'c.YAML', 'dir.yaml/'];
    assert.deepEqual(manifestFileArgs(listing, '/manifests'), [
      '/manifests/a/x.yaml',
      '/manifests/b.yml',
      '/manifests/c.YAML',
    ]);
    assert.deepEqual(manifestFileArgs(['notes.txt'], '/manifests'), []);
  });
});
