/**
 * Turns one raw WebSocket frame into a typed client frame, or the `error` frame to answer with.
 * Pure: the ws route calls it for every incoming frame, the unit tests call it with hostile input.
 */
import type { z } from 'zod';
import {
  CLIENT_FRAME_TYPES,
  ClientFrameSchema,
  CONTENT_TOO_LARGE,
  MAX_CONTENT_BYTES,
  MAX_FRAME_BYTES,
  type ClientFrame,
  type ErrorCode,
  type ErrorFrame,
} from './frames.js';

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

/** Builds an `error` frame; the optional fields are only set when known. */
export function errorFrame(
  code: ErrorCode,
  message: string,
  extra: Omit<ErrorFrame, 'type' | 'code' | 'message'> = {},
): ErrorFrame {
  return { type: 'error', code, message, ...extra };
}

function byteLength(raw: string | Buffer): number {
  return typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.length;
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * Parses and validates a client frame.
 *
 * @example parseClientFrame('{"type":"ping"}') // → { ok: true, frame: { type: 'ping' } }
 * @example parseClientFrame('nope') // → { ok: false, error: { type: 'error', code: 'bad_frame', … } }
 */
export function parseClientFrame(raw: string | Buffer): ParseResult {
  if (byteLength(raw) > MAX_FRAME_BYTES) {
    return fail('payload_too_large', `frame exceeds ${MAX_FRAME_BYTES} bytes`);
  }
  let data: unknown;
  try {
    data = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return fail('bad_frame', 'frame is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('bad_frame', 'frame must be a JSON object');
  }
  const record = data as Record<string, unknown>;
  // Echo back ids the client can correlate with, but only when they are plain short strings.
  const extra: Omit<ErrorFrame, 'type' | 'code' | 'message'> = {};
  for (const key of ['conversationId', 'clientMessageId'] as const) {
    const v = record[key];
    if (typeof v === 'string' && v.length <= 128) extra[key] = v;
  }
  if (typeof record.type !== 'string') return fail('bad_frame', 'frame has no "type"', extra);
  if (!(CLIENT_FRAME_TYPES as readonly string[]).includes(record.type)) {
    return fail('bad_frame', `unknown frame type "${record.type.slice(0, 40)}"`, extra);
  }
  const parsed = ClientFrameSchema.safeParse(data);
  if (parsed.success) return { ok: true, frame: parsed.data };
  // Recognised by the tag the schema puts on the issue, not by its wording.
  const tooLarge = parsed.error.issues.some(
    (i) => i.code === 'custom' && i.params?.contentTooLarge === CONTENT_TOO_LARGE.contentTooLarge,
  );
  if (tooLarge)
    return fail('payload_too_large', `content exceeds ${MAX_CONTENT_BYTES} bytes`, extra);
  return fail(
    'bad_frame',
    `invalid ${record.type} frame: ${describeIssues(parsed.error.issues)}`,
    extra,
  );
}

function fail(
  code: ErrorCode,
  message: string,
  extra: Omit<ErrorFrame, 'type' | 'code' | 'message'> = {},
): ParseResult {
  return { ok: false, error: errorFrame(code, message, extra) };
}
