/**
 * The wire contract as the browser sees it, taken from the backend's own definitions (one source,
 * see app/PROTOCOL.md): shapes are `z.infer` types of the server's zod schemas, imported type-only
 * so neither zod nor server code reaches the bundle; limits and defaults are values from a
 * dependency-free module. Renaming a field on the server fails `npm run typecheck` here.
 */
import type { z } from 'zod';
import type { MeSchema, SessionSchema, UserSchema } from '../../../app/src/auth/schemas.js';
import type {
  ConversationPageSchema,
  CreateConversationBody,
  UpdateConversationBody,
} from '../../../app/src/conversations/schemas.js';
import type { ErrorBodySchema } from '../../../app/src/http/schemas.js';
import type { MessagePageSchema } from '../../../app/src/messages/schemas.js';
import type { ModelsSchema } from '../../../app/src/models/routes.js';

export type {
  ClientFrame,
  ErrorCode,
  ErrorFrame,
  MessageStatus,
  ServerFrame,
  Usage,
  WireMessage as Message,
} from '../../../app/src/protocol/frames.js';
export type { Conversation } from '../../../app/src/conversations/schemas.js';
export * from '../../../app/src/protocol/constants.js';

export type User = z.infer<typeof UserSchema>;
/** Answer of register and login. */
export type AuthResult = z.infer<typeof SessionSchema>;
export type Me = z.infer<typeof MeSchema>;
export type ConversationPage = z.infer<typeof ConversationPageSchema>;
export type MessagePage = z.infer<typeof MessagePageSchema>;
/** Body of POST /api/conversations (every field optional). */
export type NewConversation = z.input<typeof CreateConversationBody>;
/** Body of PATCH /api/conversations/:id. */
export type ConversationPatch = z.input<typeof UpdateConversationBody>;
/** Answer of GET /api/models. */
export type Models = z.infer<typeof ModelsSchema>;
export type ModelInfo = Models['models'][number];
/** Body of every 4xx/5xx answer. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
