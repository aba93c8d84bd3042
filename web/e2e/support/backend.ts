/**
 * Starts the real backend as a child process (`node --import tsx app/src/bin/server.ts`), the
 * way production runs it, with SQLite in a temporary directory. Tests can stop and start it
 * again on the same port and database to exercise reconnects.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../test/support/servers.js';
import { REPORTS, ROOT, WEB_DIST } from './paths.js';

export interface Backend {
  url: string;
  port: number;
  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and database. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

/** Polls GET /health until it answers 200 or the process exits. */
async function waitHealthy(url: string, child: ChildProcess, ms = 30000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`backend exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`backend at ${url} not healthy after ${ms} ms`);
}

/**
 * Starts a backend. `env` adds to a test configuration (SQLite, echo provider, generous limits);
 * the server's log goes to reports/e2e/<name>.log.
 */
export async function startBackend(
  name: string,
  env: Record<string, string> = {},
): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'aichat-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(REPORTS, { recursive: true });
  const log = createWriteStream(join(REPORTS, `${name}.log`), { flags: 'a' });
  let child: ChildProcess | null = null;

  const start = async () => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'app/src/bin/server.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(dir, 'aichat.sqlite')}`,
        WEB_DIST_DIR: WEB_DIST,
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '2000',
        RATE_LIMIT_PER_MINUTE: '1000',
        RATE_LIMIT_IP_PER_MINUTE: '5000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    c.stdout?.pipe(log, { end: false });
    c.stderr?.pipe(log, { end: false });
    child = c;
    await waitHealthy(url, c);
  };

  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url,
    port,
    stop,
    start,
    async dispose() {
      await stop();
      log.end();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
