/**
 * Initial schema, identical on PostgreSQL and SQLite: users, sessions (token hash only),
 * conversations, messages and the per-day token usage behind the quota.
 * Timestamps are written as JS Dates: timestamptz(3) on PostgreSQL, epoch ms on SQLite.
 */
import type { Knex } from 'knex';

const ts = (t: Knex.CreateTableBuilder, name: string) =>
  t.timestamp(name, { useTz: true, precision: 3 }).notNullable();

/** Creates the tables and indexes. */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('users', (t) => {
    t.string('id', 36).primary();
    t.string('username', 32).notNullable();
    // Lower-cased copy: "Alice" and "alice" are the same account.
    t.string('username_key', 32).notNullable().unique();
    t.string('password_hash', 255).notNullable();
    ts(t, 'created_at');
  });

  await db.schema.createTable('sessions', (t) => {
    t.string('id', 36).primary();
    // sha256 hex of the opaque token; the token itself is never stored.
    t.string('token_hash', 64).notNullable().unique();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    ts(t, 'expires_at');
    ts(t, 'created_at');
    t.index(['user_id']);
    t.index(['expires_at']);
  });

  await db.schema.createTable('conversations', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('title', 200).notNullable();
    t.string('model', 100).notNullable();
    t.text('system_prompt').nullable();
    ts(t, 'created_at');
    ts(t, 'updated_at');
    // Listing a user's conversations newest first.
    t.index(['user_id', 'updated_at', 'id']);
  });

  await db.schema.createTable('messages', (t) => {
    t.string('id', 36).primary();
    t.string('conversation_id', 36)
      .notNullable()
      .references('id')
      .inTable('conversations')
      .onDelete('CASCADE');
    t.string('role', 16).notNullable().checkIn(['user', 'assistant']);
    t.text('content').notNullable();
    t.string('status', 16)
      .notNullable()
      .checkIn(['complete', 'streaming', 'interrupted', 'failed']);
    t.string('client_message_id', 128).nullable();
    t.integer('prompt_tokens').nullable();
    t.integer('completion_tokens').nullable();
    t.string('error_code', 64).nullable();
    t.text('error_message').nullable();
    ts(t, 'created_at');
    ts(t, 'updated_at');
    // Idempotent chat.send; NULLs (assistant rows) do not collide on either database.
    t.unique(['conversation_id', 'client_message_id']);
    // Paging through a conversation in order.
    t.index(['conversation_id', 'created_at', 'id']);
    // Crash recovery scans for rows left streaming.
    t.index(['status']);
  });

  await db.schema.createTable('token_usage_daily', (t) => {
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    // UTC day, YYYY-MM-DD.
    t.string('day', 10).notNullable();
    t.bigInteger('tokens').notNullable().defaultTo(0);
    t.primary(['user_id', 'day']);
  });
}

/** Drops everything `up` created. */
export async function down(db: Knex): Promise<void> {
  for (const table of ['token_usage_daily', 'messages', 'conversations', 'sessions', 'users']) {
    await db.schema.dropTableIfExists(table);
  }
}
