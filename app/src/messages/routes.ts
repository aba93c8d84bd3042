/** GET /api/conversations/:id/messages: a conversation's messages, paged backwards in time. */
import type { AuthState } from '../auth/middleware.js';
import { ConversationIdParams } from '../conversations/schemas.js';
import { NotFoundError } from '../errors/index.js';
import type { ApiRouter } from '../http/api-router.js';
import { ListMessagesQuery, MessagePageSchema } from './schemas.js';
import type { MessageStore } from './store.js';

/** Adds the messages route. */
export function messageRoutes(api: ApiRouter, deps: { messages: MessageStore }): void {
  api.add({
    method: 'get',
    path: '/api/conversations/:id/messages',
    tag: 'messages',
    auth: true,
    summary: 'List messages oldest→newest; nextCursor (as before=) pages to older ones',
    params: ConversationIdParams,
    query: ListMessagesQuery,
    responses: {
      200: { description: 'A page', schema: MessagePageSchema },
      404: { description: 'not_found (also for another user’s conversation)' },
    },
    async handler(ctx, { params, query }) {
      const { user } = ctx.state as AuthState;
      const page = await deps.messages.list(user.id, params.id, query);
      if (!page) throw new NotFoundError('Conversation not found.');
      ctx.body = page;
    },
  });
}
