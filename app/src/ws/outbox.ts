/**
 * Adaptive delta coalescing (issue #11). An outbox sits in front of one ordered sink — a socket,
 * or a user's pub/sub channel — that reports when each write has completed. While the sink keeps
 * up, a frame goes straight through: coalescing never holds a token back. While it is behind (a
 * write still pending, and for a socket data the kernel has not taken yet), frames queue in
 * order, consecutive deltas of the same reply merging into one, and the queue leaves when the
 * pending write completes. No timer and no `setImmediate`: the sink's own completion paces it.
 */
import type { DeltaFrame } from '../protocol/frames.js';

/** Merged delta text above this many UTF-16 units starts a new frame. */
export const MAX_COALESCED_CHARS = 16 * 1024;

/**
 * Writes one serialized item; `done`, when given, must be called once the write has completed
 * (successfully or not). Items are written in order.
 */
export type OutboxSink = (data: string, done: (() => void) | undefined) => void;

/** One ordered sink; while a write is pending, frames queue (deltas merge) behind it. */
export class Outbox {
  /** Writes handed to the sink whose completion is awaited. */
  private writing = 0;
  /** Serialized frames, and deltas owned here so they can grow by merging. */
  private queue: (string | DeltaFrame)[] = [];
  private held = 0;
  private readonly done = (): void => {
    if (--this.writing > 0) return;
    if (this.queue.length > 0) this.flush();
    else this.onIdle?.();
  };

  /**
   * @param sink writes one item
   * @param encode serializes a merged delta for this sink
   * @param behind whether a pending write still holds the sink up (a socket's callback fires a
   *   tick after the kernel took the data: no reason to wait for it)
   * @param onIdle called when the last pending write completes with nothing queued
   */
  constructor(
    private readonly sink: OutboxSink,
    private readonly encode: (frame: DeltaFrame) => string,
    private readonly behind: () => boolean = () => true,
    private readonly onIdle?: () => void,
  ) {}

  /** UTF-16 units waiting behind the pending write (for slow-consumer limits). */
  get queuedChars(): number {
    return this.held;
  }

  /**
   * Nothing queued and no write awaited: the owner may write to the sink itself, untracked, as
   * long as the sink keeps up (a later frame finding it behind comes here and is tracked).
   */
  get idle(): boolean {
    return this.writing === 0 && this.queue.length === 0;
  }

  /** Sends a serialized frame, in order with everything else. */
  send(data: string): void {
    if (this.through()) return this.write(data);
    this.queue.push(data);
    this.held += data.length;
  }

  /**
   * Sends a delta: `data` is its serialized form for this sink, `frame` the frame itself when
   * the caller has it (else `data` is parsed, only if it has to merge).
   */
  sendDelta(data: string, frame?: DeltaFrame): void {
    if (this.through()) return this.write(data);
    const f = frame ?? (JSON.parse(data) as DeltaFrame);
    const last = this.queue.at(-1);
    if (
      typeof last === 'object' &&
      last.messageId === f.messageId &&
      last.text.length < MAX_COALESCED_CHARS
    ) {
      last.text += f.text;
    } else {
      // A copy: the caller's frame is shared with the user's other sockets.
      this.queue.push({ ...f });
    }
    this.held += f.text.length;
  }

  /** Writes everything queued now, without waiting for the pending write (before a close). */
  flush(): void {
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    this.held = 0;
    this.writing++;
    const last = queue.length - 1;
    for (let i = 0; i <= last; i++) {
      const item = queue[i]!;
      const data = typeof item === 'string' ? item : this.encode(item);
      this.sink(data, i === last ? this.done : undefined);
    }
  }

  /** Whether a frame may go straight out: nothing queued (order) and the sink keeping up. */
  private through(): boolean {
    return this.queue.length === 0 && (this.writing === 0 || !this.behind());
  }

  private write(data: string): void {
    this.writing++;
    this.sink(data, this.done);
  }
}
