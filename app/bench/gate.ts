/** The relay benchmark's start gate, apart from the app so its test loads none of it. */
import { wallNow } from './clock.js';

/**
 * Holds every stream back until `expected` streams have asked to start, then releases them all
 * at once: relay throughput and latency are measured with every stream running, for our relay
 * and the bare one alike, and stream set-up (chat.send, database writes) is reported apart.
 */
export class StartGate {
  private expected = 0;
  private arrived = 0;
  private release: () => void = () => undefined;
  private opened: Promise<void> = Promise.resolve();
  private opening: (() => Promise<unknown>) | undefined;
  /** When the gate opened (wallNow), 0 before. */
  openedAt = 0;
  /**
   * Awaited between the last arrival and the opening: the Redis mode waits there for the
   * pub/sub traffic of the set-up to be delivered, so relaying is measured without it.
   */
  settle: (() => Promise<void>) | undefined;

  /**
   * Arms the gate for the next `expected` streams; `opening`, if given, is awaited after
   * `settle`, just before the gate opens (the run's own preparations, e.g. starting a profiler).
   */
  arm(expected: number, opening?: () => Promise<unknown>): void {
    this.expected = expected;
    this.opening = opening;
    this.arrived = 0;
    this.openedAt = 0;
    this.opened = new Promise((r) => (this.release = r));
  }

  /** A stream is ready; resolves once all are (at once when the gate is not armed). */
  arrive(): Promise<void> {
    if (this.expected > 0 && ++this.arrived === this.expected) {
      const { release, opening } = this;
      void (async () => {
        await this.settle?.();
        await opening?.();
        this.openedAt = wallNow();
        release();
      })();
    }
    return this.opened;
  }

  /** Resolves when the armed gate opens. */
  get open(): Promise<void> {
    return this.opened;
  }
}
