/**
 * A small structural parser for WebSocket protocol v1 server frames. The frame types are the
 * backend's own (app/src/protocol/frames.ts, through lib/contract.ts); the backend validates
 * strictly with zod, while the client only rejects what it cannot route, so it stays free of a
 * schema library and keeps the bundle small.
 */
import type { ServerFrame } from '../contract.js';

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
