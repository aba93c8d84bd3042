/** Reconnect delays: exponential with full jitter, capped, so many clients do not reconnect in step. */

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Returns a number in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15000 };

/**
 * Delay before reconnect attempt `attempt` (1-based): between half and all of
 * min(maxMs, baseMs·2^(attempt-1)).
 * @example backoffDelay(1, { baseMs: 500, maxMs: 15000, random: () => 0 }) // 250
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const r = (opts.random ?? Math.random)();
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
