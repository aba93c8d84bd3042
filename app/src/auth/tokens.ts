/**
 * Session tokens: 256 random bits, base64url. Only their sha256 is stored, and the token travels
 * as the `aichat_session` cookie (web UI) or an `Authorization: Bearer` header (API clients).
 * Pure helpers, shared with the WebSocket upgrade.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Name of the httpOnly session cookie. */
export const SESSION_COOKIE = 'aichat_session';

/** A new opaque session token. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The sha256 hex digest stored in place of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}

/**
 * The session token of a request: the Bearer header wins over the cookie (an API client
 * says explicitly who it is). Undefined when neither is present.
 * @example tokenFromHeaders(ctx.req.headers)
 */
export function tokenFromHeaders(headers: {
  authorization?: string | undefined;
  cookie?: string | undefined;
}): string | undefined {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const cookie = readCookie(headers.cookie, SESSION_COOKIE);
  return cookie || undefined;
}
