/**
 * The database handle: knex over PostgreSQL (pg) or SQLite (better-sqlite3 v12), chosen by
 * DATABASE_URL. Stores receive the Knex instance; nothing else opens connections.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knex, { type Knex } from 'knex';
import type { DatabaseTarget } from '../config/index.js';
import { startCheckpoints, type WalConnection } from './checkpoints.js';

export type { Knex } from 'knex';

/** Options for `createDb` beyond the target. */
export interface DbOptions {
  /** Largest PostgreSQL pool (SQLite always uses one connection). */
  poolMax?: number;
}

/**
 * Opens a knex instance for the target. For SQLite the parent directory is created (the default
 * ./data/ on a fresh clone), foreign keys are enforced, WAL lets readers run during writes, and
 * a worker thread checkpoints the WAL (see checkpoints.ts).
 * @example const db = createDb(config.database); await migrateLatest(db);
 */
export function createDb(target: DatabaseTarget, options: DbOptions = {}): Knex {
  if (target.client === 'pg') {
    return knex({
      client: 'pg',
      connection: target.connectionString,
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
  }
  const memory = target.filename === ':memory:';
  const filename = memory ? ':memory:' : resolve(target.filename);
  if (!memory) mkdirSync(dirname(filename), { recursive: true });
  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: WalConnection, done: (err: Error | null) => void) {
        try {
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          // WAL + NORMAL: no fsync per commit (durable at checkpoints, never corrupt); streamed
          // replies flush several times a second, which FULL would turn into an fsync storm.
          conn.pragma('synchronous = NORMAL');
          if (!memory) {
            conn.pragma('journal_mode = WAL');
            startCheckpoints(conn);
          }
          done(null);
        } catch (err) {
          done(err as Error);
        }
      },
    },
  });
}

/** Runs a trivial query: resolves when the database answers (readiness). */
export async function pingDb(db: Knex): Promise<void> {
  await db.raw('select 1');
}

/**
 * A timestamp column value as an ISO 8601 string. PostgreSQL returns Date objects, SQLite the
 * epoch milliseconds knex stored.
 */
export function toIso(value: Date | number | string): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  ).toISOString();
}

export { migrateLatest, migrationSource } from './migrate.js';
