/**
 * Messages table access: the REST listing and everything chat streaming persists (the user
 * message and its reply's row before they are acknowledged, periodic flushes, the final
 * status). Reads for the API are scoped by owner; the streaming writes take ids the
 * chat service obtained through an owner-scoped call.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { toIso, type Knex } from '../db/index.js';
import { decodeCursor, encodeCursor, takePage } from '../pagination/cursor.js';
import type { MessageStatus, Usage } from '../protocol/frames.js';
import type { Message } from './schemas.js';

interface MessageRow {
  id: string;
  conversation_id: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  client_message_id: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Date | number;
  updated_at: Date | number;
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    role: row.role,
    content: row.content,
    status: row.status,
    clientMessageId: row.client_message_id,
    usage:
      row.prompt_tokens === null || row.completion_tokens === null
        ? null
        : {
            promptTokens: Number(row.prompt_tokens),
            completionTokens: Number(row.completion_tokens),
          },
    error:
      row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** Replies written per statement in a batched write on PostgreSQL (it runs off the event loop). */
const PG_FLUSH_CHUNK = 100;

/**
 * Replies written per transaction in a batched write on SQLite, which holds the event loop
 * meanwhile. Saving 1,000 replies 20 times (one CPU, the checkpoint worker on it too), the loop's
 * stalls went from p50 0.8–2.0 ms and p99 12–33 ms with chunks of 100 to p50 0.3–0.7 ms and p99
 * 6–11 ms with 25, for about the same total time; 10 cost up to twice the time. Final states
 * are chunked alike: 300–500 replies ending in one turn held the loop 8–10 ms in one transaction.
 */
const SQLITE_FLUSH_CHUNK = 25;

const PG_UPDATE_CONTENTS = `UPDATE messages AS m SET content = v.content, updated_at = ?
  FROM unnest(?::text[], ?::text[]) AS v(id, content)
  WHERE m.id = v.id AND m.status = 'streaming'`;

const SQLITE_UPDATE_CONTENT = `UPDATE messages SET content = ?, updated_at = ?
  WHERE id = ? AND status = 'streaming'`;

/**
 * Message rows created in one statement (issue #11): per row, the replaced reply goes,
 * created_at is kept after the conversation's newest message, and the conversation's
 * updated_at follows.
 */
const PG_INSERT_MESSAGES = `WITH v AS (
    SELECT *, row_number() OVER (PARTITION BY conversation_id ORDER BY n) - 1 AS k
    FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
      ?::int[], ?::int[], ?::text[], ?::text[], ?::text[], ?::timestamptz[]) WITH ORDINALITY
      AS v(id, conversation_id, role, status, content, client_message_id, prompt_tokens,
        completion_tokens, error_code, error_message, replaces, at, n)
  ), gone AS (
    DELETE FROM messages m USING v WHERE m.id = v.replaces
  ), ins AS (
    INSERT INTO messages (id, conversation_id, role, content, status, client_message_id,
      prompt_tokens, completion_tokens, error_code, error_message, created_at, updated_at)
    SELECT v.id, v.conversation_id, v.role, v.content, v.status, v.client_message_id,
      v.prompt_tokens, v.completion_tokens, v.error_code, v.error_message, t.at, t.at
    FROM v CROSS JOIN LATERAL (
      -- One statement sees none of its own rows: the k-th row of a conversation in it (a
      -- reply after its user message) goes k ms later still.
      SELECT greatest(v.at, max(m.created_at) + interval '1 millisecond')
        + v.k * interval '1 millisecond' AS at
      FROM messages m WHERE m.conversation_id = v.conversation_id
    ) t
    RETURNING id, conversation_id, created_at
  ), conv AS (
    UPDATE conversations c SET updated_at = i.at
    FROM (SELECT conversation_id, max(created_at) AS at FROM ins GROUP BY conversation_id) i
    WHERE c.id = i.conversation_id
  )
  SELECT id, created_at FROM ins`;

/** Final states of several replies in one statement. */
const PG_FINISH_REPLIES = `UPDATE messages AS m SET status = v.status, content = v.content,
    prompt_tokens = v.prompt_tokens, completion_tokens = v.completion_tokens,
    error_code = v.error_code, error_message = v.error_message, updated_at = ?
  FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[], ?::text[])
    AS v(id, status, content, prompt_tokens, completion_tokens, error_code, error_message)
  WHERE m.id = v.id`;

const SQLITE_FINISH_REPLY = `UPDATE messages SET status = ?, content = ?, prompt_tokens = ?,
  completion_tokens = ?, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?`;

/** The slice of better-sqlite3 (and of knex's client around it) the batched writes use. */
interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
}
interface SqliteClient {
  acquireConnection(): Promise<SqliteConnection>;
  releaseConnection(conn: SqliteConnection): Promise<unknown>;
}

/** The batched writes of chat messages, prepared once per SQLite connection. */
interface SqliteReplyWrites {
  updateContents(rows: ReadonlyArray<readonly [string, string]>, at: number): void;
  insertMessages(rows: readonly MessageRow[], replaces: ReadonlyArray<string | undefined>): void;
  finishReplies(rows: readonly ReplyOutcome[], at: number): void;
}
const sqliteStatements = new WeakMap<SqliteConnection, SqliteReplyWrites>();

function prepareReplyWrites(conn: SqliteConnection): SqliteReplyWrites {
  const content = conn.prepare(SQLITE_UPDATE_CONTENT);
  const remove = conn.prepare('DELETE FROM messages WHERE id = ?');
  const newest = conn.prepare(
    'SELECT max(created_at) AS at FROM messages WHERE conversation_id = ?',
  );
  const insert = conn.prepare(
    `INSERT INTO messages (id, conversation_id, role, content, status, client_message_id,
      prompt_tokens, completion_tokens, error_code, error_message, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const touch = conn.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?');
  const finish = conn.prepare(SQLITE_FINISH_REPLY);
  return {
    updateContents: conn.transaction((rows: ReadonlyArray<readonly [string, string]>, at) => {
      for (const [id, text] of rows) content.run(text, at, id);
    }),
    insertMessages: conn.transaction(
      (rows: readonly MessageRow[], replaces: ReadonlyArray<string | undefined>) => {
        rows.forEach((r, i) => {
          const gone = replaces[i];
          if (gone) remove.run(gone);
          const last = (newest.get(r.conversation_id) as { at: number | null }).at ?? 0;
          const at = Math.max(r.created_at as number, last + 1);
          r.created_at = r.updated_at = at;
          insert.run(
            r.id,
            r.conversation_id,
            r.role,
            r.content,
            r.status,
            r.client_message_id,
            r.prompt_tokens,
            r.completion_tokens,
            r.error_code,
            r.error_message,
            at,
            at,
          );
          touch.run(at, r.conversation_id);
        });
      },
    ),
    finishReplies: conn.transaction((rows: readonly ReplyOutcome[], at: number) => {
      for (const r of rows) {
        finish.run(
          r.status,
          r.content,
          r.usage?.promptTokens ?? null,
          r.usage?.completionTokens ?? null,
          r.error?.code ?? null,
          r.error?.message ?? null,
          at,
          r.id,
        );
      }
    }),
  };
}

/** A new message's row; created_at is now until the insert keeps it after the newest one. */
function newRow(
  sqlite: boolean,
  conversationId: string,
  fields: Pick<MessageRow, 'role' | 'content' | 'status' | 'client_message_id'> &
    Partial<
      Pick<MessageRow, 'prompt_tokens' | 'completion_tokens' | 'error_code' | 'error_message'>
    >,
): MessageRow {
  const now = new Date();
  // SQLite stores epoch milliseconds (as knex wrote them), PostgreSQL timestamps.
  const at = sqlite ? now.getTime() : now;
  return {
    id: randomUUID(),
    conversation_id: conversationId,
    prompt_tokens: null,
    completion_tokens: null,
    error_code: null,
    error_message: null,
    ...fields,
    created_at: at,
    updated_at: at,
  };
}

/** A streaming reply's row, created in a batch (createReplies). */
export interface NewReply {
  conversationId: string;
  status: MessageStatus;
  content: string;
  usage?: Usage | null;
  error?: { code: string; message: string } | null;
  /** chat.regenerate: the reply this one replaces, deleted in the same transaction. */
  replaces?: string | undefined;
}

/** A reply's final state, written in a batch (finishReplies). */
export interface ReplyOutcome {
  id: string;
  status: Exclude<MessageStatus, 'streaming'>;
  content: string;
  usage: Usage | null;
  error: { code: string; message: string } | null;
}

/** How a reply ended. */
export interface FinishInput {
  status: Exclude<MessageStatus, 'streaming'>;
  /** Final content; omitted keeps the last flushed content. */
  content?: string;
  usage?: Usage | null;
  error?: { code: string; message: string } | null;
}

/** Reads and writes the messages table. */
export class MessageStore {
  private readonly sqlite: boolean;

  constructor(private readonly db: Knex) {
    this.sqlite = (db.client as { dialect?: string }).dialect === 'sqlite3';
  }

  /**
   * Stores the user's message and the empty `streaming` reply to it, in one transaction, in a
   * conversation the caller checked is the user's (the chat service did, once): the first token
   * then needs no write (issue #11). Idempotent on (conversationId, clientMessageId) through the
   * unique index: a resend that lost the race stores nothing and returns the stored user
   * message with `created: false`. One statement on PostgreSQL, prepared statements on SQLite.
   */
  async insertExchange(
    conversationId: string,
    input: { content: string; clientMessageId: string },
  ): Promise<
    { message: Message; reply: Message; created: true } | { message: Message; created: false }
  > {
    try {
      const user = newRow(this.sqlite, conversationId, {
        role: 'user',
        content: input.content,
        status: 'complete',
        client_message_id: input.clientMessageId,
      });
      const reply = newRow(this.sqlite, conversationId, {
        role: 'assistant',
        content: '',
        status: 'streaming',
        client_message_id: null,
      });
      await this.insertRows([user, reply], [undefined, undefined]);
      return { message: toMessage(user), reply: toMessage(reply), created: true };
    } catch (err) {
      const raced = await this.findByClientId(conversationId, input.clientMessageId);
      if (raced) return { message: raced, created: false };
      throw err;
    }
  }

  /**
   * Creates one assistant message (empty and streaming unless told otherwise); `replaces` is
   * deleted in the same transaction. The one-row case of {@link createReplies}.
   */
  async createAssistantMessage(
    conversationId: string,
    init: { content: string; status: MessageStatus; error?: FinishInput['error'] } = {
      content: '',
      status: 'streaming',
    },
    replaces?: string,
  ): Promise<Message> {
    const [message] = await this.createReplies([{ conversationId, ...init, replaces }]);
    if (!message) throw new Error('createReplies returned no row for one reply');
    return message;
  }

  /** Saves one reply's streamed text, while it is still streaming: the one-row {@link updateContents}. */
  updateContent(messageId: string, content: string): Promise<void> {
    return this.updateContents([[messageId, content]]);
  }

  /**
   * Saves the streamed text of several replies (the chat service's periodic flush), only rows
   * still streaming. SQL fixed once (issue #11), no query building per flush: PostgreSQL gets
   * one UPDATE … FROM unnest() per chunk; SQLite one prepared UPDATE run per reply inside one
   * transaction per chunk, straight on the driver (see {@link inChunks}).
   */
  async updateContents(batch: ReadonlyArray<readonly [messageId: string, content: string]>) {
    const now = new Date();
    await this.inChunks(batch, async (chunk) => {
      if (this.sqlite) return this.onSqlite((w) => w.updateContents(chunk, now.getTime()));
      await this.db.raw(PG_UPDATE_CONTENTS, [now, chunk.map((r) => r[0]), chunk.map((r) => r[1])]);
    });
  }

  /**
   * Writes `batch` a chunk at a time, giving the event loop a turn between chunks: a large
   * batch, a synchronous SQLite write, never stalls token delivery for long.
   */
  private async inChunks<T>(
    batch: readonly T[],
    write: (chunk: readonly T[]) => Promise<void>,
  ): Promise<void> {
    const size = this.sqlite ? SQLITE_FLUSH_CHUNK : PG_FLUSH_CHUNK;
    for (let i = 0; i < batch.length; i += size) {
      if (i > 0) await nextTurn();
      await write(batch.slice(i, i + size));
    }
  }

  /**
   * Creates several streaming replies' rows in one transaction (one statement on PostgreSQL,
   * prepared statements on SQLite), as `createAssistantMessage` does one by one; returns them in
   * order.
   */
  async createReplies(batch: readonly NewReply[]): Promise<Message[]> {
    const rows = batch.map((r) =>
      newRow(this.sqlite, r.conversationId, {
        role: 'assistant',
        content: r.content,
        status: r.status,
        client_message_id: null,
        prompt_tokens: r.usage?.promptTokens ?? null,
        completion_tokens: r.usage?.completionTokens ?? null,
        error_code: r.error?.code ?? null,
        error_message: r.error?.message ?? null,
      }),
    );
    await this.insertRows(
      rows,
      batch.map((r) => r.replaces),
    );
    return rows.map(toMessage);
  }

  /**
   * Inserts rows in one transaction, deleting each one's `replaces`; sets their created_at
   * (kept after the conversation's newest message) as stored.
   */
  private async insertRows(
    rows: MessageRow[],
    replaces: ReadonlyArray<string | undefined>,
  ): Promise<void> {
    if (rows.length === 0) return;
    if (this.sqlite) return this.onSqlite((w) => w.insertMessages(rows, replaces));
    const col = <K extends keyof MessageRow>(k: K) => rows.map((r) => r[k]);
    const bindings = [
      col('id'),
      col('conversation_id'),
      col('role'),
      col('status'),
      col('content'),
      col('client_message_id'),
      col('prompt_tokens'),
      col('completion_tokens'),
      col('error_code'),
      col('error_message'),
      replaces.map((r) => r ?? null),
      col('created_at'),
      // pg sends arrays holding NULLs as they are; knex's types only know arrays without.
    ] as unknown as Knex.RawBinding[];
    const result = await this.db.raw<{ rows: Array<{ id: string; created_at: Date }> }>(
      PG_INSERT_MESSAGES,
      bindings,
    );
    const at = new Map(result.rows.map((r) => [r.id, r.created_at]));
    for (const r of rows) r.created_at = r.updated_at = at.get(r.id) ?? r.created_at;
  }

  /**
   * Writes several replies' final states, a chunk per transaction (SQLite) or statement
   * (PostgreSQL; see {@link inChunks}). Each write is a plain update by id: written again after a
   * failed batch, it lands the same.
   */
  async finishReplies(batch: readonly ReplyOutcome[]): Promise<void> {
    const now = new Date();
    await this.inChunks(batch, async (chunk) => {
      if (this.sqlite) return this.onSqlite((w) => w.finishReplies(chunk, now.getTime()));
      const col = <T>(f: (r: ReplyOutcome) => T) => chunk.map(f);
      const bindings = [
        now,
        col((r) => r.id),
        col((r) => r.status),
        col((r) => r.content),
        col((r) => r.usage?.promptTokens ?? null),
        col((r) => r.usage?.completionTokens ?? null),
        col((r) => r.error?.code ?? null),
        col((r) => r.error?.message ?? null),
      ] as unknown as Knex.RawBinding[]; // arrays with NULLs: see createReplies
      await this.db.raw(PG_FINISH_REPLIES, bindings);
    });
  }

  /** Runs prepared reply writes on the SQLite connection, straight on the driver. */
  private async onSqlite(run: (writes: SqliteReplyWrites) => void): Promise<void> {
    // The pool's connection, taken and given back like knex does (max 1: waits for any transaction).
    const client = this.db.client as SqliteClient;
    const conn = await client.acquireConnection();
    try {
      let writes = sqliteStatements.get(conn);
      if (!writes) sqliteStatements.set(conn, (writes = prepareReplyWrites(conn)));
      run(writes);
    } finally {
      await client.releaseConnection(conn);
    }
  }

  /** Ends a reply: final status, content, usage and error. Returns the stored message. */
  async finish(messageId: string, input: FinishInput): Promise<Message | undefined> {
    const changes: Partial<MessageRow> = {
      status: input.status,
      updated_at: new Date(),
      prompt_tokens: input.usage?.promptTokens ?? null,
      completion_tokens: input.usage?.completionTokens ?? null,
      error_code: input.error?.code ?? null,
      error_message: input.error?.message ?? null,
    };
    if (input.content !== undefined) changes.content = input.content;
    await this.db<MessageRow>('messages').where({ id: messageId }).update(changes);
    return this.get(messageId);
  }

  /** The message with this id, or undefined. */
  async get(messageId: string): Promise<Message | undefined> {
    const row = await this.db<MessageRow>('messages').where({ id: messageId }).first();
    return row && toMessage(row);
  }

  /**
   * One page of a conversation's messages in chronological order. Without `before` the page is
   * the newest `limit` messages; `nextCursor` pages further back. Undefined when the
   * conversation is not the owner's.
   */
  async list(
    ownerId: string,
    conversationId: string,
    options: { limit: number; before?: string | undefined },
  ): Promise<{ items: Message[]; nextCursor: string | null } | undefined> {
    if (!(await this.ownsConversation(ownerId, conversationId))) return undefined;
    const query = this.db<MessageRow>('messages').where('conversation_id', conversationId);
    if (options.before) {
      const { t, id } = decodeCursor(options.before, 'before');
      const at = new Date(t);
      query.where((w) =>
        w
          .where('created_at', '<', at)
          .orWhere((e) => e.where('created_at', at).andWhere('id', '<', id)),
      );
    }
    const rows = await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit + 1);
    const { page, more } = takePage(rows, options.limit);
    const oldest = page[page.length - 1];
    return {
      items: page.reverse().map(toMessage),
      nextCursor:
        more && oldest
          ? encodeCursor({ t: new Date(oldest.created_at).getTime(), id: oldest.id })
          : null,
    };
  }

  /** The newest `limit` messages of a conversation, oldest first (the prompt history). */
  async recent(conversationId: string, limit = 100): Promise<Message[]> {
    const rows = await this.db<MessageRow>('messages')
      .where('conversation_id', conversationId)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.reverse().map(toMessage);
  }

  /** The conversation's newest assistant message, or undefined (regenerate replaces it). */
  async lastAssistantMessage(conversationId: string): Promise<Message | undefined> {
    const row = await this.db<MessageRow>('messages')
      .where({ conversation_id: conversationId, role: 'assistant' })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row && toMessage(row);
  }

  /** Deletes one message (regenerate drops the reply it replaces); true when it existed. */
  async delete(messageId: string): Promise<boolean> {
    return (await this.db('messages').where({ id: messageId }).delete()) > 0;
  }

  /**
   * Crash recovery at start-up: every row still `streaming` belongs to a process that died, so
   * it becomes `interrupted` (content as last flushed). Returns how many rows changed.
   */
  async markStreamingInterrupted(): Promise<number> {
    return this.db<MessageRow>('messages')
      .where({ status: 'streaming' })
      .update({ status: 'interrupted', updated_at: new Date() });
  }

  private async ownsConversation(ownerId: string, conversationId: string): Promise<boolean> {
    const row = await this.db('conversations')
      .where({ id: conversationId, user_id: ownerId })
      .first('id');
    return row !== undefined;
  }

  /** The message stored for a client message id (chat.send idempotency), or undefined. */
  async findByClientId(
    conversationId: string,
    clientMessageId: string,
  ): Promise<Message | undefined> {
    const row = await this.db<MessageRow>('messages')
      .where({ conversation_id: conversationId, client_message_id: clientMessageId })
      .first();
    return row && toMessage(row);
  }
}
