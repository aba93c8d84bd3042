/**
 * Which of the machine's tasks used CPU time in a stretch: the benchmark names them when the
 * machine is not quiet. On this project's VM they were the kernel's DAMON page-out thread
 * (`kdamond.0`, 1–5% of a CPU, in slices of ~6 ms) and the VM agent (`tokio-rt-worker` of
 * pid 1, 1–3%). Linux only: every thread's time on CPU is the first field of
 * /proc/<pid>/task/<tid>/schedstat.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './clock.js';

/**
 * CPU time so far of every thread, ns, keyed by "<pid>/<tid>" (a kernel worker's name changes
 * with its work, so names cannot match two readings).
 */
export type TaskTimes = Map<string, { task: string; ns: number }>;

/** A task that ran, and for how long. */
export interface TaskTime {
  task: string;
  ms: number;
}

/** Reads every thread's CPU time now; undefined without /proc (not Linux). */
export function readTaskTimes(): TaskTimes | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const times: TaskTimes = new Map();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // exited meanwhile
    }
    for (const tid of tids) {
      try {
        const dir = `/proc/${pid}/task/${tid}`;
        const ns = Number(readFileSync(`${dir}/schedstat`, 'utf8').split(' ')[0]);
        const task = `${readFileSync(`${dir}/comm`, 'utf8').trim()} (pid ${pid})`;
        times.set(`${pid}/${tid}`, { task, ns });
      } catch {
        // exited meanwhile
      }
    }
  }
  return times;
}

/**
 * The tasks that used the most CPU time between two readings, longest first: threads of one
 * process with one name are summed; the processes in `exclude` and tasks under 1 ms left out.
 */
export function busiest(
  before: TaskTimes,
  after: TaskTimes,
  exclude: number[],
  top = 3,
): TaskTime[] {
  const skip = new Set(exclude.map(String));
  const byTask = new Map<string, number>();
  for (const [key, { task, ns }] of after) {
    if (skip.has(key.slice(0, key.indexOf('/')))) continue;
    byTask.set(task, (byTask.get(task) ?? 0) + ns - (before.get(key)?.ns ?? 0));
  }
  return [...byTask]
    .map(([task, ns]) => ({ task, ms: round(ns / 1e6, 1) }))
    .filter((t) => t.ms >= 1)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}
