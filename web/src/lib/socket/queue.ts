/**
 * A push-to-pull bridge: producers `push` values, one consumer reads them with `for await`.
 * Aborting the signal ends the iteration promptly, even while it waits for the next value.
 */
export class AsyncQueue<T> {
  private readonly buffer: T[] = [];
  private wake: (() => void) | null = null;
  private ended = false;

  /** Adds a value for the consumer (dropped after `end`). */
  push(value: T): void {
    if (this.ended) return;
    this.buffer.push(value);
    this.notify();
  }

  /** Finishes the iteration once buffered values are read. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Yields values in order until `end()` or until `signal` aborts. */
  async *iterate(signal?: AbortSignal): AsyncGenerator<T, void, undefined> {
    const onAbort = () => this.end();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (signal?.aborted) return;
        const next = this.buffer.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
