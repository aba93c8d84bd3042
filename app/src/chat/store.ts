/**
 * The chat service's persistence port implemented over the app's conversation and message stores.
 */
import type { ConversationStore } from '../conversations/store.js';
import type { MessageStore } from '../messages/store.js';
import type { ChatStore } from './ports.js';

/** Adapts the conversation and message stores to the ChatStore port. */
export function createChatStore(
  conversations: ConversationStore,
  messages: MessageStore,
): ChatStore {
  return {
    async findConversation(userId, conversationId) {
      const conv = await conversations.get(userId, conversationId);
      return conv && { id: conv.id, userId, model: conv.model, systemPrompt: conv.systemPrompt };
    },
    findByClientMessageId: (conversationId, clientMessageId) =>
      messages.findByClientId(conversationId, clientMessageId),
    insertExchange: (conversationId, content, clientMessageId) =>
      messages.insertExchange(conversationId, { content, clientMessageId }),
    insertReply: ({ conversationId, replaces }) =>
      messages.createAssistantMessage(conversationId, undefined, replaces),
    updateContents: (batch) => messages.updateContents(batch),
    finishReplies: (batch) => messages.finishReplies(batch),
    history: (conversationId, limit) => messages.recent(conversationId, limit),
  };
}
