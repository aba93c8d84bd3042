// The toolchains aichat installs (dagger.json "toolchains"): each is a module that stands alone as
// the engine loads it (its own directory, lockfile and tsconfig), documents what it offers, pins
// the same images aichat pins, and offers what aichat calls (dagger/src/toolchains.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_IGNORE } from '../src/context.js';
import { DEFAULT_KUBERNETES_VERSION } from '../kube-policy/src/flags.js';
import { ZAP_RULES } from '../src/zap.js';
import { parseZapRules } from '../zap/src/zap-report.js';
import { DEFAULT_IMAGES, type Images, VERSIONS } from '../src/images.js';
import { IGNORE_FILE, SOURCE_SCAN_SKIP_DIRS } from '../src/scan.js';
import { introspect, type IntrospectedModule } from './introspect.js';
import { MODULE_DIR, withRuntimeView } from './runtime-view.js';

interface Customization {
  function?: string[];
  argument: string;
  default?: string;
  defaultPath?: string;
  ignore?: string[];
}
interface Toolchain {
  name: string;
  source: string;
  customizations?: Customization[];
  ignoreChecks?: string[];
}

const REPO = join(MODULE_DIR, '..');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const root = readJson<{ engineVersion: string; toolchains: Toolchain[] }>(
  join(REPO, 'dagger.json'),
);

/**
 * Each toolchain by the name aichat installs it under: its module (dagger/<module>), main object,
 * the functions aichat calls in code, and which of aichat's images each constructor argument
 * defaults to. (ZAP is installed as `owasp-zap`: aichat's own stage is called `zap`.)
 */
const EXPECTED: Record<
  string,
  { module: string; object: string; calls: string[]; images: Record<string, keyof Images> }
> = {
  trivy: {
    module: 'trivy',
    object: 'Trivy',
    calls: ['scanDirectory', 'scanContainer', 'sbom'],
    images: { image: 'trivy' },
  },
  'kube-policy': {
    module: 'kube-policy',
    object: 'KubePolicy',
    calls: ['validate', 'policy'],
    images: { kubeconformImage: 'kubeconform', conftestImage: 'conftest' },
  },
  'owasp-zap': { module: 'zap', object: 'Zap', calls: ['baseline'], images: { image: 'zap' } },
  schemathesis: {
    module: 'schemathesis',
    object: 'Schemathesis',
    calls: ['run'],
    images: { image: 'python' },
  },
  k6: { module: 'k6', object: 'K6', calls: ['run'], images: { image: 'k6' } },
};

describe('toolchains (dagger.json), each loaded as the engine loads it', function () {
  // One `npm ci` per module (from the npm cache) plus the introspector.
  this.timeout(300000);

  it('are the expected modules, each from its own directory under dagger/', () => {
    assert.deepEqual(root.toolchains.map((t) => t.name).sort(), Object.keys(EXPECTED).sort());
    for (const t of root.toolchains) assert.equal(t.source, `dagger/${EXPECTED[t.name]?.module}`);
  });

  for (const toolchain of root.toolchains) {
    describe(toolchain.name, () => {
      const dir = join(REPO, toolchain.source);
      const expected = EXPECTED[toolchain.name];
      let mod: IntrospectedModule;

      before(async () => {
        assert.ok(expected, `unexpected toolchain ${toolchain.name}`);
        const config = readJson<{ name: string; engineVersion: string }>(join(dir, 'dagger.json'));
        assert.equal(config.name, expected.module);
        assert.equal(config.engineVersion, root.engineVersion);
        mod = await withRuntimeView(dir, (view) => {
          assert.ok(view.exports.includes(expected.object), `exports: ${view.exports.join(', ')}`);
          return introspect(view.dir, expected.module, expected.object);
        });
      });

      it('documents itself, every function and every argument', () => {
        assert.ok(mod.description.length > 20, 'module description');
        for (const f of mod.functions) {
          assert.ok(f.description.length > 20, `${f.cliName} undocumented`);
        }
        const readme = readFileSync(join(dir, 'README.md'), 'utf8');
        const ref = `github\\.com/[^ ]+/dagger/${expected?.module ?? '?'}@`;
        assert.match(readme, new RegExp(`dagger install ${ref}`));
        assert.match(readme, new RegExp(`dagger toolchain install ${ref}`));
      });

      it('refers only to core types and its own objects (a stock engine panics otherwise)', () => {
        assert.deepEqual(mod.danglingTypes, []);
      });

      it('offers every function aichat calls', () => {
        const names = mod.functions.map((f) => f.name);
        for (const call of expected?.calls ?? []) assert.ok(names.includes(call), `no ${call}`);
      });

      it("pins by default the same images as aichat's dagger/versions.json and images.ts", () => {
        for (const [arg, role] of Object.entries(expected?.images ?? {})) {
          const found = mod.constructorArguments.find((a) => a.name === arg);
          assert.ok(found, `no constructor argument ${arg}`);
          assert.equal(found.default, DEFAULT_IMAGES[role], `${arg} default`);
        }
      });
    });
  }

  it("gives the ZAP module rules it reads (aichat's dagger/config/zap-rules.tsv)", () => {
    const rules = parseZapRules(readFileSync(join(REPO, ZAP_RULES), 'utf8'));
    assert.ok(rules.size > 5, `${rules.size} rules`);
    assert.ok([...rules.values()].includes('FAIL'), 'some alert fails the gate');
  });

  it("validates for aichat's Kubernetes version by default (kube-policy)", () => {
    assert.equal(DEFAULT_KUBERNETES_VERSION, VERSIONS.kubernetes);
  });

  describe('trivy check, as aichat customizes it', () => {
    const custom = (argument: string): Customization | undefined =>
      root.toolchains
        .find((t) => t.name === 'trivy')
        ?.customizations?.find((c) => c.argument === argument && c.function?.[0] === 'check');

    it('scans the repository through the same filter as aichat', () => {
      assert.equal(custom('source')?.defaultPath, '/');
      assert.deepEqual(custom('source')?.ignore, SOURCE_IGNORE);
    });

    it('skips what scan-source skips and reads the same ignore file', () => {
      assert.deepEqual(JSON.parse(custom('skipDirs')?.default ?? 'null'), SOURCE_SCAN_SKIP_DIRS);
      assert.equal(custom('ignoreFile')?.defaultPath, `/${IGNORE_FILE}`);
    });
  });
});
