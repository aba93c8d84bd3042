/**
 * Errors the chat service answers the requesting socket with (as an `error` frame).
 */
import type { ErrorCode, ErrorFrame } from '../protocol/frames.js';
import { errorFrame } from '../protocol/parse.js';

/** A refusal of a chat request: stable code, safe message, optional retry hint. */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** The `error` frame for this refusal, with the request's correlation ids. */
  toFrame(extra: { conversationId?: string; clientMessageId?: string } = {}): ErrorFrame {
    return errorFrame(this.code, this.message, {
      ...extra,
      ...(this.retryAfter !== undefined ? { retryAfter: this.retryAfter } : {}),
    });
  }
}

/** The conversation is missing or someone else's: the two are never told apart. */
export const notFound = () => new ChatError('not_found', 'conversation not found');
