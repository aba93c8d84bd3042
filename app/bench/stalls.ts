/**
 * Whether the machine is quiet enough for the relay benchmark's figures. A thread that does
 * nothing but read the monotonic clock sees every stretch in which it did not run: the
 * hypervisor or another task had its CPU. A p99 is decided by the slowest 1% of tokens: under
 * 0.1% of the time lost, stalls cannot move it much.
 *
 * The probe first runs its loop unmeasured: a fresh Node process's first ~100 ms of it are its
 * own (V8 compiling the loop, start-up work on its other threads), stalls of up to 14 ms each,
 * which were once reported as the machine's. Warmed up, a probe of one CPU on this project's VM
 * sees no stall at all; probing both at once, as the benchmark does (it keeps both busy), each
 * loses 0.1–7%: the kernel's and the VM's own tasks then have no idle CPU to run on (tasks.ts
 * names them).
 *
 * Run directly (`node --import tsx bench/stalls.ts <ms>`), it probes the CPU it runs on and
 * prints its Stalls as JSON: the benchmark probes both CPUs at once that way.
 */
import { fileURLToPath } from 'node:url';
import { round } from './clock.js';

/** A gap between two clock reads longer than this is a stall (a read takes well under 1 µs). */
const STALL_MS = 1;

/** A machine is quiet when its CPUs lose under this share of their time to stalls (%). */
export const QUIET_LOST_PERCENT = 0.1;

export interface Stalls {
  /** How long the probe ran, ms. */
  probedMs: number;
  /** The share of that time lost in stalls over 1 ms, %. */
  lostPercent: number;
  /** How many stalls over 1 ms. */
  count: number;
  /** The longest stall, ms (0 when none). */
  longestMs: number;
}

/** How long the probe runs its loop before measuring (see above), ms. */
const WARM_UP_MS = 500;

/** Busy-reads the clock on this thread for `warmUpMs`, then for `ms`, and reports the stalls of the latter. */
export function probeStalls(ms: number, warmUpMs = WARM_UP_MS): Stalls {
  scan(warmUpMs);
  return scan(ms);
}

/** The probe's loop: one function, so the warm-up compiles what the measurement runs. */
function scan(ms: number): Stalls {
  const start = performance.now();
  let last = start;
  let lost = 0;
  let count = 0;
  let longest = 0;
  while (last - start < ms) {
    const now = performance.now();
    const gap = now - last;
    if (gap > STALL_MS) {
      lost += gap;
      count++;
      longest = Math.max(longest, gap);
    }
    last = now;
  }
  const probed = last - start;
  return {
    probedMs: round(probed, 1),
    lostPercent: round((100 * lost) / probed),
    count,
    longestMs: round(longest, 1),
  };
}

/** Whether every probe found its CPU quiet. */
export const quiet = (probes: Stalls[]): boolean =>
  probes.every((p) => p.lostPercent < QUIET_LOST_PERCENT);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(probeStalls(Number(process.argv[2] ?? 2000))));
}
