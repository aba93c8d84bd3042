/**
 * Conversations table access. Every query takes the owner's id: another user's conversation is
 * simply not found.
 */
import { randomUUID } from 'node:crypto';
import { toIso, type Knex } from '../db/index.js';
import { decodeCursor, encodeCursor, takePage } from '../pagination/cursor.js';
import type { Conversation, ConversationPatch } from './schemas.js';

interface ConversationRow {
  id: string;
  user_id: string;
  title: string;
  model: string;
  system_prompt: string | null;
  created_at: Date | number;
  updated_at: Date | number;
}

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    model: row.model,
    systemPrompt: row.system_prompt,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** Escapes LIKE wildcards so a search for "50%" matches literally. */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Reads and writes the conversations table, scoped by owner. */
export class ConversationStore {
  constructor(private readonly db: Knex) {}

  /** Creates a conversation owned by `ownerId`. */
  async create(
    ownerId: string,
    input: { title: string; model: string; systemPrompt: string | null },
  ): Promise<Conversation> {
    const now = new Date();
    const row: ConversationRow = {
      id: randomUUID(),
      user_id: ownerId,
      title: input.title,
      model: input.model,
      system_prompt: input.systemPrompt,
      created_at: now,
      updated_at: now,
    };
    await this.db<ConversationRow>('conversations').insert(row);
    return toConversation(row);
  }

  /** The owner's conversation with this id, or undefined (also when someone else owns it). */
  async get(ownerId: string, id: string): Promise<Conversation | undefined> {
    const row = await this.db<ConversationRow>('conversations')
      .where({ id, user_id: ownerId })
      .first();
    return row && toConversation(row);
  }

  /**
   * One page of the owner's conversations, most recently updated first; `q` filters titles
   * (case-insensitive substring). `cursor` is the `nextCursor` of the previous page.
   */
  async list(
    ownerId: string,
    options: { limit: number; cursor?: string | undefined; q?: string | undefined },
  ): Promise<{ items: Conversation[]; nextCursor: string | null }> {
    const query = this.db<ConversationRow>('conversations').where('user_id', ownerId);
    if (options.q) query.whereRaw(`lower(title) like ? escape '\\'`, [likePattern(options.q)]);
    if (options.cursor) {
      const { t, id } = decodeCursor(options.cursor);
      const at = new Date(t);
      query.where((w) =>
        w
          .where('updated_at', '<', at)
          .orWhere((e) => e.where('updated_at', at).andWhere('id', '<', id)),
      );
    }
    const rows = await query
      .orderBy([
        { column: 'updated_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit + 1);
    const { page, more } = takePage(rows, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toConversation),
      nextCursor:
        more && last ? encodeCursor({ t: new Date(last.updated_at).getTime(), id: last.id }) : null,
    };
  }

  /** Applies a partial update (rename, model, system prompt); undefined when not the owner's. */
  async update(
    ownerId: string,
    id: string,
    patch: ConversationPatch,
  ): Promise<Conversation | undefined> {
    const changes: Partial<ConversationRow> = { updated_at: new Date() };
    if (patch.title !== undefined) changes.title = patch.title;
    if (patch.model !== undefined) changes.model = patch.model;
    if (patch.systemPrompt !== undefined) changes.system_prompt = patch.systemPrompt;
    const n = await this.db<ConversationRow>('conversations')
      .where({ id, user_id: ownerId })
      .update(changes);
    return n > 0 ? this.get(ownerId, id) : undefined;
  }

  /** Deletes the conversation and its messages; false when not the owner's. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    return (await this.db('conversations').where({ id, user_id: ownerId }).delete()) > 0;
  }
}
