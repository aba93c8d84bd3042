/**
 * Benchmark (b): resident memory of the server per idle authenticated WebSocket, at S sockets
 * (default 10,000: 1,000 users × 10 sockets). Server and clients are separate processes; the
 * clients are split over two processes to stay within the file-descriptor limit.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from './common.js';

const HERE = dirname(fileURLToPath(import.meta.url));

function start(script: string, args: string[], execArgv: string[] = []): ChildProcess {
  return fork(join(HERE, script), args, {
    execArgv: [...execArgv, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${child.spawnfile} exited with ${code}`)));
  });
}

/** Stops the server so it removes its database; SIGKILL if it takes over 10 s. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Measure {
  rss: number;
  heapUsed: number;
  open: number;
}

/** Runs benchmark (b) and returns its report. */
export async function benchIdle(options: { sockets: number }) {
  const perUser = 10;
  const users = Math.ceil(options.sockets / perUser);
  const total = users * perUser;
  const dir = mkdtempSync(join(tmpdir(), 'aichat-bench-idle-'));
  const file = join(dir, 'jobs.json');
  const server = start('idle-server.ts', [file, String(users), String(perUser)], ['--expose-gc']);
  const clients: ChildProcess[] = [];
  try {
    await nextMessage(server);
    server.send('measure');
    const before = await nextMessage<Measure>(server);
    const half = Math.ceil(total / 2);
    for (const [from, to] of [
      [0, half],
      [half, total],
    ] as const) {
      clients.push(start('idle-client.ts', [file, String(from), String(to)]));
    }
    await Promise.all(clients.map((c) => nextMessage(c)));
    server.send('measure');
    const after = await nextMessage<Measure>(server);
    const mib = (b: number) => round(b / 1024 / 1024, 1);
    return {
      sockets: after.open,
      rssMiB: mib(after.rss),
      rssBeforeMiB: mib(before.rss),
      heapUsedMiB: mib(after.heapUsed),
      perSocketKiB: round((after.rss - before.rss) / after.open / 1024, 2),
    };
  } finally {
    for (const c of clients) c.kill('SIGKILL');
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
