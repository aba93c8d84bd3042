/** Readable text for any error a store catches. */
import { ApiError } from '../lib/api/rest.js';
import { noticeText } from '../lib/chat/notices.js';

/** One sentence for the UI; never a stack trace or `[object Object]`. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return noticeText(err.code, err.message, err.retryAfter);
  return 'Cannot reach the server. Check your connection.';
}
