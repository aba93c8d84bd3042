/**
 * WebSocket protocol v1 frame types as the browser sees them, and a small structural parser.
 * The backend validates strictly with zod (app/src/protocol); the client only needs to reject
 * what it cannot route, so it stays free of a schema library and keeps the bundle small.
 */
import type { Message, MessageStatus, Usage, User } from '../api/types.js';

export type ServerFrame =
  | { type: 'ready'; protocol: number; user: User }
  | { type: 'message.created'; conversationId: string; message: Message }
  | { type: 'delta'; conversationId: string; messageId: string; text: string }
  | {
      type: 'message.completed';
      conversationId: string;
      messageId: string;
      status: Exclude<MessageStatus, 'streaming'>;
      usage: Usage | null;
    }
  | ErrorFrame
  | { type: 'pong' };

export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  conversationId?: string;
  clientMessageId?: string;
  messageId?: string;
  retryAfter?: number;
}

export type ClientFrame =
  | { type: 'auth'; token: string }
  | { type: 'chat.send'; conversationId: string; content: string; clientMessageId: string }
  | { type: 'chat.stop'; conversationId: string }
  | { type: 'chat.regenerate'; conversationId: string }
  | { type: 'ping' };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Record<string, unknown>, k: string) => typeof o[k] === 'string';

/**
 * Parses one text frame from the server; returns null for anything malformed or unknown
 * (a newer server may add frame types: the client ignores them instead of failing).
 */
export function parseServerFrame(data: string): ServerFrame | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(v) || typeof v.type !== 'string') return null;
  switch (v.type) {
    case 'ready':
      return isObject(v.user) && str(v.user, 'id') ? (v as unknown as ServerFrame) : null;
    case 'message.created':
      return str(v, 'conversationId') && isObject(v.message) && str(v.message, 'id')
        ? (v as unknown as ServerFrame)
        : null;
    case 'delta':
      return str(v, 'conversationId') && str(v, 'messageId') && str(v, 'text')
        ? (v as unknown as ServerFrame)
        : null;
    case 'message.completed':
      return str(v, 'conversationId') && str(v, 'messageId') && str(v, 'status')
        ? ({ usage: null, ...v } as unknown as ServerFrame)
        : null;
    case 'error':
      return str(v, 'code') && str(v, 'message') ? (v as unknown as ServerFrame) : null;
    case 'pong':
      return { type: 'pong' };
    default:
      return null;
  }
}
