/**
 * The daily token quota: the chat service checks it before starting a reply and records usage
 * when a reply ends.
 */
import { TooManyRequestsError } from '../errors/index.js';
import { evaluateQuota, utcDay, type QuotaStatus } from './quota.js';
import type { TokenUsageStore } from './usage-store.js';

/** Checks and records per-user daily token usage. */
export class QuotaService {
  constructor(
    private readonly usage: TokenUsageStore,
    private readonly dailyQuota: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Today's quota status for the user. */
  async check(userId: string): Promise<QuotaStatus> {
    const now = this.clock();
    const used = await this.usage.get(userId, utcDay(now));
    return evaluateQuota({ used, quota: this.dailyQuota, now });
  }

  /** Throws a 429 `quota_exceeded` (with Retry-After) when the user has no tokens left today. */
  async assertAvailable(userId: string): Promise<QuotaStatus> {
    const status = await this.check(userId);
    if (!status.allowed) throw new TooManyRequestsError(status.retryAfterSeconds, 'quota_exceeded');
    return status;
  }

  /** Adds a finished reply's prompt + completion tokens to today's counter. */
  async record(userId: string, tokens: number): Promise<void> {
    await this.usage.add(userId, utcDay(this.clock()), Math.max(0, Math.round(tokens)));
  }
}
