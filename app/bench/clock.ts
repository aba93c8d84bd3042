/**
 * The benchmarks' clock and statistics, apart from the app so the client process loads none of it.
 */

/**
 * Milliseconds on the system-wide monotonic clock (CLOCK_MONOTONIC via hrtime), so stamps taken
 * in the server process compare exactly with receipt times in the client process
 * (performance.timeOrigin differs per process by up to a millisecond).
 */
export const wallNow = (): number => Number(process.hrtime.bigint()) / 1e6;

/** The p-th percentile (0–100) of an ascending sorted array. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** Rounds for the report. */
export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** The median of some numbers (the middle one, or the mean of the middle two). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
