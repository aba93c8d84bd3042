/**
 * A client message id unique enough to make `chat.send` idempotent across resends. Works on
 * plain-http origins too, where `crypto.randomUUID` is unavailable (not a secure context).
 */
export function newClientMessageId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${Date.now().toString(36)}-${hex}`;
}
