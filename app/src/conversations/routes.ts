/** Conversation CRUD under /api/conversations (owner-scoped: another user's id is a 404). */
import type { AuthState } from '../auth/middleware.js';
import { NotFoundError, ValidationError } from '../errors/index.js';
import type { ApiRouter } from '../http/api-router.js';
import type { ConversationStore } from './store.js';
import {
  ConversationIdParams,
  ConversationPageSchema,
  ConversationSchema,
  CreateConversationBody,
  DEFAULT_TITLE,
  ListConversationsQuery,
  UpdateConversationBody,
} from './schemas.js';

/** What the conversation routes need. */
export interface ConversationRouteDeps {
  conversations: ConversationStore;
  /** Whether a model id is on offer, and the default for new conversations. */
  models: { has(id: string): boolean; defaultModel: string };
}

function checkModel(deps: ConversationRouteDeps, model: string | undefined): void {
  if (model !== undefined && !deps.models.has(model)) {
    throw new ValidationError([{ path: 'body.model', message: `unknown model "${model}"` }]);
  }
}

const notFound = { 404: { description: 'not_found (also for another user’s conversation)' } };

/** Adds the conversation routes. */
export function conversationRoutes(api: ApiRouter, deps: ConversationRouteDeps): void {
  const { conversations } = deps;
  api.add({
    method: 'get',
    path: '/api/conversations',
    tag: 'conversations',
    auth: true,
    summary: 'List conversations, most recently updated first; q filters titles',
    query: ListConversationsQuery,
    responses: { 200: { description: 'A page', schema: ConversationPageSchema } },
    async handler(ctx, { query }) {
      const { user } = ctx.state as AuthState;
      ctx.body = await conversations.list(user.id, query);
    },
  });
  api.add({
    method: 'post',
    path: '/api/conversations',
    tag: 'conversations',
    auth: true,
    summary: 'Create a conversation',
    body: CreateConversationBody,
    responses: { 201: { description: 'Created', schema: ConversationSchema } },
    async handler(ctx, { body }) {
      const { user } = ctx.state as AuthState;
      checkModel(deps, body.model);
      ctx.status = 201;
      ctx.body = await conversations.create(user.id, {
        title: body.title ?? DEFAULT_TITLE,
        model: body.model ?? deps.models.defaultModel,
        systemPrompt: body.systemPrompt ?? null,
      });
    },
  });
  api.add({
    method: 'get',
    path: '/api/conversations/:id',
    tag: 'conversations',
    auth: true,
    summary: 'Get a conversation',
    params: ConversationIdParams,
    responses: {
      200: { description: 'The conversation', schema: ConversationSchema },
      ...notFound,
    },
    async handler(ctx, { params }) {
      const { user } = ctx.state as AuthState;
      const found = await conversations.get(user.id, params.id);
      if (!found) throw new NotFoundError('Conversation not found.');
      ctx.body = found;
    },
  });
  api.add({
    method: 'patch',
    path: '/api/conversations/:id',
    tag: 'conversations',
    auth: true,
    summary: 'Rename a conversation or change its model or system prompt',
    params: ConversationIdParams,
    body: UpdateConversationBody,
    responses: { 200: { description: 'Updated', schema: ConversationSchema }, ...notFound },
    async handler(ctx, { params, body }) {
      const { user } = ctx.state as AuthState;
      checkModel(deps, body.model);
      const updated = await conversations.update(user.id, params.id, body);
      if (!updated) throw new NotFoundError('Conversation not found.');
      ctx.body = updated;
    },
  });
  api.add({
    method: 'delete',
    path: '/api/conversations/:id',
    tag: 'conversations',
    auth: true,
    summary: 'Delete a conversation and its messages',
    params: ConversationIdParams,
    responses: { 204: { description: 'Deleted' }, ...notFound },
    async handler(ctx, { params }) {
      const { user } = ctx.state as AuthState;
      if (!(await conversations.delete(user.id, params.id))) {
        throw new NotFoundError('Conversation not found.');
      }
      ctx.status = 204;
    },
  });
}
