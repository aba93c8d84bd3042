/**
 * Whether the machine is quiet enough for the relay benchmark's figures. A thread that does
 * nothing but read the monotonic clock sees every stretch in which it did not run: the
 * hypervisor or another process had its CPU. On this project's machine (a VM), a noisy day lost
 * 1% of one CPU's time in stalls of 1–13 ms, and 4% of CPU 0's (stalls up to 25 ms) while CPU 1
 * was busy too, as it is during the benchmark; the bare relay's own p99 then went from 16 ms to
 * 100–600 ms. A p99 is decided by the slowest 1% of tokens: under 0.1% of the time lost, stalls
 * cannot move it much. The benchmark's own process, idle on CPU 0 while it probes (tsx's loader
 * thread, V8's), took another ~2% of that CPU there: the figure is what the server runs beside.
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

/** Busy-reads the clock on this thread for `ms` and reports the stalls it saw. */
export function probeStalls(ms: number): Stalls {
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
