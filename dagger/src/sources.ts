import type { Directory } from '@dagger.io/dagger';

/**
 * The files each stage reads, as include patterns over the repository: the one place that says
 * which change re-runs which stage. The engine caches by content, so a stage whose files did not
 * change is not run again: a README-only change re-runs `lint` and `scan-source` (they read it)
 * and no test, build or image stage.
 */

/** What `npm ci` reads: the dependency layer every Node stage starts from. */
export const MANIFESTS = ['package.json', 'package-lock.json', '*/package.json', '.npmrc'];

/** The app and the web client as built (`npm run build`): sources and build configuration. */
const BUILD = [
  ...MANIFESTS,
  'tsconfig.json',
  'app/tsconfig*.json',
  'app/src/**',
  'web/tsconfig.json',
  'web/vite.config.ts',
  'web/index.html',
  'web/src/**',
  'web/public/**',
];

/** The mocha set-up both test stages share: the root config, coverage config and fixtures. */
const TEST_SUPPORT = ['.mocharc.cjs', '.c8rc.json', 'test/support/**'];

export const STAGE_FILES = {
  /** The images: the built workspaces plus nginx's configuration. */
  build: [...BUILD, 'web/nginx.conf', 'web/security-headers.inc'],
  /** The app's unit and integration tests, and the benchmark's machine probes they test. */
  appTests: [
    ...BUILD,
    ...TEST_SUPPORT,
    'test/servers.test.ts',
    'app/test/**',
    'app/bench/stalls.ts',
    'app/bench/tasks.ts',
    'app/bench/clock.ts',
    'app/bench/gate.ts',
    'web/test/**',
  ],
  /**
   * The pipeline's own tests (the modules', the chart's helpers, the workflows, the pins): what
   * they read, which is not the README (the CLI's function list is checked against it by
   * .ci/engine/pipeline.sh).
   */
  pipelineTests: [
    ...MANIFESTS,
    'tsconfig.json',
    ...TEST_SUPPORT,
    'test/renovate.test.ts',
    'renovate.json',
    'dagger.json',
    'dagger/**',
    'helm/**',
    '.github/**',
    '.ci/**',
    'scripts/**',
  ],
  /** The browser suite on the built app, served by nginx with its configuration. */
  e2e: [
    ...BUILD,
    ...TEST_SUPPORT,
    'web/e2e/**',
    'app/test/support/**',
    'web/nginx.conf',
    'web/security-headers.inc',
  ],
  /** The chart: lint, manifests, policies, promotion. */
  chart: ['helm/**'],
  /** The GitHub workflows (actionlint). */
  workflows: ['.github/**'],
} as const satisfies Record<string, readonly string[]>;

/** The name of a stage's file set. */
export type StageFiles = keyof typeof STAGE_FILES;

/** The repository narrowed to what `stage` reads (paths stay where they are). */
export function stageSource(source: Directory, stage: StageFiles): Directory {
  return source.filter({ include: [...STAGE_FILES[stage]] });
}
