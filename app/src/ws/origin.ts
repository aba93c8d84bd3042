/**
 * The WebSocket Origin check (pure): browsers always send Origin on a WebSocket upgrade, so a page
 * on another site cannot open a socket with the user's cookie unless its origin is allowed.
 */

/**
 * True when the upgrade may proceed: no Origin (a non-browser client, which cannot carry the
 * user's cookies by accident), the server's own host, or an origin in CORS_ORIGINS.
 *
 * @example isOriginAllowed('https://chat.example.com', 'chat.example.com', []) // → true
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (allowed.includes(parsed.origin)) return true;
  return host !== undefined && parsed.host === host.toLowerCase();
}
