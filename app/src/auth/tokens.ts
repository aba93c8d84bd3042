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
export function tokenFromHeaders(headers: CredentialHeaders): string | undefined {
  return (
    bearerToken(headers.authorization) ?? (readCookie(headers.cookie, SESSION_COOKIE) || undefined)
  );
}

/**
 * True when `tokenFromHeaders` would authenticate the request by its session cookie, i.e. the
 * browser attached the credential on its own: the case cross-site request forgery abuses.
 * @example isCookieAuthenticated({ cookie: 'aichat_session=abc' }) // → true
 */
export function isCookieAuthenticated(headers: CredentialHeaders): boolean {
  return (
    bearerToken(headers.authorization) === undefined &&
    Boolean(readCookie(headers.cookie, SESSION_COOKIE))
  );
}

/** The headers that can carry a session token. */
export interface CredentialHeaders {
  authorization?: string | undefined;
  cookie?: string | undefined;
}

function bearerToken(authorization: string | undefined): string | undefined {
  return authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
}
