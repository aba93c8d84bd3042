/** Koa middleware that requires a signed-in user (cookie or Bearer token). */
import type { Middleware } from 'koa';
import type { User } from '../users/store.js';
import type { AuthService } from './service.js';
import { tokenFromHeaders } from './tokens.js';

/** What requireUser leaves in ctx.state. */
export interface AuthState {
  user: User;
  token: string;
  sessionId: string;
}

/**
 * Authenticates the request and stores the user in `ctx.state.user`; 401 `unauthenticated` or
 * `session_expired` otherwise.
 */
export function requireUser(auth: AuthService): Middleware {
  return async (ctx, next) => {
    const token = tokenFromHeaders(ctx.req.headers);
    const { user, sessionId } = await auth.authenticateToken(token);
    // authenticateToken rejected a missing token, so it is a string here.
    Object.assign(ctx.state, { user, token: token as string, sessionId } satisfies AuthState);
    await next();
  };
}
