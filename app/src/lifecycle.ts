/**
 * Graceful shutdown hooks. Features register what must happen before connections close (the
 * chat service drains its streams); `shutdown` runs them all within the grace period.
 */
import type { Logger } from './logger.js';

/** A shutdown step: receives the time left and an AbortSignal that fires when it runs out. */
export type ShutdownHook = (graceMs: number, signal: AbortSignal) => Promise<void> | void;

/** Ordered shutdown: registered hooks (in parallel, bounded by the grace period), then closers. */
export class Lifecycle {
  private readonly hooks: { name: string; hook: ShutdownHook }[] = [];
  private readonly closers: { name: string; close: () => Promise<void> | void }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** True once shutdown started (new work should be refused). */
  get shuttingDown(): boolean {
    return this.stopping !== undefined;
  }

  /** Registers a drain step (e.g. let in-flight streams finish, then save the rest). */
  onShutdown(name: string, hook: ShutdownHook): void {
    this.hooks.push({ name, hook });
  }

  /** Registers a resource to close after every hook finished (database, Redis), last first. */
  onClose(name: string, close: () => Promise<void> | void): void {
    this.closers.push({ name, close });
  }

  /**
   * Runs the hooks in parallel; after `graceMs` their signal aborts and they get a short moment
   * to save state. Then closes the resources in reverse registration order. Idempotent.
   */
  shutdown(graceMs: number): Promise<void> {
    this.stopping ??= this.run(graceMs);
    return this.stopping;
  }

  private async run(graceMs: number): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), graceMs);
    const settled = Promise.allSettled(
      this.hooks.map(async ({ name, hook }) => {
        try {
          await hook(graceMs, controller.signal);
        } catch (err) {
          this.logger.error({ err, hook: name }, 'shutdown hook failed');
        }
      }),
    );
    // Hooks get the grace period plus a second to persist what they aborted.
    let hardTimer: NodeJS.Timeout | undefined;
    const hardStop = new Promise<void>((resolve) => {
      hardTimer = setTimeout(() => {
        this.logger.warn('shutdown hooks overran the grace period');
        resolve();
      }, graceMs + 1000);
    });
    await Promise.race([settled, hardStop]);
    clearTimeout(timer);
    clearTimeout(hardTimer);
    for (const { name, close } of [...this.closers].reverse()) {
      try {
        await close();
      } catch (err) {
        this.logger.error({ err, resource: name }, 'close failed');
      }
    }
  }
}
