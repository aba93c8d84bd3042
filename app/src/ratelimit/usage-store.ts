/** Per-user, per-UTC-day token counters (prompt + completion), shared by every replica. */
import type { Knex } from '../db/index.js';

/** Reads and increments the token_usage_daily table. */
export class TokenUsageStore {
  constructor(private readonly db: Knex) {}

  /** Adds `tokens` to the user's counter for `day` (an atomic upsert on both databases). */
  async add(userId: string, day: string, tokens: number): Promise<void> {
    if (tokens <= 0) return;
    await this.db('token_usage_daily')
      .insert({ user_id: userId, day, tokens })
      .onConflict(['user_id', 'day'])
      .merge({ tokens: this.db.raw('?? + ?', ['token_usage_daily.tokens', tokens]) });
  }

  /** Tokens the user spent on `day` (0 when none). */
  async get(userId: string, day: string): Promise<number> {
    const row = await this.db('token_usage_daily')
      .where({ user_id: userId, day })
      .first<{ tokens: number | string } | undefined>('tokens');
    return row ? Number(row.tokens) : 0;
  }
}
