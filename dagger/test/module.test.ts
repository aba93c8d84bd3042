import assert from 'node:assert/strict';
import { DEFAULT_IMAGES } from '../src/images.js';
import { introspect, type IntrospectedModule, renderListing } from './introspect.js';
import { MODULE_DIR, withRuntimeView } from './runtime-view.js';

/** Each function of the module issue: CLI name → [return type, arguments (CLI name: type)]. */
const EXPECTED: Record<string, [string, Record<string, string>]> = {
  lint: ['Void', {}],
  test: ['Void', {}],
  'test-report': ['Directory', {}],
  'end-to-end': ['Directory', { 'fail-on-gate': 'Boolean' }],
  audit: ['Void', { severity: 'String' }],
  'scan-source': [
    'Directory',
    { severity: 'String', scanners: 'String', offline: 'Boolean', 'fail-on-gate': 'Boolean' },
  ],
  'scan-image': [
    'Directory',
    {
      image: 'Container',
      severity: 'String',
      scanners: 'String',
      offline: 'Boolean',
      'fail-on-gate': 'Boolean',
    },
  ],
  zap: ['Directory', { 'fail-on-gate': 'Boolean' }],
  'fuzz-api': ['Void', { 'max-examples': 'Int' }],
  backend: ['Container', { revision: 'String' }],
  frontend: ['Container', { revision: 'String' }],
  publish: [
    '[String]',
    {
      registry: 'String',
      tag: 'String',
      username: 'String',
      password: 'Secret',
      'signing-key': 'Secret',
      'signing-password': 'Secret',
      'insecure-registry': 'Boolean',
      'transparency-log': 'Boolean',
      'source-uri': 'String',
      'builder-id': 'String',
    },
  ],
  sbom: ['Directory', { image: 'Container' }],
  verify: [
    'Directory',
    {
      images: '[String]',
      'public-key': 'File',
      'insecure-registry': 'Boolean',
      'transparency-log': 'Boolean',
      username: 'String',
      password: 'Secret',
      'fail-on-gate': 'Boolean',
    },
  ],
  promote: [
    'Changeset',
    {
      env: 'String',
      images: '[String]',
      'from-env': 'String',
      'public-key': 'File',
      'insecure-registry': 'Boolean',
      username: 'String',
      password: 'Secret',
    },
  ],
  manifests: ['Directory', { env: 'String', tag: 'String', registry: 'String' }],
  policy: [
    'Void',
    { 'kubernetes-version': 'String', 'schema-location': 'String', schemas: 'Directory' },
  ],
  'load-test': [
    'Directory',
    { vus: 'Int', duration: 'String', target: 'Service', 'fail-on-gate': 'Boolean' },
  ],
  serve: ['Service', {}],
  ci: [
    'Directory',
    {
      offline: 'Boolean',
      severity: 'String',
      'load-vus': 'Int',
      'load-duration': 'String',
      'kubernetes-version': 'String',
      'schema-location': 'String',
      schemas: 'Directory',
      'fail-on-gate': 'Boolean',
    },
  ],
};

const CHECKS = ['lint', 'test', 'audit', 'fuzz-api', 'policy'];

describe('dagger module, as the engine loads it (dagger/ alone, from its lockfile)', function () {
  // npm ci of the copy (from the npm cache) plus the introspector's type analysis.
  this.timeout(180000);
  let mod: IntrospectedModule;

  before(async () => {
    mod = await withRuntimeView(MODULE_DIR, (view) => {
      assert.ok(view.exports.includes('Aichat'), `exports: ${view.exports.join(', ')}`);
      return introspect(view.dir);
    });
    console.log(`\n${renderListing(mod)}\n`);
  });

  it('refers only to core types and its own objects (a stock engine panics otherwise)', () => {
    assert.deepEqual(mod.danglingTypes, []);
  });

  it('exposes exactly the documented functions, each with a description', () => {
    assert.deepEqual(mod.functions.map((f) => f.cliName).sort(), Object.keys(EXPECTED).sort());
    for (const f of mod.functions)
      assert.ok(f.description.length > 40, `${f.cliName} undocumented`);
  });

  it('gives every function its documented arguments and return type', () => {
    for (const f of mod.functions) {
      const [returnType, args] = EXPECTED[f.cliName] ?? ['?', {}];
      assert.equal(f.returnType, returnType, `${f.cliName} return type`);
      const actual = Object.fromEntries(f.arguments.map((a) => [a.cliName, a.type]));
      assert.deepEqual(actual, args, `${f.cliName} arguments`);
    }
  });

  it('needs no argument but where to publish, what to verify and where to promote', () => {
    const needs: Record<string, string[]> = {
      publish: ['registry', 'tag'],
      verify: ['images', 'public-key'],
      promote: ['env'],
    };
    for (const f of mod.functions) {
      const required = f.arguments.filter((a) => !a.optional && a.default === undefined);
      const expected = needs[f.cliName] ?? [];
      assert.deepEqual(
        required.map((a) => a.cliName),
        expected,
        f.cliName,
      );
    }
  });

  it('marks the void gates as checks, and nothing @up (the v0.21.8 runtime lacks it)', () => {
    assert.deepEqual(
      mod.functions
        .filter((f) => f.isCheck)
        .map((f) => f.cliName)
        .sort(),
      [...CHECKS].sort(),
    );
    assert.deepEqual(
      mod.functions.filter((f) => f.isUp).map((f) => f.cliName),
      [],
    );
    for (const f of mod.functions.filter((x) => x.isCheck)) assert.equal(f.returnType, 'Void');
  });

  it('loads the source from the repository root with one ignore list', () => {
    assert.equal(mod.constructorSource.defaultPath, '/');
    assert.ok(mod.constructorSource.ignore?.includes('**/node_modules'));
    assert.ok(mod.constructorSource.ignore?.includes('.git'));
  });

  it('defaults every image argument to empty, meaning the pinned image of its role', () => {
    const images = mod.constructorArguments.filter((a) => a.name.endsWith('Image'));
    assert.deepEqual(
      images.map((a) => a.name.replace(/Image$/, '')).sort(),
      Object.keys(DEFAULT_IMAGES).sort(),
    );
    for (const a of images) assert.equal(a.default, '', a.cliName);
  });
});
