/**
 * Where the relay benchmark's processes run. Unpinned on a two-core machine, the scheduler puts
 * the client process and the server on one core or on two from run to run, and the bare relay's
 * throughput swung between 55k and 100k tokens/s across invocations (ours between 45k and 65k),
 * so their ratio measured the scheduler as much as the relay. Pinned, the server (this process,
 * with its worker and GC threads) has core 0 and the clients core 1, as a server has its own CPU
 * in production: both sides get the same single core, run after run.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Pinning {
  /** Prepended to a client's command line (empty when unpinned). */
  clientCommand: string[];
  /** Prepended to a command line that runs on the server's CPU (empty when unpinned). */
  serverCommand: string[];
  /** What the report says about it. */
  note: string;
}

/** Pins this process to CPU 0 (clients then go on CPU 1), if `wanted` and possible. */
export function pinProcesses(wanted: boolean): Pinning {
  const unpinned = (why: string) => ({
    clientCommand: [],
    serverCommand: [],
    note: `unpinned (${why})`,
  });
  if (!wanted) return unpinned('--pin off');
  if (availableParallelism() < 2) return unpinned('one CPU');
  // -a: every thread of the process, including those already started (V8's, libuv's).
  const r = spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], {
    stdio: 'ignore',
  });
  if (r.error || r.status !== 0) {
    return unpinned(`taskset ${r.error ? 'not found' : `exited with ${r.status}`}`);
  }
  return {
    clientCommand: ['taskset', '-c', '1'],
    serverCommand: ['taskset', '-c', '0'],
    note: 'server on CPU 0, clients on CPU 1',
  };
}
