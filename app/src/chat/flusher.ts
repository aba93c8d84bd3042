/**
 * The database writes of streaming replies, shared by all replies of a replica and batched
 * (issue #11): the latest text of every reply that changed is saved `intervalMs` after the
 * previous save, and replies that ended in the same event-loop turn get their final state
 * together. So 1,000 streaming replies cost a few dozen commits a save (the store writes a
 * batch in chunks) rather than thousands of queries. (A reply's row is created with the user's
 * message, at chat.send: tokens never wait for it.)
 *
 * Periodic saves and final states run one after another in the order they were cut, so a
 * reply's final write lands after every periodic save of it.
 */
import type { AssistantOutcome, ChatStore } from './ports.js';
import type { StreamLogger } from './stream.js';

type ReplyStore = Pick<ChatStore, 'updateContents' | 'finishReplies'>;

/** A batched write waiting for its turn, with whoever awaits its outcome. */
interface Waiting<T> {
  item: T;
  resolve(): void;
  reject(err: unknown): void;
}

type Outcome = AssistantOutcome & { id: string };

/**
 * A streaming reply's text as the next periodic save stores it, held by its stream: one property
 * write a token (a map update per token cost ~1.5% of the relay's CPU, issue #11).
 */
export interface Draft {
  /** The latest text not saved yet; the save takes it and leaves `undefined`. */
  unsaved: string | undefined;
}

/** Batches periodic content saves and final states. */
export class ContentFlusher {
  private readonly drafts = new Map<string, Draft>();
  private finishes: Waiting<Outcome>[] = [];
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: ReplyStore,
    private readonly intervalMs: number,
    private readonly logger: StreamLogger,
  ) {
    this.arm();
  }

  /** The draft of a streaming reply (the same one on every call until the reply finishes). */
  draft(messageId: string): Draft {
    let draft = this.drafts.get(messageId);
    if (!draft) this.drafts.set(messageId, (draft = { unsaved: undefined }));
    return draft;
  }

  /**
   * Writes a reply's final state, together with the others ending in this turn, after every
   * periodic save already cut; resolves once committed.
   */
  finish(outcome: Outcome): Promise<void> {
    this.drafts.delete(outcome.id);
    return new Promise((resolve, reject) => {
      this.finishes.push({ item: outcome, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Forgets a reply's unsaved text and waits for any batch in progress, so a write made after
   * this lands after every periodic one.
   */
  async settle(messageId: string): Promise<void> {
    this.drafts.delete(messageId);
    await this.running;
  }

  /** Stops the timer (shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Cuts the final states of this turn once the turn is over. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const finishes = this.finishes;
      this.finishes = [];
      this.enqueue(() => this.writeFinishes(finishes));
    });
  }

  /**
   * Writes final states in one batch; if it fails, each alone, so one bad entry (say, its
   * conversation was just deleted) fails only its own reply.
   */
  private async writeFinishes(batch: Waiting<Outcome>[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.store.finishReplies(batch.map((w) => w.item));
      for (const w of batch) w.resolve();
    } catch (err) {
      if (batch.length === 1) return batch[0]?.reject(err);
      for (const w of batch) {
        try {
          await this.store.finishReplies([w.item]);
          w.resolve();
        } catch (e) {
          w.reject(e);
        }
      }
    }
  }

  private enqueue(step: () => Promise<void>): void {
    this.running = this.running.then(step).catch((err: unknown) => {
      // writeFinishes() settles every waiter itself; this only guards the chain.
      this.logger.warn({ err }, 'saving replies failed');
    });
  }

  /**
   * Saves the latest text of every reply that changed, then re-arms the timer: the next save
   * starts `intervalMs` after this one ended. SQLite writes on the event loop, and a long reply
   * costs more each time (an 8 MiB one: 130–430 ms a save); on a fixed interval, saves came back
   * to back and let through one token per save.
   */
  private flush(): void {
    const batch: Array<[string, string]> = [];
    for (const [id, draft] of this.drafts) {
      if (draft.unsaved === undefined) continue;
      batch.push([id, draft.unsaved]);
      draft.unsaved = undefined;
    }
    if (batch.length > 0) {
      this.running = this.running
        .then(() => this.store.updateContents(batch))
        .catch((err: unknown) =>
          this.logger.warn({ err, replies: batch.length }, 'flushing reply content failed'),
        );
    }
    void this.running.then(() => this.arm());
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }
}
