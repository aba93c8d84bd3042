/**
 * Lazily loaded Markdown renderer. marked + DOMPurify + highlight.js are over half of the
 * JavaScript, so they live in their own chunk fetched after start-up; until it arrives, replies
 * show as plain text (never as unsanitized HTML).
 */
import type { MarkdownRenderer } from '../lib/markdown/render.js';

/** Holds the renderer once its chunk has loaded. */
export class MarkdownLoader {
  render = $state.raw<MarkdownRenderer | null>(null);
  private pending: Promise<void> | null = null;

  /** Starts loading the renderer chunk; safe to call many times. A failed load may be retried. */
  load(): Promise<void> {
    this.pending ??= import('../lib/markdown/render.js')
      .then((m) => {
        this.render = m.createMarkdownRenderer(window);
      })
      .catch(() => {
        this.pending = null;
      });
    return this.pending;
  }
}
