/**
 * Daily token quota maths, pure: which UTC day a moment belongs to, how long until the quota
 * resets, and whether a user may start another reply. The I/O lives in quota-service.ts.
 */

/** The UTC day of `now` as YYYY-MM-DD (the usage table's key). */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Whole seconds until the next UTC midnight (at least 1): the Retry-After of an exhausted quota. */
export function secondsUntilUtcMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/** The outcome of a quota check. */
export interface QuotaStatus {
  allowed: boolean;
  /** Tokens left today; Infinity when the quota is disabled. */
  remaining: number;
  /** Seconds until the quota resets (only meaningful when not allowed). */
  retryAfterSeconds: number;
}

/**
 * Decides whether a user who spent `used` tokens today may start a reply. A quota of 0 disables
 * the check. The reply that crosses the line is allowed to finish (its size is unknown up front);
 * the next one is refused.
 * @example evaluateQuota({ used: 200_000, quota: 200_000, now }) // → { allowed: false, ... }
 */
export function evaluateQuota(input: { used: number; quota: number; now: Date }): QuotaStatus {
  if (input.quota === 0) {
    return { allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterSeconds: 0 };
  }
  const remaining = Math.max(0, input.quota - Math.max(0, input.used));
  return {
    allowed: remaining > 0,
    remaining,
    retryAfterSeconds: remaining > 0 ? 0 : secondsUntilUtcMidnight(input.now),
  };
}
