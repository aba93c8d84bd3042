/**
 * WebSocket protocol v1: zod schemas for every client and server frame (see app/PROTOCOL.md).
 * Pure definitions — no I/O — so the same schemas validate input, type the server's output and
 * are unit-tested without a socket.
 */
import { z } from 'zod';
import { MAX_CONTENT_BYTES, PROTOCOL_VERSION } from './constants.js';

// The limits live in a dependency-free module the web client bundles; re-exported for the server.
export { MAX_CONTENT_BYTES, MAX_FRAME_BYTES, PROTOCOL_VERSION } from './constants.js';

/** Stable error codes carried by `error` frames. */
export const ERROR_CODES = [
  'bad_frame',
  'unauthenticated',
  'not_found',
  'rate_limited',
  'quota_exceeded',
  'busy',
  'payload_too_large',
  'model_unavailable',
  'shutting_down',
  'internal_error',
  'provider_auth',
  'provider_rate_limited',
  'provider_unavailable',
  'provider_timeout',
  'provider_stream_cut',
  'provider_rejected',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

// PostgreSQL accepts any 8-4-4-4-12 hex form, so the loose GUID check is the right gate: it keeps
// garbage out of uuid columns without rejecting ids of another UUID version.
const Id = z.guid();
const ClientMessageId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w.:-]+$/, 'letters, digits and _ . : - only');
/** Tags the zod issue of content over MAX_CONTENT_BYTES: the parser answers payload_too_large. */
export const CONTENT_TOO_LARGE = { contentTooLarge: true } as const;
const Content = z
  .string()
  .refine((s) => s.trim().length > 0, 'content must not be empty')
  .refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_CONTENT_BYTES, {
    message: `content exceeds ${MAX_CONTENT_BYTES} bytes`,
    params: CONTENT_TOO_LARGE,
  });

export const AuthFrameSchema = z.strictObject({
  type: z.literal('auth'),
  token: z.string().min(1).max(512),
});
export const ChatSendFrameSchema = z.strictObject({
  type: z.literal('chat.send'),
  conversationId: Id,
  content: Content,
  clientMessageId: ClientMessageId,
});
export const ChatStopFrameSchema = z.strictObject({
  type: z.literal('chat.stop'),
  conversationId: Id,
});
export const ChatRegenerateFrameSchema = z.strictObject({
  type: z.literal('chat.regenerate'),
  conversationId: Id,
});
export const PingFrameSchema = z.strictObject({ type: z.literal('ping') });

/** Every frame a client may send. */
export const ClientFrameSchema = z.discriminatedUnion('type', [
  AuthFrameSchema,
  ChatSendFrameSchema,
  ChatStopFrameSchema,
  ChatRegenerateFrameSchema,
  PingFrameSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type ChatSendFrame = z.infer<typeof ChatSendFrameSchema>;
export type ClientFrameType = ClientFrame['type'];
export const CLIENT_FRAME_TYPES: readonly ClientFrameType[] = ClientFrameSchema.options.map(
  (o) => o.shape.type.value,
);

export const UsageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const MessageStatusSchema = z.enum(['complete', 'streaming', 'interrupted', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

/** A chat message as the API shows it (REST and WebSocket share this shape). */
export const WireMessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  status: MessageStatusSchema,
  clientMessageId: z.string().nullable(),
  usage: UsageSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WireMessage = z.infer<typeof WireMessageSchema>;

export const ReadyFrameSchema = z.object({
  type: z.literal('ready'),
  protocol: z.literal(PROTOCOL_VERSION),
  user: z.object({ id: z.string(), username: z.string() }),
});
export const MessageCreatedFrameSchema = z.object({
  type: z.literal('message.created'),
  conversationId: z.string(),
  message: WireMessageSchema,
  /** Set by chat.regenerate: the id of the assistant message this one replaces. */
  replaces: z.string().optional(),
});
export const DeltaFrameSchema = z.object({
  type: z.literal('delta'),
  conversationId: z.string(),
  messageId: z.string(),
  text: z.string(),
});
export const MessageCompletedFrameSchema = z.object({
  type: z.literal('message.completed'),
  conversationId: z.string(),
  messageId: z.string(),
  status: z.enum(['complete', 'interrupted', 'failed']),
  usage: UsageSchema.nullable(),
});
export const ErrorFrameSchema = z.object({
  type: z.literal('error'),
  code: ErrorCodeSchema,
  message: z.string(),
  conversationId: z.string().optional(),
  clientMessageId: z.string().optional(),
  messageId: z.string().optional(),
  retryAfter: z.number().int().nonnegative().optional(),
});
export const PongFrameSchema = z.object({ type: z.literal('pong') });

/** Every frame the server may send. */
export const ServerFrameSchema = z.discriminatedUnion('type', [
  ReadyFrameSchema,
  MessageCreatedFrameSchema,
  DeltaFrameSchema,
  MessageCompletedFrameSchema,
  ErrorFrameSchema,
  PongFrameSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;
export type DeltaFrame = z.infer<typeof DeltaFrameSchema>;
export type MessageCompletedFrame = z.infer<typeof MessageCompletedFrameSchema>;
export type MessageCreatedFrame = z.infer<typeof MessageCreatedFrameSchema>;
