/**
 * Conversation shapes shared by validation, the store's return type and the OpenAPI document.
 */
import { z } from 'zod';
import { NO_NUL_MESSAGE, noNul } from '../http/schemas.js';
import { MAX_SYSTEM_PROMPT_BYTES, MAX_TITLE_CHARS } from '../protocol/constants.js';

// Defined once with the web client's limits (a module the browser bundle can import).
export { DEFAULT_TITLE, MAX_SYSTEM_PROMPT_BYTES, MAX_TITLE_CHARS } from '../protocol/constants.js';

export const ConversationSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    title: z.string(),
    model: z.string(),
    systemPrompt: z.string().nullable(),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Conversation' });
export type Conversation = z.infer<typeof ConversationSchema>;

const Title = z
  .string()
  .trim()
  .min(1, 'title must not be empty')
  .max(MAX_TITLE_CHARS, `title is at most ${MAX_TITLE_CHARS} characters`)
  .refine(noNul, NO_NUL_MESSAGE);
const Model = z.string().min(1).max(100).refine(noNul, NO_NUL_MESSAGE);
const SystemPrompt = z
  .string()
  .refine(noNul, NO_NUL_MESSAGE)
  .refine(
    (s) => Buffer.byteLength(s, 'utf8') <= MAX_SYSTEM_PROMPT_BYTES,
    `systemPrompt is at most ${MAX_SYSTEM_PROMPT_BYTES} bytes`,
  )
  .nullable();

export const CreateConversationBody = z
  .strictObject({
    title: Title.optional(),
    model: Model.optional(),
    systemPrompt: SystemPrompt.optional(),
  })
  .meta({ id: 'CreateConversation' });

export const UpdateConversationBody = z
  .strictObject({
    title: Title.optional(),
    model: Model.optional(),
    systemPrompt: SystemPrompt.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of title, model, systemPrompt')
  .meta({ id: 'UpdateConversation' });
export type ConversationPatch = z.infer<typeof UpdateConversationBody>;

export const ConversationIdParams = z.strictObject({ id: z.guid('must be a conversation id') });

export const ListConversationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(MAX_TITLE_CHARS).refine(noNul, NO_NUL_MESSAGE).optional(),
});

export const ConversationPageSchema = z
  .object({ items: z.array(ConversationSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ConversationPage' });
