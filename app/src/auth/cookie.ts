/**
 * The Set-Cookie header of the session cookie, built directly: koa's cookie API refuses a
 * `Secure` cookie when TLS ends at a proxy it was not told to trust, but COOKIE_SECURE must
 * hold behind any ingress. Pure, shared with anything that signs users in.
 */
import { SESSION_COOKIE } from './tokens.js';

/** Set-Cookie value that stores the session token (httpOnly, SameSite=Lax, path /). */
export function sessionCookie(token: string, options: { expires: Date; secure: boolean }): string {
  const maxAge = Math.max(0, Math.floor((options.expires.getTime() - Date.now()) / 1000));
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    `Expires=${options.expires.toUTCString()}`,
    `Max-Age=${maxAge}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Set-Cookie value that deletes the session cookie. */
export function clearedSessionCookie(options: { secure: boolean }): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'Max-Age=0',
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
