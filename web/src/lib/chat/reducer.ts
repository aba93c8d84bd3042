/**
 * Pure chat-state transitions: what one conversation's message list becomes after a server
 * frame or a local action. The Svelte store applies these; tests drive them with frame fixtures.
 */
import type { Message, ServerFrame } from '../contract.js';
import { noticeText } from './notices.js';

/** A message as shown: server fields plus a local notice (error text) when something failed. */
export interface ViewMessage extends Message {
  /** True for an optimistic user message the server has not acknowledged yet. */
  pending?: boolean;
  notice?: string;
}

export interface ChatState {
  conversationId: string;
  messages: ViewMessage[];
  /** The assistant message currently streaming, if any. */
  streamingId: string | null;
  /** Stop was requested and the server has not confirmed yet. */
  stopping: boolean;
  /** A conversation-level notice (errors not tied to one message). */
  notice: string | null;
}

/** Fresh state for a conversation loaded from the REST history. */
export function initialState(conversationId: string, history: Message[]): ChatState {
  const streaming = history.findLast((m) => m.status === 'streaming');
  return {
    conversationId,
    messages: history.map((m) => ({ ...m })),
    streamingId: streaming?.id ?? null,
    stopping: false,
    notice: null,
  };
}

/** Adds the optimistic user message shown until the server's `message.created` ack. */
export function addPending(
  state: ChatState,
  content: string,
  clientMessageId: string,
  now = new Date().toISOString(),
): ChatState {
  const msg: ViewMessage = {
    id: `local:${clientMessageId}`,
    conversationId: state.conversationId,
    role: 'user',
    content,
    status: 'complete',
    clientMessageId,
    usage: null,
    error: null,
    createdAt: now,
    updatedAt: now,
    pending: true,
  };
  return { ...state, messages: [...state.messages, msg], notice: null };
}

/** Marks that Stop was pressed (the button disables until the server confirms). */
export function requestStop(state: ChatState): ChatState {
  return state.streamingId ? { ...state, stopping: true } : state;
}

/** Drops the last assistant reply before a regenerate, the way the server replaces it. */
export function dropLastReply(state: ChatState): ChatState {
  const last = state.messages.at(-1);
  if (!last || last.role !== 'assistant') return state;
  return { ...state, messages: state.messages.slice(0, -1), notice: null };
}

function patch(state: ChatState, id: string, fn: (m: ViewMessage) => ViewMessage): ChatState {
  const i = state.messages.findIndex((m) => m.id === id);
  if (i < 0) return state;
  const messages = state.messages.slice();
  messages[i] = fn(messages[i]!);
  return { ...state, messages };
}

/**
 * Applies one server frame. Frames for other conversations leave the state unchanged (the
 * same object is returned, so callers can cheaply detect "not mine").
 */
export function applyFrame(state: ChatState, frame: ServerFrame): ChatState {
  if (!('conversationId' in frame) || frame.conversationId !== state.conversationId) {
    return state;
  }
  switch (frame.type) {
    case 'message.created': {
      const m: ViewMessage = { ...frame.message };
      const at = state.messages.findIndex(
        (x) =>
          x.id === m.id || (m.clientMessageId !== null && x.clientMessageId === m.clientMessageId),
      );
      const messages = state.messages.slice();
      if (at >= 0) messages[at] = m;
      else messages.push(m);
      const streamingId =
        m.role === 'assistant' && m.status === 'streaming' ? m.id : state.streamingId;
      return { ...state, messages, streamingId };
    }
    case 'delta':
      return patch(state, frame.messageId, (m) => ({ ...m, content: m.content + frame.text }));
    case 'message.completed': {
      const next = patch(state, frame.messageId, (m) => ({
        ...m,
        status: frame.status,
        usage: frame.usage ?? m.usage,
      }));
      const done = state.streamingId === frame.messageId;
      return {
        ...next,
        streamingId: done ? null : next.streamingId,
        stopping: done ? false : next.stopping,
      };
    }
    case 'error': {
      const text = noticeText(frame.code, frame.message, frame.retryAfter);
      if (frame.clientMessageId) {
        const id = `local:${frame.clientMessageId}`;
        const next = patch(state, id, (m) => ({
          ...m,
          pending: false,
          status: 'failed',
          notice: text,
        }));
        if (next !== state) return next;
      }
      if (frame.messageId) {
        const next = patch(state, frame.messageId, (m) => ({ ...m, notice: text }));
        if (next !== state) {
          const done = next.streamingId === frame.messageId;
          return done ? { ...next, streamingId: null, stopping: false } : next;
        }
      }
      return { ...state, notice: text, stopping: false };
    }
    default:
      return state;
  }
}

/** Optimistic messages still waiting for an ack: resent after a reconnect (idempotent). */
export function pendingSends(state: ChatState): ViewMessage[] {
  return state.messages.filter((m) => m.pending && m.clientMessageId);
}
