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
    async insertUserMessage(userId, conversationId, content, clientMessageId) {
      const result = await messages.insertUserMessage(userId, conversationId, {
        content,
        clientMessageId,
      });
      // The service checked ownership just before; a miss means the conversation was deleted.
      if (!result) throw new Error(`conversation ${conversationId} disappeared`);
      return result;
    },
    async insertAssistantMessage(conversationId, init, replaces) {
      if (replaces) await messages.delete(replaces);
      const created = await messages.createAssistantMessage(conversationId);
      if (init.status === 'streaming') return created;
      const finished = await messages.finish(created.id, {
        status: init.status,
        content: init.content,
        error: init.error ?? null,
      });
      return finished ?? created;
    },
    updateContents: (batch) => messages.updateContents(batch),
    async finishAssistantMessage(messageId, outcome) {
      await messages.finish(messageId, outcome);
    },
    history: (conversationId, limit) => messages.recent(conversationId, limit),
  };
}
