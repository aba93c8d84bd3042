/**
 * Periodic saving of streamed reply content, shared by all replies of a replica: each tick writes
 * the latest text of every reply that changed, in one batch (one transaction), so 1,000 streaming
 * replies cost one commit per tick rather than 1,000.
 */
import type { ChatStore } from './ports.js';
import type { StreamLogger } from './stream.js';

/** Collects reply content and saves it every `intervalMs`. */
export class ContentFlusher {
  private pending = new Map<string, string>();
  private running: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<ChatStore, 'updateContents'>,
    intervalMs: number,
    private readonly logger: StreamLogger,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Records the current text of a streaming reply (saved at the next tick). */
  mark(messageId: string, content: string): void {
    this.pending.set(messageId, content);
  }

  /**
   * Forgets a reply's unsaved text and waits for any batch in progress, so the reply's final
   * write lands after every periodic one.
   */
  async settle(messageId: string): Promise<void> {
    this.pending.delete(messageId);
    await this.running;
  }

  /** Stops the timer (shutdown). */
  stop(): void {
    clearInterval(this.timer);
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending = new Map();
    this.running = this.running
      .then(() => this.store.updateContents(batch))
      .catch((err: unknown) =>
        this.logger.warn({ err, replies: batch.length }, 'flushing reply content failed'),
      );
  }
}
