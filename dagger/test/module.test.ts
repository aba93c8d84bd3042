import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_IMAGES } from '../src/images.js';
import { introspect, type IntrospectedModule, renderListing } from './introspect.js';

/** Each function of the module issue: CLI name → [return type, arguments (CLI name: type)]. */
const EXPECTED: Record<string, [string, Record<string, string>]> = {
  lint: ['Void', {}],
  test: ['Void', {}],
  'test-report': ['Directory', {}],
  e2e: ['Directory', { 'fail-on-gate': 'Boolean' }],
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
    { registry: 'String', tag: 'String', username: 'String', password: 'Secret' },
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

describe('dagger module (SDK introspection of dagger/src)', function () {
  // The introspector type-checks the module with the TypeScript compiler.
  this.timeout(120000);
  let mod: IntrospectedModule;

  before(async () => {
    mod = await introspect();
    console.log(`\n${renderListing(mod)}\n`);
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

  it('needs no argument to call any function but publish (defaults or optional)', () => {
    for (const f of mod.functions) {
      const required = f.arguments.filter((a) => !a.optional && a.default === undefined);
      const expected = f.cliName === 'publish' ? ['registry', 'tag'] : [];
      assert.deepEqual(
        required.map((a) => a.cliName),
        expected,
        f.cliName,
      );
    }
  });

  it('marks the void gates as checks and serve as @up', () => {
    assert.deepEqual(
      mod.functions
        .filter((f) => f.isCheck)
        .map((f) => f.cliName)
        .sort(),
      [...CHECKS].sort(),
    );
    assert.deepEqual(
      mod.functions.filter((f) => f.isUp).map((f) => f.cliName),
      ['serve'],
    );
    for (const f of mod.functions.filter((x) => x.isCheck)) assert.equal(f.returnType, 'Void');
  });

  it('loads the source from the repository root with one ignore list', () => {
    assert.equal(mod.constructorSource.defaultPath, '/');
    assert.ok(mod.constructorSource.ignore?.includes('**/node_modules'));
    assert.ok(mod.constructorSource.ignore?.includes('.git'));
  });

  it('defaults every image argument to a tag+digest pinned image', () => {
    const images = mod.constructorArguments.filter((a) => a.name.endsWith('Image'));
    assert.equal(images.length, Object.keys(DEFAULT_IMAGES).length);
    for (const a of images) {
      assert.match(String(a.default), /^[a-z0-9.\-/]+:[\w.-]+@sha256:[0-9a-f]{64}$/, a.cliName);
    }
  });
});

describe('dagger module in client mode', () => {
  it('constructs Aichat with plain arguments and image overrides, without an engine', function () {
    this.timeout(60000);
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const script = `
      import { dag, Container } from '@dagger.io/dagger';
      import { aichatPipeline } from './src/client-mode.ts';
      const ci = aichatPipeline(dag.directory(), { node: 'localhost:5000/aichat/node:20' });
      if (!(ci.backend('abc') instanceof Container)) throw new Error('backend is not a Container');
      process.stdout.write(JSON.stringify({ node: ci.nodeImage, redis: ci.redisImage }));
    `;
    // The SDK's decorators are legacy ones: load with dagger/tsconfig.json (experimentalDecorators).
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: root,
        env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') },
        encoding: 'utf8',
      },
    );
    const images = JSON.parse(out) as { node: string; redis: string };
    assert.equal(images.node, 'localhost:5000/aichat/node:20');
    assert.equal(images.redis, DEFAULT_IMAGES.redis);
  });
});
