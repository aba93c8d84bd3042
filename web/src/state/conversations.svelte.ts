/** The sidebar's conversation list: newest first, filtered by title, paged on demand. */
import type { ApiClient } from '../lib/api/rest.js';
import type { Conversation, ConversationPatch, NewConversation } from '../lib/contract.js';
import { errorText } from './errors.js';

/** Paginated, filterable list of the user's conversations. */
export class ConversationList {
  items = $state.raw<Conversation[]>([]);
  nextCursor = $state<string | null>(null);
  query = $state('');
  loading = $state(false);
  error = $state<string | null>(null);
  private generation = 0;

  constructor(private readonly api: ApiClient) {}

  /** Reloads the first page for the current filter (older answers are ignored). */
  async load(): Promise<void> {
    const gen = ++this.generation;
    this.loading = true;
    try {
      const page = await this.api.listConversations({ q: this.query.trim() || undefined });
      if (gen !== this.generation) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.error = null;
    } catch (err) {
      if (gen === this.generation) this.error = errorText(err);
    } finally {
      if (gen === this.generation) this.loading = false;
    }
  }

  /** Appends the next page, if any. */
  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    const gen = this.generation;
    this.loading = true;
    try {
      const page = await this.api.listConversations({
        q: this.query.trim() || undefined,
        cursor: this.nextCursor,
      });
      if (gen !== this.generation) return;
      // A throwaway lookup, not state: no reactivity needed.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const seen = new Set(this.items.map((c) => c.id));
      this.items = [...this.items, ...page.items.filter((c) => !seen.has(c.id))];
      this.nextCursor = page.nextCursor;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      if (gen === this.generation) this.loading = false;
    }
  }

  /** Creates a conversation and puts it on top. */
  async create(input: NewConversation = {}): Promise<Conversation> {
    const conv = await this.api.createConversation(input);
    this.upsert(conv);
    return conv;
  }

  /** Renames or reconfigures a conversation. */
  async update(id: string, patch: ConversationPatch): Promise<Conversation> {
    const conv = await this.api.updateConversation(id, patch);
    this.upsert(conv);
    return conv;
  }

  /** Deletes a conversation. */
  async remove(id: string): Promise<void> {
    await this.api.deleteConversation(id);
    this.items = this.items.filter((c) => c.id !== id);
  }

  /** Replaces or inserts a conversation, keeping newest first. */
  upsert(conv: Conversation): void {
    const rest = this.items.filter((c) => c.id !== conv.id);
    this.items = [conv, ...rest].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** A message arrived: move the conversation to the top, or reload if it is new to us. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- only formats the current time
  touch(id: string, at = new Date().toISOString()): void {
    const conv = this.items.find((c) => c.id === id);
    if (conv) this.upsert({ ...conv, updatedAt: at });
    else void this.load();
  }
}
