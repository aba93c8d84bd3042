// The module as the engine's TypeScript runtime sees it: the runtime copies only the module's
// source directory (dagger/), installs its dependencies from its own lockfile with the package
// manager its package.json names, and starts it with `tsx --tsconfig dagger/tsconfig.json`.
// This rebuilds that view on the host, without an engine, so a module that cannot load fails in
// `npm test` instead of on a user's `dagger call`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dagger/, the module's source directory (dagger.json's "source"). */
export const MODULE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** tsx, as the repository installed it: the runtime brings its own, the loading is the same. */
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

/** Runs a command in `cwd`, failing with its output. */
function run(cwd: string, file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    // The end of the output says what failed (tsx first prints a line of its minified source).
    const output = `${e.stderr ?? ''}${e.stdout ?? ''}`.slice(-1500);
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${output}`, { cause: error });
  }
}

/**
 * Copies `moduleDir` (dagger/) alone, without node_modules, to a temporary directory, installs it
 * from its lockfile (`npm ci --omit=dev`: the runtime installs production dependencies only),
 * imports src/index.ts through tsx with the copy's tsconfig.json, and hands the copy's path and
 * the names of the classes the module exports to `use`. The copy (~170 MB with its
 * node_modules) is removed once `use` settles. Throws with npm's or tsx's output when a step
 * fails: a tsconfig that leaves dagger/, a missing or stale lockfile, an import that leaves
 * dagger/.
 */
export async function withRuntimeView<T>(
  moduleDir: string,
  use: (view: { dir: string; exports: string[] }) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'aichat-module-'));
  try {
    cpSync(moduleDir, dir, {
      recursive: true,
      filter: (src) => !src.split('/').includes('node_modules'),
    });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      packageManager?: string;
    };
    if (!pkg.packageManager?.startsWith('npm@')) {
      throw new Error(
        `dagger/package.json: packageManager is "${pkg.packageManager}", not npm@<version>`,
      );
    }
    run(dir, 'npm', [
      'ci',
      '--omit=dev',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
    ]);
    writeFileSync(
      join(dir, 'probe.ts'),
      "import * as m from './src/index.ts';\nprocess.stdout.write(JSON.stringify(Object.keys(m)));\n",
    );
    const out = run(dir, process.execPath, [TSX_CLI, '--tsconfig', './tsconfig.json', 'probe.ts']);
    return await use({ dir, exports: JSON.parse(out) as string[] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
