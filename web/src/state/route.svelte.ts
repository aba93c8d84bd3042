/** The selected conversation, kept in the URL (lib/route.ts). */
import { conversationIdFromPath } from '../lib/route.js';

/** Tracks the selected conversation and keeps it in sync with browser history. */
export class Route {
  conversationId = $state<string | null>(conversationIdFromPath(location.pathname));

  constructor() {
    window.addEventListener('popstate', () => {
      this.conversationId = conversationIdFromPath(location.pathname);
    });
  }

  /** Opens a conversation (or the empty start page for null), adding a history entry. */
  go(id: string | null, replace = false): void {
    if (id === this.conversationId) return;
    this.conversationId = id;
    const path = id ? `/c/${encodeURIComponent(id)}` : '/';
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
}
