/** Builds the UI once per test run, so the E2E tests always drive the current source. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WEB } from './paths.js';

const run = promisify(execFile);
let built: Promise<void> | undefined;

/** Runs `vite build` for web/ (once per process); rejects with vite's output on failure. */
export function buildWeb(): Promise<void> {
  built ??= run(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'],
    {
      cwd: WEB,
    },
  )
    .catch(async () =>
      // Hoisted installs keep vite at the repository root.
      run(process.execPath, ['../node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
        cwd: WEB,
      }),
    )
    .then(() => undefined);
  return built;
}
