/**
 * The open conversation: loads its history over REST, applies the live socket stream to it
 * (pure reducer in lib/chat/reducer.ts) and sends chat.send / chat.stop / chat.regenerate.
 * After a reconnect it reloads the history, so nothing the server saved meanwhile is missing,
 * and resends messages that were never acknowledged (idempotent per clientMessageId).
 */
import type { ApiClient } from '../lib/api/rest.js';
import { DEFAULT_TITLE, type Conversation, type ModelInfo } from '../lib/contract.js';
import {
  addPending,
  applyFrame,
  dropLastReply,
  initialState,
  pendingSends,
  requestStop,
  type ChatState,
} from '../lib/chat/reducer.js';
import { newClientMessageId } from '../lib/ids.js';
import type { ChatSocket, ConnectionState } from '../lib/socket/client.js';
import type { ConversationList } from './conversations.svelte.js';
import { errorText } from './errors.js';

/** State and actions of the chat view. */
export class ChatStore {
  conversation = $state.raw<Conversation | null>(null);
  chat = $state.raw<ChatState | null>(null);
  loading = $state(false);
  loadError = $state<string | null>(null);
  connection = $state<ConnectionState>('idle');
  retryInMs = $state<number | null>(null);
  /** Failed connection attempts since the socket was last open. */
  attempt = $state(0);
  models = $state.raw<ModelInfo[]>([]);
  defaultModel = $state('echo');
  /** Whether the open reply was already streaming when loaded (its start was not seen). */
  private resumed = false;
  private loadSeq = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly api: ApiClient,
    private readonly socket: ChatSocket,
    private readonly conversations: ConversationList,
    private readonly onUnauthenticated: () => void,
  ) {}

  /** Connects the socket and starts applying its updates. */
  start(): void {
    void this.consume();
    this.socket.start();
    void this.loadModels();
  }

  /** Stops the socket and the update loop (sign-out, unmount). */
  dispose(): void {
    this.abort.abort();
    this.socket.stop();
  }

  /** Opens a conversation by id (null closes it). */
  async open(id: string | null): Promise<void> {
    const seq = ++this.loadSeq;
    if (!id) {
      this.conversation = null;
      this.chat = null;
      this.loadError = null;
      return;
    }
    if (this.conversation?.id !== id) {
      // Switching chats: drop the old one at once so nothing is sent to it meanwhile.
      this.loading = true;
      this.conversation = null;
      this.chat = null;
    }
    try {
      const [conv, page] = await Promise.all([
        this.api.getConversation(id),
        this.api.listMessages(id, { limit: 200 }),
      ]);
      if (seq !== this.loadSeq) return;
      const keep = this.chat?.conversationId === id ? pendingSends(this.chat) : [];
      let state = initialState(id, page.items);
      for (const p of keep) {
        if (!state.messages.some((m) => m.clientMessageId === p.clientMessageId)) {
          state = { ...state, messages: [...state.messages, p] };
        }
      }
      this.conversation = conv;
      this.chat = state;
      this.resumed = state.streamingId !== null;
      this.loadError = null;
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.conversation = null;
      this.chat = null;
      this.loadError = errorText(err);
    } finally {
      if (seq === this.loadSeq) this.loading = false;
    }
  }

  /** Sends a user message; it shows at once and is resent after a reconnect until acked. */
  send(content: string): void {
    const conv = this.conversation;
    if (!this.chat || !conv || !content.trim()) return;
    const clientMessageId = newClientMessageId();
    const first = this.chat.messages.length === 0;
    this.chat = addPending(this.chat, content, clientMessageId);
    this.socket.send({ type: 'chat.send', conversationId: conv.id, content, clientMessageId });
    if (first && conv.title === DEFAULT_TITLE) void this.autoTitle(conv.id, content);
  }

  /** Asks the server to stop the streaming reply; it is kept, marked interrupted. */
  stop(): void {
    if (!this.chat?.streamingId) return;
    this.chat = requestStop(this.chat);
    this.socket.send({ type: 'chat.stop', conversationId: this.chat.conversationId });
  }

  /** Replaces the last reply with a new one. */
  regenerate(): void {
    if (!this.chat || this.chat.streamingId) return;
    const id = this.chat.conversationId;
    if (!this.socket.send({ type: 'chat.regenerate', conversationId: id })) return;
    this.chat = dropLastReply(this.chat);
  }

  /** Changes model or system prompt of the open conversation. */
  async configure(patch: { model?: string; systemPrompt?: string | null }): Promise<void> {
    if (!this.conversation) return;
    try {
      this.conversation = await this.conversations.update(this.conversation.id, patch);
    } catch (err) {
      if (this.chat) this.chat = { ...this.chat, notice: errorText(err) };
    }
  }

  private async autoTitle(id: string, content: string): Promise<void> {
    const title = content.trim().replace(/\s+/g, ' ').slice(0, 60);
    try {
      const conv = await this.conversations.update(id, { title });
      if (this.conversation?.id === id) this.conversation = conv;
    } catch {
      // The default title stays; renaming by hand still works.
    }
  }

  private async loadModels(): Promise<void> {
    try {
      const r = await this.api.models();
      this.models = r.models;
      this.defaultModel = r.default;
    } catch {
      this.models = [];
    }
  }

  private async consume(): Promise<void> {
    for await (const u of this.socket.updates(this.abort.signal)) {
      if (u.kind === 'state') {
        this.connection = u.state;
        this.retryInMs = u.retryInMs ?? null;
        this.attempt = u.attempt;
        if (u.state === 'open') {
          if (u.reconnected) {
            void this.conversations.load();
            if (this.conversation) await this.open(this.conversation.id);
          }
          this.resendPending();
        } else if (u.state === 'closed' && u.reason === 'unauthenticated') {
          this.onUnauthenticated();
        }
        continue;
      }
      const frame = u.frame;
      if (frame.type === 'message.created') this.conversations.touch(frame.conversationId);
      if (!this.chat) continue;
      const before = this.chat;
      const next = applyFrame(before, frame);
      if (next === before) continue;
      this.chat = next;
      if (
        frame.type === 'message.completed' &&
        this.resumed &&
        before.streamingId === frame.messageId
      ) {
        // This tab joined mid-stream: fetch the saved reply so no early token is missing.
        this.resumed = false;
        void this.open(next.conversationId);
      }
      if (frame.type === 'error' && frame.code === 'not_found') void this.conversations.load();
    }
  }

  private resendPending(): void {
    if (!this.chat) return;
    for (const m of pendingSends(this.chat)) {
      this.socket.send({
        type: 'chat.send',
        conversationId: m.conversationId,
        content: m.content,
        clientMessageId: m.clientMessageId!,
      });
    }
  }
}
