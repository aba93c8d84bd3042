/**
 * Byte limits for text fields. The server limits message content and system prompts in UTF-8
 * bytes, not characters: "é" is 2 bytes, most emoji 4. An HTML `maxlength` counts UTF-16 code
 * units, so it lets through text the server refuses; these helpers count what the server counts.
 */

const encoder = new TextEncoder();

/**
 * UTF-8 length of a string, as the server's `Buffer.byteLength(s, 'utf8')` counts it (a lone
 * surrogate becomes U+FFFD, 3 bytes, in both).
 * @example utf8Length('héllo') // 6
 */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

/**
 * How many bytes `text` is over `limit` (0 when it fits).
 * @example bytesOver('é'.repeat(3), 4) // 2
 */
export function bytesOver(text: string, limit: number): number {
  return Math.max(0, utf8Length(text) - limit);
}

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} byte${bytes === 1 ? '' : 's'}`
    : `${Number((bytes / 1024).toFixed(1))} KB`;

/**
 * The sentence shown under a field whose text is over its byte limit.
 * @example tooLongText(2, 32768) // 'Too long by 2 bytes: the limit is 32 KB.'
 */
export function tooLongText(over: number, limit: number): string {
  return `Too long by ${size(over)}: the limit is ${size(limit)}.`;
}
