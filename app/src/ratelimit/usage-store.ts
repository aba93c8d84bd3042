/**
 * Per-user, per-UTC-day token counters (prompt + completion), shared by every replica.
 *
 * Additions are batched (issue #11): every reply adds its tokens when it ends, and the replies
 * ending in one event-loop turn (or while a write runs) go in one upsert statement, summed per
 * user and day, rather than one knex query each.
 */
import type { Knex } from '../db/index.js';

/** Counters per upsert statement (3 bindings each, well under SQLite's variable limit). */
const CHUNK = 500;

const PG_ADD = `INSERT INTO token_usage_daily (user_id, day, tokens)
  SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[])
  ON CONFLICT (user_id, day) DO UPDATE SET tokens = token_usage_daily.tokens + excluded.tokens`;

const sqliteAdd = (rows: number) =>
  `INSERT INTO token_usage_daily (user_id, day, tokens) VALUES ${Array(rows)
    .fill('(?, ?, ?)')
    .join(', ')}
  ON CONFLICT (user_id, day) DO UPDATE SET tokens = token_usage_daily.tokens + excluded.tokens`;

/** One counter's pending addition, with whoever awaits it. */
interface Pending {
  userId: string;
  day: string;
  tokens: number;
  waiters: Array<{ resolve(): void; reject(err: unknown): void }>;
}

/** Reads and increments the token_usage_daily table. */
export class TokenUsageStore {
  private readonly sqlite: boolean;
  private pending = new Map<string, Pending>();
  private writing = false;

  constructor(private readonly db: Knex) {
    this.sqlite = (db.client as { dialect?: string }).dialect === 'sqlite3';
  }

  /**
   * Adds `tokens` to the user's counter for `day` (an atomic upsert on both databases);
   * resolves once committed, together with the other additions of this turn.
   */
  add(userId: string, day: string, tokens: number): Promise<void> {
    if (tokens <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const key = `${userId} ${day}`;
      const entry = this.pending.get(key);
      if (entry) {
        entry.tokens += tokens;
        entry.waiters.push({ resolve, reject });
      } else {
        this.pending.set(key, { userId, day, tokens, waiters: [{ resolve, reject }] });
      }
      if (this.writing) return;
      this.writing = true;
      setImmediate(() => void this.writeAll());
    });
  }

  /** Tokens the user spent on `day` (0 when none). */
  async get(userId: string, day: string): Promise<number> {
    const row = await this.db('token_usage_daily')
      .where({ user_id: userId, day })
      .first<{ tokens: number | string } | undefined>('tokens');
    return row ? Number(row.tokens) : 0;
  }

  /** Writes what is pending, then what arrived meanwhile, until nothing is left. */
  private async writeAll(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.pending = new Map();
      for (let i = 0; i < batch.length; i += CHUNK) {
        const chunk = batch.slice(i, i + CHUNK);
        try {
          await this.upsert(chunk);
          for (const p of chunk) for (const w of p.waiters) w.resolve();
        } catch (err) {
          // One bad counter (say, its user was just deleted) must fail only its own callers.
          for (const p of chunk) await this.alone(p, chunk.length === 1 ? err : undefined);
        }
      }
    }
    this.writing = false;
  }

  private async alone(p: Pending, known: unknown): Promise<void> {
    try {
      if (known !== undefined) throw known;
      await this.upsert([p]);
      for (const w of p.waiters) w.resolve();
    } catch (err) {
      for (const w of p.waiters) w.reject(err);
    }
  }

  private async upsert(rows: readonly Pending[]): Promise<void> {
    if (this.sqlite) {
      await this.db.raw(
        sqliteAdd(rows.length),
        rows.flatMap((r) => [r.userId, r.day, r.tokens]),
      );
      return;
    }
    await this.db.raw(PG_ADD, [
      rows.map((r) => r.userId),
      rows.map((r) => r.day),
      rows.map((r) => r.tokens),
    ]);
  }
}
