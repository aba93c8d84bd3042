/**
 * Runs aichat's Dagger module on the engine in client mode: connects with the SDK, builds the
 * module's `Aichat` object with the local images (dagger/src/client-mode.ts) and calls its
 * functions one by one, timing each, then `ci`. Exits non-zero naming every stage that failed.
 *
 * `dagger call` cannot load a TypeScript module on this engine (the SDK bundles the engine image
 * normally carries cannot be built offline), so this calls the same class directly; the
 * decorators are inert at run time. Run by `.ci/dagger-engine.sh pipeline` inside a session.
 *
 * Environment:
 *   AICHAT_IMAGES                JSON of image overrides by role (set by the script)
 *   AICHAT_REGISTRY_FROM_ENGINE  the local registry as the engine reaches it (publish target)
 *   AICHAT_REGISTRY_FROM_HOST    the same registry as the host's Docker reaches it (pull back)
 *   AICHAT_K8S_VERSION           Kubernetes version for kubeconform
 *   AICHAT_KUBECONFORM_SCHEMAS   directory of kubeconform schemas generated on the host
 *   AICHAT_STAGES                comma-separated subset of the stages below (default: all)
 *   AICHAT_REPORTS               where to export the reports [reports/engine]
 *   AICHAT_INJECT_FAILING_TEST   1: add a failing spec to the source sent to the engine (not to
 *                                the working tree), to show that a failing test fails the run
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connection, dag, type Container, type Directory } from '@dagger.io/dagger';
import { aichatPipeline } from '../../dagger/src/client-mode.js';
import { SOURCE_IGNORE } from '../../dagger/src/context.js';
import type { Images } from '../../dagger/src/images.js';
import { checkPublishedImage } from './published-image.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const reportsDir = resolve(repo, process.env.AICHAT_REPORTS ?? 'reports/engine');
const images = JSON.parse(process.env.AICHAT_IMAGES ?? '{}') as Partial<Images>;
const registryFromEngine = process.env.AICHAT_REGISTRY_FROM_ENGINE ?? 'aichat-registry:5000';
const registryFromHost = process.env.AICHAT_REGISTRY_FROM_HOST ?? 'localhost:5000';
const revision = gitRevision();
const k8sVersion = process.env.AICHAT_K8S_VERSION ?? '1.31.0';
const schemasDir = process.env.AICHAT_KUBECONFORM_SCHEMAS;

/** The kubeconform schemas generated on the host (no schema download on the engine). */
function schemas(): Directory | undefined {
  return schemasDir ? dag.host().directory(resolve(repo, schemasDir)) : undefined;
}

type Aichat = ReturnType<typeof aichatPipeline>;

/** One function call on the engine; a returned Directory is exported to the reports. */
interface Stage {
  name: string;
  run: (m: Aichat) => Promise<Directory | string | void>;
}

const STAGES: Stage[] = [
  { name: 'lint', run: (m) => m.lint() },
  { name: 'test', run: (m) => m.test() },
  { name: 'e2e', run: (m) => m.e2e() },
  { name: 'backend', run: (m) => built(m.backend(revision)) },
  { name: 'frontend', run: (m) => built(m.frontend(revision)) },
  {
    name: 'publish',
    run: async (m) => {
      const refs = await m.publish(`${registryFromEngine}/aichat`, revision);
      // Pull the backend back through the host's Docker and check it as a user would run it.
      const hostRef = `${registryFromHost}/aichat/aichat-backend:${revision}`;
      const check = await checkPublishedImage(hostRef);
      return `${refs.join('\n')}\n${check}`;
    },
  },
  { name: 'manifests', run: async (m) => m.manifests('all', revision) },
  { name: 'policy', run: (m) => m.policy(k8sVersion, '', schemas()) },
  { name: 'load-test', run: (m) => m.loadTest(2, '10s') },
  { name: 'scan-source', run: (m) => m.scanSource('high', 'secret,misconfig', true) },
  {
    name: 'scan-image',
    run: async (m) => {
      const dir = await m.scanImage(undefined, 'high', 'secret,misconfig', true, false);
      await dir.export(join(reportsDir, 'scan-image'));
      return `reports in ${join(reportsDir, 'scan-image')}`;
    },
  },
  { name: 'fuzz-api', run: (m) => m.fuzzApi(20) },
  { name: 'ci', run: (m) => m.ci(true, 'high', 2, '10s', k8sVersion, '', schemas()) },
];

/** Builds an image on the engine; its container ID is the stage's output. */
async function built(image: Container): Promise<string> {
  return `${await (await image.sync()).id()}`;
}

/** A spec that fails on purpose (AICHAT_INJECT_FAILING_TEST=1). */
const INJECTED_FAILURE = [
  "import assert from 'node:assert/strict';",
  "describe('injected failure', () => {",
  "  it('fails on purpose to prove the engine run fails', () => assert.equal(1 + 1, 3));",
  '});',
  '',
].join('\n');

/** The checked-out commit (short sha), the tag `publish` pushes. */
function gitRevision(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repo })
      .toString()
      .trim();
  } catch {
    return 'dev';
  }
}

/** The error's message plus, for a failed exec, the tail of its output. */
function describe(error: unknown): string {
  const e = error as Error & { cmd?: string[]; stdout?: string; stderr?: string };
  const tail = (text: string | undefined) => (text ?? '').split('\n').slice(-60).join('\n');
  if (e.cmd === undefined) return e.message ?? String(error);
  return `${e.message}\ncommand: ${e.cmd.join(' ')}\nstdout:\n${tail(e.stdout)}\nstderr:\n${tail(e.stderr)}`;
}

/** Runs the selected stages in order; returns the names of those that failed. */
async function runStages(selected: Stage[]): Promise<string[]> {
  let source = dag.host().directory(repo, { exclude: SOURCE_IGNORE });
  if (process.env.AICHAT_INJECT_FAILING_TEST === '1') {
    source = source.withNewFile('test/injected-failure.test.ts', INJECTED_FAILURE);
  }
  const module = aichatPipeline(source, images);
  const failed: string[] = [];
  const timings: string[] = [];
  mkdirSync(reportsDir, { recursive: true });
  for (const stage of selected) {
    const started = Date.now();
    let status = 'passed';
    try {
      const result = await stage.run(module);
      if (result && typeof result === 'object') await result.export(join(reportsDir, stage.name));
      else if (typeof result === 'string') console.log(result);
    } catch (error) {
      status = 'FAILED';
      failed.push(stage.name);
      console.error(`--- ${stage.name} failed:\n${describe(error)}`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    timings.push(`${stage.name}\t${status}\t${seconds}s`);
    console.log(`=== engine stage ${stage.name}: ${status} in ${seconds}s`);
  }
  writeFileSync(join(reportsDir, 'timings.tsv'), `${timings.join('\n')}\n`);
  console.log(`\nengine stages:\n${timings.join('\n')}`);
  return failed;
}

const wanted = process.env.AICHAT_STAGES?.split(',').map((s) => s.trim());
const selected = wanted ? STAGES.filter((s) => wanted.includes(s.name)) : STAGES;
const unknown = (wanted ?? []).filter((name) => !STAGES.some((s) => s.name === name));
if (unknown.length > 0) throw new Error(`unknown stage(s): ${unknown.join(', ')}`);

let failed: string[] = [];
await connection(async () => {
  failed = await runStages(selected);
});
console.log(`${selected.length - failed.length} passed, ${failed.length} failed`);
if (failed.length > 0) {
  console.error(`engine stages failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
