/** POST /api/auth/register, /login, /logout and GET /api/auth/me. */
import type { ParameterizedContext } from 'koa';
import type { ApiRouter } from '../http/api-router.js';
import { requestLog } from '../http/request-log.js';
import { clearedSessionCookie, sessionCookie } from './cookie.js';
import type { AuthState } from './middleware.js';
import { CredentialsBody, MeSchema, SessionSchema } from './schemas.js';
import type { AuthService, SessionGrant } from './service.js';
import { tokenFromHeaders } from './tokens.js';

function signedIn(ctx: ParameterizedContext, grant: SessionGrant, secure: boolean): void {
  ctx.append('Set-Cookie', sessionCookie(grant.token, { expires: grant.expiresAt, secure }));
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { user: grant.user, token: grant.token, expiresAt: grant.expiresAt.toISOString() };
}

/** Adds the auth routes. */
export function authRoutes(
  api: ApiRouter,
  deps: { auth: AuthService; cookieSecure: boolean },
): void {
  const { auth, cookieSecure } = deps;
  api.add({
    method: 'post',
    path: '/api/auth/register',
    tag: 'auth',
    summary: 'Create an account and sign in (sets the session cookie)',
    body: CredentialsBody,
    responses: {
      201: { description: 'Signed in', schema: SessionSchema },
      409: { description: 'username_taken' },
    },
    async handler(ctx, { body }) {
      const grant = await auth.register(body.username, body.password);
      ctx.status = 201;
      signedIn(ctx, grant, cookieSecure);
      requestLog(ctx)?.info({ userId: grant.user.id }, 'user registered');
    },
  });
  api.add({
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Sign in (sets the session cookie)',
    body: CredentialsBody,
    responses: {
      200: { description: 'Signed in', schema: SessionSchema },
      401: { description: 'invalid_credentials' },
    },
    async handler(ctx, { body }) {
      signedIn(ctx, await auth.login(body.username, body.password), cookieSecure);
    },
  });
  api.add({
    method: 'post',
    path: '/api/auth/logout',
    tag: 'auth',
    summary: 'Sign out: deletes the session and clears the cookie (idempotent)',
    responses: { 204: { description: 'Signed out' } },
    async handler(ctx) {
      const token = tokenFromHeaders(ctx.req.headers);
      if (token) await auth.logout(token);
      ctx.append('Set-Cookie', clearedSessionCookie({ secure: cookieSecure }));
      ctx.status = 204;
    },
  });
  api.add({
    method: 'get',
    path: '/api/auth/me',
    tag: 'auth',
    auth: true,
    summary: 'The signed-in user',
    responses: { 200: { description: 'The user', schema: MeSchema } },
    handler(ctx) {
      ctx.body = { user: (ctx.state as AuthState).user };
    },
  });
}
