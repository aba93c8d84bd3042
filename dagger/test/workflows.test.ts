import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { introspect, type IntrospectedModule } from './introspect.js';
import { MODULE_DIR } from './runtime-view.js';

const WORKFLOWS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.github', 'workflows');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const load = (name: string): Workflow =>
  parse(readFileSync(join(WORKFLOWS, name), 'utf8')) as Workflow;
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps);

/** The function a `dagger call` step calls and the flags it passes to it. */
function daggerCall(step: Step): { fn: string; flags: string[] } {
  const args = (step.with?.args ?? '').split(/\s+/).filter(Boolean);
  // Flags after the function name and before a chained call (export …) belong to the function.
  const chained = args.indexOf('export');
  const own = chained === -1 ? args.slice(1) : args.slice(1, chained);
  return {
    fn: args[0] ?? '',
    flags: own.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0] ?? ''),
  };
}

describe('GitHub workflows (thin: every step calls the Dagger module)', function () {
  this.timeout(120000);
  let mod: IntrospectedModule;
  before(async () => {
    mod = await introspect(MODULE_DIR);
  });

  it('has the five workflows, with no shell steps', () => {
    const files = readdirSync(WORKFLOWS).sort();
    assert.deepEqual(files, [
      'ci.yml',
      'e2e.yml',
      'performance.yml',
      'release.yml',
      'security.yml',
    ]);
    for (const file of files) {
      for (const step of steps(load(file))) {
        assert.equal(step.run, undefined, `${file}: a run step puts logic in YAML`);
        assert.match(
          step.uses ?? '',
          /^(actions\/checkout|actions\/upload-artifact|dagger\/dagger-for-github|peter-evans\/create-pull-request)@v\d+$/,
          file,
        );
      }
    }
  });

  it('calls only functions and flags the module has, at the module engine version', () => {
    const engine = (
      JSON.parse(readFileSync(join(WORKFLOWS, '..', '..', 'dagger.json'), 'utf8')) as {
        engineVersion: string;
      }
    ).engineVersion;
    for (const file of readdirSync(WORKFLOWS)) {
      for (const step of steps(load(file)).filter((s) => s.uses?.startsWith('dagger/'))) {
        assert.equal(step.with?.verb, 'call', file);
        assert.equal(`v${step.with?.version}`, engine, `${file}: CLI version`);
        const { fn, flags } = daggerCall(step);
        const f = mod.functions.find((x) => x.cliName === fn);
        assert.ok(f, `${file}: unknown function ${fn}`);
        for (const flag of flags) {
          assert.ok(
            f.arguments.some((a) => a.cliName === flag),
            `${file}: ${fn} has no --${flag}`,
          );
        }
      }
    }
  });

  it('runs ci and security on main/develop pushes and PRs, security also nightly at 02:00', () => {
    for (const file of ['ci.yml', 'security.yml']) {
      const on = load(file).on as Record<string, { branches?: string[] }>;
      assert.deepEqual(on.push?.branches, ['main', 'develop'], file);
      assert.deepEqual(on.pull_request?.branches, ['main', 'develop'], file);
    }
    const schedule = load('security.yml').on.schedule as { cron: string }[];
    assert.deepEqual(schedule, [{ cron: '0 2 * * *' }]);
    const called = steps(load('security.yml')).map((s) => daggerCall(s).fn);
    for (const fn of ['scan-source', 'audit', 'zap']) assert.ok(called.includes(fn), fn);
  });

  it('releases signed images from main and develop, verifies them and proposes their promotion by digest', () => {
    const release = load('release.yml');
    assert.deepEqual(release.on, { push: { branches: ['main', 'develop'] } });
    assert.equal(release.permissions?.packages, 'write');
    const byFn = (fn: string) => steps(release).find((s) => daggerCall(s).fn === fn);
    const publish = byFn('publish');
    assert.ok(publish);
    assert.match(publish.with?.args ?? '', /--registry ghcr\.io\//);
    assert.match(publish.with?.args ?? '', /--password env:\/\/REGISTRY_TOKEN/);
    assert.match(publish.with?.args ?? '', /--signing-key env:\/\/COSIGN_PRIVATE_KEY/);
    assert.equal(publish.env?.REGISTRY_TOKEN, '${{ secrets.GITHUB_TOKEN }}');
    assert.equal(publish.env?.COSIGN_PRIVATE_KEY, '${{ secrets.COSIGN_PRIVATE_KEY }}');
    // verify and promote check against the key the admission policy trusts.
    for (const fn of ['verify', 'promote']) {
      assert.match(byFn(fn)?.with?.args ?? '', /--public-key helm\/argocd\/cosign\.pub/, fn);
    }
    // develop: publish, verify, then promote to staging; main: staging's digests to production.
    const fns = (job: string) => (release.jobs[job]?.steps ?? []).map((s) => daggerCall(s).fn);
    assert.deepEqual(fns('staging').filter(Boolean), ['publish', 'verify', 'promote']);
    assert.match(
      release.jobs.staging?.steps.find((s) => daggerCall(s).fn === 'promote')?.with?.args ?? '',
      /--env staging/,
    );
    const production = release.jobs.production?.steps.find((s) => daggerCall(s).fn === 'promote');
    assert.match(production?.with?.args ?? '', /--env production --from-env staging/);
    assert.ok(
      !fns('production').includes('publish'),
      'production ships what staging runs, not a rebuild',
    );
    assert.ok(steps(release).some((s) => s.uses?.startsWith('peter-evans/create-pull-request@')));
  });
});
