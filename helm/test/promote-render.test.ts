import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { publishedImages } from '../../dagger/src/release/references.js';
import { setImages } from '../../dagger/src/release/values.js';

// Here rather than in dagger/test: it needs helm, which the module's `test` stage does not carry.
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;
const PUBLISHED = [
  `aichat-registry:5000/aichat/aichat-backend:4f2c1a@${D1}`,
  `aichat-registry:5000/aichat/aichat-frontend:4f2c1a@${D2}`,
];

describe('promote: the values it writes make the chart deploy exactly those digests', () => {
  it('renders production manifests that reference exactly the promoted digests (helm template on a copy)', function () {
    this.timeout(60_000);
    const copy = mkdtempSync(join(tmpdir(), 'aichat-promote-'));
    try {
      cpSync(join(repo, 'helm', 'aichat'), join(copy, 'aichat'), { recursive: true });
      const file = join(copy, 'aichat', 'values-production.yaml');
      writeFileSync(file, setImages(readFileSync(file, 'utf8'), publishedImages(PUBLISHED)));
      const rendered = execFileSync(
        'helm',
        ['template', 'aichat', join(copy, 'aichat'), '-f', file],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      const images = new Set<string>();
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === 'object') {
          for (const [key, value] of Object.entries(node)) {
            if (key === 'image' && typeof value === 'string') images.add(value);
            else walk(value);
          }
        }
      };
      parseAllDocuments(rendered).forEach((d) => walk(d.toJS()));
      const ours = [...images].filter((i) => /aichat-(backend|frontend)/.test(i)).sort();
      assert.deepEqual(ours, [
        `aichat-registry:5000/aichat/aichat-backend@${D1}`,
        `aichat-registry:5000/aichat/aichat-frontend@${D2}`,
      ]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
