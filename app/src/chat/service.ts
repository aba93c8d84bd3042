/**
 * ChatService: the chat half of the WebSocket protocol — send, stop, regenerate — with one reply
 * streaming per conversation, abort when the user goes away, and drain on shutdown.
 *
 * Streams are tracked per replica: "busy" and "all sockets closed" are decided by the replica that
 * runs the stream (it holds the provider call). chat.stop arriving on another replica is relayed
 * to it through pub/sub by the ws hub (see ws/hub.ts).
 */
import type { ChatSendFrame, MessageCreatedFrame, WireMessage } from '../protocol/frames.js';
import { AppError, NotFoundError, TooManyRequestsError } from '../errors/index.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { ContentFlusher } from './flusher.js';
import {
  toTurns,
  type ChatConversation,
  type ChatMetrics,
  type ChatQuota,
  type ChatStore,
  type FanOut,
} from './ports.js';
import { runStream, type AbortReason, type StreamLogger } from './stream.js';

export interface ChatServiceOptions {
  store: ChatStore;
  registry: ProviderRegistry;
  quota: ChatQuota;
  metrics: ChatMetrics;
  fanOut: FanOut;
  logger: StreamLogger;
  /** The pause between periodic saves of streamed content. */
  flushIntervalMs?: number;
  /** How many earlier messages go into the prompt. */
  historyLimit?: number;
}

interface ActiveStream {
  userId: string;
  controller: AbortController;
  done: Promise<unknown>;
}

/** The chat streaming service (one per replica). */
export class ChatService {
  private readonly active = new Map<string, ActiveStream>();
  private draining = false;
  private readonly flusher: ContentFlusher;

  constructor(private readonly opts: ChatServiceOptions) {
    this.flusher = new ContentFlusher(opts.store, opts.flushIntervalMs ?? 250, opts.logger);
  }

  /** Number of replies streaming on this replica. */
  get inFlight(): number {
    return this.active.size;
  }

  /**
   * Handles chat.send: commits the user message with its reply's empty row, acknowledges both
   * (message.created to all the user's sockets), then streams the reply in the background. A
   * resend of a known clientMessageId is only re-acknowledged, through `reply` (the requesting
   * socket). Throws AppError for refusals.
   */
  async send(
    userId: string,
    frame: ChatSendFrame,
    reply: (frame: MessageCreatedFrame) => void,
  ): Promise<void> {
    this.refuseWhileDraining();
    const conv = await this.conversation(userId, frame.conversationId);
    const known = await this.opts.store.findByClientMessageId(conv.id, frame.clientMessageId);
    if (known) return reply({ type: 'message.created', conversationId: conv.id, message: known });
    const provider = this.provider(conv);
    await this.checkQuota(userId);
    const slot = this.reserve(conv, userId);
    try {
      // Read before the insert, so nothing can fail between the reply's row and its stream.
      const history = await this.history(conv.id, 1);
      const stored = await this.opts.store.insertExchange(
        conv.id,
        frame.content,
        frame.clientMessageId,
      );
      if (!stored.created) {
        this.release(conv.id, slot);
        return reply({ type: 'message.created', conversationId: conv.id, message: stored.message });
      }
      const { message } = stored;
      this.opts.fanOut(userId, { type: 'message.created', conversationId: conv.id, message });
      this.opts.fanOut(userId, {
        type: 'message.created',
        conversationId: conv.id,
        message: stored.reply,
      });
      this.start(conv, userId, provider, slot, stored.reply.id, [...history, message]);
    } catch (err) {
      this.release(conv.id, slot);
      throw err;
    }
  }

  /** Handles chat.regenerate: streams a new reply to the last user message, replacing the last assistant reply. */
  async regenerate(userId: string, conversationId: string): Promise<void> {
    this.refuseWhileDraining();
    const conv = await this.conversation(userId, conversationId);
    const provider = this.provider(conv);
    await this.checkQuota(userId);
    const slot = this.reserve(conv, userId);
    try {
      const history = await this.history(conv.id);
      const last = history.at(-1);
      const replaces = last?.role === 'assistant' ? last.id : undefined;
      if (replaces) history.pop();
      if (history.at(-1)?.role !== 'user') {
        throw new AppError(
          'bad_frame',
          'nothing to regenerate: the conversation has no user message',
        );
      }
      const message = await this.opts.store.insertReply({ conversationId: conv.id, replaces });
      this.opts.fanOut(userId, {
        type: 'message.created',
        conversationId: conv.id,
        message,
        ...(replaces ? { replaces } : {}),
      });
      this.start(conv, userId, provider, slot, message.id, history);
    } catch (err) {
      this.release(conv.id, slot);
      throw err;
    }
  }

  /**
   * Handles chat.stop for a conversation streaming on this replica. Returns false when no reply
   * of this user streams here for it (the caller then checks ownership and relays the stop).
   */
  stopLocal(userId: string, conversationId: string, reason: AbortReason = 'stop'): boolean {
    const s = this.active.get(conversationId);
    if (!s || s.userId !== userId) return false;
    s.controller.abort(reason);
    return true;
  }

  /** Verifies the user owns the conversation (throws not_found otherwise). */
  async assertOwner(userId: string, conversationId: string): Promise<void> {
    await this.conversation(userId, conversationId);
  }

  /** All of the user's sockets on this replica closed: abort their replies (saved as interrupted). */
  userOffline(userId: string): void {
    for (const s of this.active.values()) {
      if (s.userId === userId) s.controller.abort('offline' satisfies AbortReason);
    }
  }

  /**
   * Shutdown: refuse new replies, let the streaming ones finish within `graceMs`, then abort the
   * rest (saved as interrupted). Resolves when every reply has been saved.
   */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    const all = () => Promise.allSettled([...this.active.values()].map((s) => s.done));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([all(), grace]);
    clearTimeout(timer);
    for (const s of this.active.values()) s.controller.abort('shutdown' satisfies AbortReason);
    await all();
    this.flusher.stop();
  }

  private refuseWhileDraining(): void {
    // A 503 whose message is still meant for the client: it says what to do.
    if (this.draining)
      throw new AppError('shutting_down', 'the server is shutting down; reconnect', {
        expose: true,
      });
  }

  private async conversation(userId: string, conversationId: string): Promise<ChatConversation> {
    const conv = await this.opts.store.findConversation(userId, conversationId);
    if (!conv) throw new NotFoundError('conversation not found');
    return conv;
  }

  private provider(conv: ChatConversation) {
    const resolved = this.opts.registry.resolve(conv.model);
    if (!resolved) {
      throw new AppError(
        'model_unavailable',
        `model "${conv.model}" is not available on this server`,
      );
    }
    return resolved.provider;
  }

  private async checkQuota(userId: string): Promise<void> {
    const retryAfter = await this.opts.quota.exceeded(userId);
    if (retryAfter !== undefined) {
      throw new TooManyRequestsError(retryAfter, 'quota_exceeded', 'daily token quota used up');
    }
  }

  /** Claims the conversation's single stream slot synchronously, so concurrent sends see busy. */
  private reserve(conv: ChatConversation, userId: string): ActiveStream {
    if (this.active.has(conv.id)) {
      throw new AppError('busy', 'a reply is already streaming in this conversation');
    }
    const slot: ActiveStream = {
      userId,
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    this.active.set(conv.id, slot);
    return slot;
  }

  private release(conversationId: string, slot: ActiveStream): void {
    if (this.active.get(conversationId) === slot) this.active.delete(conversationId);
  }

  /** The prompt context: the latest messages, `room` fewer than the limit (oldest first). */
  private history(conversationId: string, room = 0) {
    return this.opts.store.history(conversationId, (this.opts.historyLimit ?? 50) - room);
  }

  /** Streams the reply `messageId` (created and announced) in the background. */
  private start(
    conv: ChatConversation,
    userId: string,
    provider: ReturnType<ChatService['provider']>,
    slot: ActiveStream,
    messageId: string,
    history: WireMessage[],
  ): void {
    slot.done = runStream(
      {
        userId,
        conversationId: conv.id,
        model: conv.model,
        provider,
        turns: toTurns(conv.systemPrompt, history),
        messageId,
        signal: slot.controller.signal,
        onSaved: () => this.release(conv.id, slot),
      },
      { ...this.opts, flusher: this.flusher },
    ).finally(() => this.release(conv.id, slot));
  }
}
