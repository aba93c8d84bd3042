/**
 * Message shapes for the REST API. The message itself is the protocol's `WireMessageSchema`
 * (defined once, shared with the WebSocket frames).
 */
import { z } from 'zod';
import { WireMessageSchema, type WireMessage } from '../protocol/frames.js';

export const MessageSchema = WireMessageSchema.meta({ id: 'Message' });
export type Message = WireMessage;

export const ListMessagesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().max(200).optional(),
});

export const MessagePageSchema = z
  .object({ items: z.array(MessageSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'MessagePage' });
