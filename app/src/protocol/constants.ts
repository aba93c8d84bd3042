/**
 * Values of the wire contract (WebSocket frames and REST bodies): limits and defaults. No imports
 * and no side effects on purpose: the web client bundles this module to enforce the same limits
 * the server's zod schemas enforce, without pulling zod or any server code into the browser.
 */

/** Protocol version announced in the `ready` frame; bump on incompatible changes. */
export const PROTOCOL_VERSION = 1;
/** Largest accepted WebSocket frame, in bytes (also the ws `maxPayload`). */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Largest accepted message content, in UTF-8 bytes (same limit as the REST API). */
export const MAX_CONTENT_BYTES = 32 * 1024;
/** Largest conversation title, in characters. */
export const MAX_TITLE_CHARS = 200;
/** Largest system prompt, in UTF-8 bytes. */
export const MAX_SYSTEM_PROMPT_BYTES = 8 * 1024;
/** Username length bounds, in characters. */
export const USERNAME_CHARS = { min: 3, max: 32 } as const;
/** Password length bounds, in characters. */
export const PASSWORD_CHARS = { min: 8, max: 128 } as const;
/** Title of a conversation created without one (the client renames it after the first message). */
export const DEFAULT_TITLE = 'New chat';
