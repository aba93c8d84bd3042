/**
 * Messages table access: the REST listing and everything chat streaming persists (the user
 * message before it is acknowledged, the assistant row from the first token, periodic flushes,
 * the final status). Reads for the API are scoped by owner; the streaming writes take ids the
 * chat service obtained through an owner-scoped call.
 */
import { randomUUID } from 'node:crypto';
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

/** Replies saved per statement (PostgreSQL) or transaction (SQLite) in a periodic flush. */
const FLUSH_CHUNK = 100;

const PG_UPDATE_CONTENTS = `UPDATE messages AS m SET content = v.content, updated_at = ?
  FROM unnest(?::text[], ?::text[]) AS v(id, content)
  WHERE m.id = v.id AND m.status = 'streaming'`;

const SQLITE_UPDATE_CONTENT = `UPDATE messages SET content = ?, updated_at = ?
  WHERE id = ? AND status = 'streaming'`;

/** The slice of better-sqlite3 (and of knex's client around it) the flush uses. */
interface SqliteConnection {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}
interface SqliteClient {
  acquireConnection(): Promise<SqliteConnection>;
  releaseConnection(conn: SqliteConnection): Promise<unknown>;
}

/** The flush transaction prepared once per SQLite connection. */
const sqliteStatements = new WeakMap<
  SqliteConnection,
  (rows: ReadonlyArray<readonly [string, string]>, at: number) => void
>();

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
   * Stores the user's message in a conversation the caller checked is the user's (the chat
   * service did, once). Idempotent on (conversationId, clientMessageId) through the unique index:
   * a resend that lost the race returns the stored row with `created: false`.
   */
  async insertUserMessage(
    conversationId: string,
    input: { content: string; clientMessageId: string },
  ): Promise<{ message: Message; created: boolean }> {
    try {
      const message = await this.insert(conversationId, {
        role: 'user',
        content: input.content,
        status: 'complete',
        client_message_id: input.clientMessageId,
      });
      return { message, created: true };
    } catch (err) {
      const raced = await this.findByClientId(conversationId, input.clientMessageId);
      if (raced) return { message: raced, created: false };
      throw err;
    }
  }

  /**
   * Creates an assistant row: empty and `streaming` when the first token is due, or directly
   * final (a provider that failed before any token). `replaces` (regenerate) is deleted in the
   * same transaction, so a failed insert keeps the old reply.
   */
  async createAssistantMessage(
    conversationId: string,
    init: { content: string; status: MessageStatus; error?: FinishInput['error'] } = {
      content: '',
      status: 'streaming',
    },
    replaces?: string,
  ): Promise<Message> {
    return this.insert(
      conversationId,
      {
        role: 'assistant',
        content: init.content,
        status: init.status,
        client_message_id: null,
        error_code: init.error?.code ?? null,
        error_message: init.error?.message ?? null,
      },
      replaces,
    );
  }

  /** Saves the text streamed so far (periodic flush); only while the row is still streaming. */
  async updateContent(messageId: string, content: string): Promise<void> {
    await this.db<MessageRow>('messages')
      .where({ id: messageId, status: 'streaming' })
      .update({ content, updated_at: new Date() });
  }

  /**
   * Saves the streamed text of several replies (the chat service's periodic flush), only rows
   * still streaming. SQL fixed once (issue #11), no query building per flush: PostgreSQL gets
   * one UPDATE … FROM unnest() per chunk; SQLite one prepared UPDATE run per reply inside one
   * transaction per chunk, straight on the driver. Between chunks the event loop gets a turn,
   * so a large flush (a synchronous SQLite write) never stalls token delivery for long.
   */
  async updateContents(batch: ReadonlyArray<readonly [messageId: string, content: string]>) {
    const now = new Date();
    for (let i = 0; i < batch.length; i += FLUSH_CHUNK) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const chunk = batch.slice(i, i + FLUSH_CHUNK);
      if (this.sqlite) await this.updateContentsSqlite(chunk, now.getTime());
      else
        await this.db.raw(PG_UPDATE_CONTENTS, [
          now,
          chunk.map((r) => r[0]),
          chunk.map((r) => r[1]),
        ]);
    }
  }

  private async updateContentsSqlite(
    chunk: ReadonlyArray<readonly [messageId: string, content: string]>,
    now: number,
  ): Promise<void> {
    // The pool's connection, taken and given back like knex does (max 1: waits for any transaction).
    const client = this.db.client as SqliteClient;
    const conn = await client.acquireConnection();
    try {
      let prepared = sqliteStatements.get(conn);
      if (!prepared) {
        const stmt = conn.prepare(SQLITE_UPDATE_CONTENT);
        prepared = conn.transaction(
          (rows: ReadonlyArray<readonly [string, string]>, at: number) => {
            for (const [id, content] of rows) stmt.run(content, at, id);
          },
        );
        sqliteStatements.set(conn, prepared);
      }
      prepared(chunk, now);
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

  /**
   * Inserts a message (deleting `replaces` first) and bumps the conversation's updated_at, in one
   * transaction. created_at is kept strictly increasing within a conversation, so a user message
   * and its reply written in the same millisecond still list in order.
   */
  private async insert(
    conversationId: string,
    fields: Pick<MessageRow, 'role' | 'content' | 'status' | 'client_message_id'> &
      Partial<Pick<MessageRow, 'error_code' | 'error_message'>>,
    replaces?: string,
  ): Promise<Message> {
    return this.db.transaction(async (trx) => {
      if (replaces) await trx('messages').where({ id: replaces }).delete();
      const latest = await trx<MessageRow>('messages')
        .where('conversation_id', conversationId)
        .max({ at: 'created_at' })
        .first();
      const last = latest?.at == null ? 0 : new Date(latest.at as Date | number).getTime();
      const at = new Date(Math.max(Date.now(), last + 1));
      const row: MessageRow = {
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
      await trx<MessageRow>('messages').insert(row);
      await trx('conversations').where({ id: conversationId }).update({ updated_at: at });
      return toMessage(row);
    });
  }
}
