/**
 * The /ws endpoint on koa-websocket: Origin check, authentication from the cookie or ?token,
 * then a Connection per socket; plus the heartbeat timer and shutdown of all sockets.
 */
import type Koa from 'koa';
import type KoaWebsocket from 'koa-websocket';
import type WebSocket from 'ws';
import { readCookie } from '../auth/tokens.js';
import { CLOSE, Connection, type ConnectionDeps } from './connection.js';
import { isOriginAllowed } from './origin.js';

export interface WsRouteOptions extends Omit<ConnectionDeps, 'sendBufferLimit' | 'authTimeoutMs'> {
  allowedOrigins: readonly string[];
  /** Session cookie name (the web UI's credentials). */
  cookieName: string;
  heartbeatMs?: number;
  sendBufferLimit?: number;
  authTimeoutMs?: number;
}

/** The running /ws endpoint. */
export interface WsEndpoint {
  middleware: KoaWebsocket.Middleware;
  /** Sockets currently open. */
  readonly connections: number;
  /** Closes every socket with 1001 and stops the heartbeat. */
  close(): void;
}

/** Creates the /ws middleware for `app.ws.use()`. */
export function createWsEndpoint(options: WsRouteOptions): WsEndpoint {
  const connections = new Set<Connection>();
  const deps: ConnectionDeps = {
    ...options,
    sendBufferLimit: options.sendBufferLimit ?? 1024 * 1024,
    authTimeoutMs: options.authTimeoutMs ?? 10_000,
  };
  const heartbeat = setInterval(() => {
    for (const c of connections) c.heartbeat();
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  const middleware = async (ctx: Koa.Context) => {
    const ws: WebSocket = ctx.websocket;
    if (!isOriginAllowed(ctx.get('origin') || undefined, ctx.get('host'), options.allowedOrigins)) {
      ws.close(CLOSE.policy, 'origin not allowed');
      return;
    }
    const connection = new Connection(ws, deps);
    connections.add(connection);
    ws.on('close', () => connections.delete(connection));
    if (ctx.path !== '/ws') {
      ws.close(CLOSE.policy, 'unknown path');
      return;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'))?.[1];
    const token = bearer || readCookie(ctx.get('cookie'), options.cookieName) || ctx.query.token;
    await connection.start(typeof token === 'string' && token ? token : undefined);
  };

  return {
    middleware,
    get connections() {
      return connections.size;
    },
    close() {
      clearInterval(heartbeat);
      for (const c of connections) c.close(CLOSE.goingAway, 'server shutting down');
    },
  };
}
