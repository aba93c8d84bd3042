/**
 * Renovate keeps the pins current only where one of its custom managers (renovate.json) matches:
 * a pin written in a new shape would silently stop being updated. These tests find every pin in
 * the pinned files on their own terms and check that a manager extracts it, with a datasource,
 * a package name and the exact version.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface CustomManager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
  datasourceTemplate?: string;
  depNameTemplate?: string;
  extractVersionTemplate?: string;
}

/** One dependency as a regex manager extracts it (templates applied as Renovate does for fixed ones). */
interface Extracted {
  file: string;
  start: number;
  end: number;
  depName?: string;
  datasource?: string;
  currentValue?: string;
  currentDigest?: string;
}

const config = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8')) as {
  customManagers: CustomManager[];
};

/** Renovate writes file patterns as "/regex/" strings. */
function filePattern(pattern: string): RegExp {
  const m = /^\/(.*)\/$/.exec(pattern);
  assert.ok(m?.[1], `managerFilePatterns entry is not a /regex/: ${pattern}`);
  return new RegExp(m[1]);
}

/** Runs one manager over one file the way Renovate's regex manager does (every match, "any" strategy). */
function extract(manager: CustomManager, file: string, text: string): Extracted[] {
  const found: Extracted[] = [];
  for (const source of manager.matchStrings) {
    for (const m of text.matchAll(new RegExp(source, 'gd'))) {
      const [start, end] = m.indices?.[0] ?? [0, 0];
      const groups = m.groups ?? {};
      found.push({
        file,
        start,
        end,
        depName: manager.depNameTemplate ?? groups.depName,
        datasource: manager.datasourceTemplate ?? groups.datasource,
        currentValue: groups.currentValue,
        currentDigest: groups.currentDigest,
      });
    }
  }
  return found;
}

/** The generic modules' sources that pin images (dagger/<module>, their tests/, the example). */
const MODULE_FILES = [
  ...readdirSync(join(ROOT, 'dagger'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'dagger', d.name, 'dagger.json')))
    .flatMap((d) => [`dagger/${d.name}/src/index.ts`, `dagger/${d.name}/tests/src/index.ts`]),
  ...readdirSync(join(ROOT, 'dagger/examples')).map((e) => `dagger/examples/${e}/src/index.ts`),
].filter((f) => existsSync(join(ROOT, f)));

const PINNED_FILES = [
  'dagger/src/images.ts',
  'dagger/versions.json',
  'helm/scripts/versions.env',
  ...readdirSync(join(ROOT, '.github/workflows')).map((f) => `.github/workflows/${f}`),
  ...MODULE_FILES,
  'dagger/kube-policy/src/flags.ts',
];

/** Everything the custom managers extract from the pinned files, per file. */
function extractAll(): Map<string, Extracted[]> {
  const byFile = new Map<string, Extracted[]>(PINNED_FILES.map((f) => [f, []]));
  for (const file of PINNED_FILES) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const manager of config.customManagers) {
      if (manager.managerFilePatterns.some((p) => filePattern(p).test(file))) {
        byFile.get(file)?.push(...extract(manager, file, text));
      }
    }
  }
  return byFile;
}

/** The extraction covering a position of the file, complete (datasource, name, version). */
function coveredAt(deps: Extracted[], index: number, what: string): Extracted {
  const dep = deps.find((d) => d.start <= index && index < d.end);
  assert.ok(dep, `no Renovate custom manager matches ${what}`);
  assert.ok(dep.datasource && dep.depName && dep.currentValue, `incomplete extraction of ${what}`);
  return dep;
}

describe('renovate.json custom managers', () => {
  const deps = extractAll();
  const inFile = (file: string): Extracted[] => deps.get(file) ?? [];

  it('are regex managers whose patterns RE2 accepts (no lookaround, no backreference)', () => {
    assert.ok(config.customManagers.length > 0);
    for (const manager of config.customManagers) {
      assert.equal(manager.customType, 'regex');
      for (const source of manager.matchStrings) {
        assert.doesNotMatch(source, /\(\?<?[=!]|\\[1-9]/, `RE2 rejects ${source}`);
        assert.match(source, /\(\?<currentValue>/, `${source} extracts no currentValue`);
      }
    }
  });

  it('extract every image of dagger/src/images.ts with its tag and digest', () => {
    const text = readFileSync(join(ROOT, 'dagger/src/images.ts'), 'utf8');
    const digests = [...text.matchAll(/@sha256:[a-f0-9]{64}/g)];
    assert.ok(digests.length > 0, 'images.ts pins its images by digest');
    for (const d of digests) {
      const line = text.slice(text.lastIndexOf('\n', d.index) + 1, text.indexOf('\n', d.index));
      const dep = coveredAt(inFile('dagger/src/images.ts'), d.index, `the image ${line.trim()}`);
      assert.equal(dep.datasource, 'docker');
      assert.equal(dep.currentDigest, d[0].slice(1));
      assert.ok(line.includes(`${dep.depName}:${dep.currentValue}@`), line);
    }
  });

  it('extract every version constant of dagger/src/images.ts', () => {
    const text = readFileSync(join(ROOT, 'dagger/src/images.ts'), 'utf8');
    const constants = [...text.matchAll(/export const (\w+_VERSION) = '([^']+)'/dg)];
    for (const c of constants) {
      const at = c.indices?.[1]?.[0] ?? -1;
      const dep = coveredAt(inFile('dagger/src/images.ts'), at, c[1] ?? '');
      assert.equal(dep.currentValue, c[2]);
    }
  });

  it('extract every default image of the generic modules, their tests and the example', () => {
    assert.ok(MODULE_FILES.length >= 5, `module sources: ${MODULE_FILES.join(', ')}`);
    for (const file of MODULE_FILES) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/[iI]mage = '([^']+)'/dg)) {
        const at = m.indices?.[1]?.[0] ?? -1;
        const dep = coveredAt(inFile(file), at, `${file}: ${m[1] ?? ''}`);
        assert.equal(dep.datasource, 'docker');
        const digest = /@(sha256:[a-f0-9]{64})$/.exec(m[1] ?? '')?.[1];
        assert.equal(dep.currentDigest, digest, `${file}: ${m[1] ?? ''}`);
        assert.ok(m[1]?.startsWith(`${dep.depName}:${dep.currentValue}`), m[1]);
      }
    }
  });

  it("extract schemathesis's version and kube-policy's Kubernetes version", () => {
    const schemathesis = 'dagger/schemathesis/src/index.ts';
    const text = readFileSync(join(ROOT, schemathesis), 'utf8');
    const version = /version = '([^']+)'/d.exec(text);
    assert.ok(version, 'schemathesis pins its version');
    const dep = coveredAt(inFile(schemathesis), version.indices?.[1]?.[0] ?? -1, 'schemathesis');
    assert.deepEqual(
      [dep.datasource, dep.depName, dep.currentValue],
      ['pypi', 'schemathesis', version[1]],
    );
    for (const file of ['dagger/kube-policy/src/flags.ts', 'dagger/kube-policy/src/index.ts']) {
      const k8s = [
        ...readFileSync(join(ROOT, file), 'utf8').matchAll(
          /VERSION = '([0-9.]+)'|kubernetesVersion = '([0-9.]+)'/dg,
        ),
      ];
      assert.ok(k8s.length > 0, file);
      for (const k of k8s) {
        const dep = coveredAt(inFile(file), k.index, `${file}: ${k[0]}`);
        assert.equal(dep.depName, 'k8s.io/kubernetes');
      }
    }
  });

  it('keep the node image on the major of the pinned Node.js (Renovate groups them)', () => {
    const { node } = JSON.parse(readFileSync(join(ROOT, 'dagger/versions.json'), 'utf8')) as {
      node: string;
    };
    const image = inFile('dagger/src/images.ts').find(
      (d) => d.depName === 'docker.io/library/node',
    );
    assert.ok(image, 'no node image in images.ts that Renovate can read (a literal tag@digest)');
    assert.equal(image.currentValue?.split(/[.-]/)[0], node.split('.')[0]);
  });

  it('extract every pin of dagger/versions.json, the tools with their image and digest', () => {
    const text = readFileSync(join(ROOT, 'dagger/versions.json'), 'utf8');
    const pins = JSON.parse(text) as Record<string, unknown>;
    const found = inFile('dagger/versions.json');
    let count = 0;
    for (const [key, value] of Object.entries(pins)) {
      if (key.startsWith('$')) continue;
      const at = text.indexOf(`"${key}":`);
      if (typeof value === 'string') {
        assert.equal(coveredAt(found, at, `"${key}"`).currentValue, value);
        count += 1;
      } else if (key === 'tools') {
        for (const [name, tool] of Object.entries(
          value as Record<string, Record<string, string>>,
        )) {
          // A tool is updated through its image, so that version and digest move together.
          const version = text.indexOf('"version"', text.indexOf(`"${name}":`, at));
          const dep = coveredAt(found, version, `tools.${name}`);
          const [repository, tag] = (tool.image ?? '').split(':');
          const value = tag === '{semver}' ? tool.version?.replace(/^v/, '') : tool.version;
          assert.deepEqual(
            [dep.datasource, dep.depName, dep.currentValue, dep.currentDigest],
            ['docker', repository, value, tool.digest],
            `tools.${name}`,
          );
          count += 1;
        }
      } else {
        assert.fail(`versions.json "${key}" has a shape no Renovate manager knows`);
      }
    }
    assert.equal(found.length, count, 'one extraction per pin');
  });

  it('extract every CRD source version of helm/scripts/versions.env', () => {
    const text = readFileSync(join(ROOT, 'helm/scripts/versions.env'), 'utf8');
    const lines = [...text.matchAll(/^([A-Z0-9_]+)=(\S+)$/gm)];
    assert.ok(lines.length > 0);
    for (const l of lines) {
      const dep = coveredAt(inFile('helm/scripts/versions.env'), l.index, l[1] ?? '');
      assert.equal(dep.currentValue, l[2]);
      assert.equal(dep.datasource, 'go');
    }
  });

  it('extract the Dagger CLI version of every dagger-for-github step', () => {
    for (const file of PINNED_FILES.filter((f) => f.startsWith('.github/'))) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const step of text.matchAll(/uses: dagger\/dagger-for-github@/g)) {
        const dep = coveredAt(inFile(file), step.index, `the dagger-for-github step in ${file}`);
        assert.equal(dep.depName, 'github.com/dagger/dagger');
        assert.match(dep.currentValue ?? '', /^\d+\.\d+\.\d+$/);
      }
    }
  });

  it('have no manager left matching nothing (the pin it was written for changed shape)', () => {
    for (const manager of config.customManagers) {
      const hits = PINNED_FILES.filter((f) =>
        manager.managerFilePatterns.some((p) => filePattern(p).test(f)),
      ).flatMap((f) => extract(manager, f, readFileSync(join(ROOT, f), 'utf8')));
      assert.ok(hits.length > 0, `matches nothing: ${manager.matchStrings.join(' | ')}`);
    }
  });
});
