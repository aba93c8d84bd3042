/** Human wording for the backend's stable error codes (REST and WebSocket share them). */
import type { ErrorCode } from '../contract.js';

// Typed against the server's union of `error` frame codes: a code renamed or removed there fails
// the web typecheck here. Codes without wording show the server's message.
const FRAME_TEXT: Partial<Record<ErrorCode, string>> = {
  rate_limited: 'You are sending messages too fast.',
  quota_exceeded: 'You have used your token quota for today.',
  busy: 'A reply is still being written in this chat. Wait for it or press Stop.',
  payload_too_large: 'That message is too long.',
  model_unavailable: 'The selected model is not available right now.',
  shutting_down: 'The server is restarting. Your message will be retried.',
  provider_auth: 'The AI provider rejected the server credentials.',
  provider_rate_limited: 'The AI provider is rate limiting requests.',
  provider_unavailable: 'The AI provider is unavailable.',
  provider_timeout: 'The AI provider took too long to answer.',
  provider_stream_cut: 'The reply was cut off by the AI provider.',
  not_found: 'This conversation no longer exists.',
  unauthenticated: 'Your session has ended. Please sign in again.',
  internal_error: 'Something went wrong on the server.',
};

// Codes only the REST API answers with (the HTTP errors carry no shared union yet).
const REST_TEXT: Record<string, string> = {
  session_expired: 'Your session has expired. Please sign in again.',
  invalid_credentials: 'Wrong username or password.',
  username_taken: 'That username is already taken.',
};
const TEXT: Record<string, string | undefined> = { ...REST_TEXT, ...FRAME_TEXT };

/**
 * A sentence for an error code, with the wait time when the server gave one.
 * @example noticeText('rate_limited', 'x', 12) // 'You are sending messages too fast. Try again in 12 s.'
 */
export function noticeText(code: string, fallback: string, retryAfter?: number | null): string {
  const base = TEXT[code] ?? fallback ?? 'Something went wrong.';
  return retryAfter ? `${base} Try again in ${retryAfter} s.` : base;
}
