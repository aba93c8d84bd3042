/**
 * The one interface every model provider implements: stream a reply with an abort signal.
 */
import type { Usage } from '../protocol/frames.js';

/** One turn of the conversation sent to the model. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What the chat service asks a provider for. */
export interface ProviderRequest {
  /** Model id as the provider knows it (e.g. "gpt-4o-mini", "echo"). */
  model: string;
  messages: ChatTurn[];
}

/** Events of a reply stream: text deltas, then exactly one `done` when the model finished. */
export type ProviderEvent =
  { type: 'delta'; text: string } | { type: 'done'; usage: Usage | null; finishReason: string };

/**
 * A model provider. `stream` yields deltas and finally `done`; it throws a `ProviderError` on
 * failure. When `signal` aborts, the iterator ends early without `done` (the caller knows why).
 */
export interface Provider {
  readonly kind: 'openai' | 'echo';
  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderEvent>;
  /**
   * Model ids the provider serves (GET /v1/models), undefined when it has no such list (404);
   * throws a `ProviderError` when the list could not be read. Absent for providers without one.
   */
  listModels?(signal: AbortSignal): Promise<string[] | undefined>;
}
