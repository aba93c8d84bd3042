/** Shapes of the backend's REST and WebSocket payloads (see /tmp contract and app/PROTOCOL.md). */

export interface User {
  id: string;
  username: string;
}

export interface Conversation {
  id: string;
  title: string;
  model: string;
  systemPrompt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type MessageStatus = 'complete' | 'streaming' | 'interrupted' | 'failed';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

export interface Message {
  id: string;
  conversationId: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  clientMessageId: string | null;
  usage: Usage | null;
  error: ErrorInfo | null;
  createdAt: string;
  updatedAt: string;
}

export interface ModelInfo {
  id: string;
  provider: 'openai' | 'echo';
  label: string;
  offline: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuthResult {
  user: User;
  token: string;
  expiresAt: string;
}
