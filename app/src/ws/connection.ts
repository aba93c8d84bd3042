/**
 * One WebSocket connection: authentication, frame dispatch to the chat service, heartbeats and a
 * bounded send buffer. Every failure becomes an `error` frame (errors/map.ts `toErrorFrame`, the
 * one mapping); nothing here may throw out of an event handler. Frames to the client pass an
 * outbox that merges deltas while the client is behind.
 */
import type WebSocket from 'ws';
import type { AuthService } from '../auth/service.js';
import type { ChatService } from '../chat/service.js';
import { AppError, toErrorFrame } from '../errors/index.js';
import type { Logger } from '../logger.js';
import {
  PROTOCOL_VERSION,
  type ClientFrame,
  type DeltaFrame,
  type ServerFrame,
} from '../protocol/frames.js';
import { errorFrame, parseClientFrame } from '../protocol/parse.js';
import type { RateLimits } from '../ratelimit/limiter.js';
import type { HubSocket, SocketHub } from './hub.js';
import { Outbox } from './outbox.js';

/** The authenticated user of a socket. */
interface WsUser {
  id: string;
  username: string;
}

/** What every connection of the endpoint shares (built once by ws/endpoint.ts). */
export interface ConnectionContext {
  chat: ChatService;
  hub: SocketHub;
  auth: Pick<AuthService, 'authenticateToken'>;
  limits: Pick<RateLimits, 'consumeUser'>;
  logger: Pick<Logger, 'warn' | 'error'>;
  /** Bytes that may wait in a socket's send buffer before it is closed as a slow consumer. */
  sendBufferLimit: number;
  authTimeoutMs: number;
}

/** Close codes of the protocol (see PROTOCOL.md). */
export const CLOSE = {
  goingAway: 1001,
  policy: 1008,
  unauthenticated: 4401,
  slowConsumer: 4408,
} as const;

/** ws's readyState of an open socket (WebSocket.OPEN, without a getter call per frame). */
const OPEN = 1;

/** The protocol's wording of a rate-limited chat request (the REST API has its own). */
const RATE_LIMITED = 'too many requests';

/** Handles one accepted socket; `token` comes from the cookie or ?token when present. */
export class Connection implements HubSocket {
  alive = true;
  private user: WsUser | undefined;
  private authTimer: NodeJS.Timeout | undefined;
  // Frames wait here only while the kernel has not taken an earlier write (see outbox.ts).
  private readonly outbox = new Outbox(
    (data, done) => this.ws.send(data, done),
    (frame) => JSON.stringify(frame),
    () => this.ws.bufferedAmount > 0,
  );

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: ConnectionContext,
  ) {
    deps.hub.open(this);
    ws.on('pong', () => (this.alive = true));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.sendFrame(errorFrame('bad_frame', 'frames must be JSON text'));
      void this.onMessage(data as Buffer);
    });
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => deps.logger.warn({ err: err.message }, 'websocket error'));
  }

  /** Starts the session: authenticates with `token` if given, else waits for an auth frame. */
  async start(token: string | undefined): Promise<void> {
    if (token) {
      await this.authenticate(token);
      return;
    }
    this.authTimer = setTimeout(() => {
      if (!this.user) this.close(CLOSE.unauthenticated, 'authentication timeout');
    }, this.deps.authTimeoutMs);
  }

  /** HubSocket: sends a serialized frame unless the client is too slow to take it. */
  send(data: string): void {
    if (this.straight(data)) return;
    if (this.admit()) this.outbox.send(data);
  }

  /** HubSocket: sends a delta, merged with the previous one while the client is behind. */
  sendDelta(data: string, frame?: DeltaFrame): void {
    if (this.straight(data)) return;
    if (this.admit()) this.outbox.sendDelta(data, frame);
  }

  /**
   * The hot path (issue #11): a socket that keeps up — the kernel took every earlier write and
   * nothing waits in the outbox — gets the frame written at once, with no completion callback
   * to track (one allocation and one tick less per token). Else the outbox takes over.
   */
  private straight(data: string): boolean {
    const ws = this.ws;
    if (ws.readyState !== OPEN || ws.bufferedAmount !== 0 || !this.outbox.idle) return false;
    ws.send(data);
    return true;
  }

  /** HubSocket: closes with a code; a peer that never completes the close is cut after `graceMs`. */
  close(code: number, reason: string, graceMs = 1000): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Frames held behind a pending write go first (e.g. message.completed at shutdown).
    this.outbox.flush();
    this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), graceMs).unref();
  }

  /** Heartbeat tick: terminates a socket that missed the previous ping, then pings again. */
  heartbeat(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  /** Whether the socket takes another frame; closes a client too slow to read its frames. */
  private admit(): boolean {
    if (this.ws.readyState !== OPEN) return false;
    // A client that does not read must not make us buffer without bound.
    if (this.ws.bufferedAmount + this.outbox.queuedChars <= this.deps.sendBufferLimit) return true;
    this.deps.logger.warn({ userId: this.user?.id }, 'closing slow websocket consumer');
    // The close frame queues behind the backlog: give the client a few seconds to read up to it.
    this.close(CLOSE.slowConsumer, 'slow consumer', 5000);
    return false;
  }

  private sendFrame(frame: ServerFrame): void {
    this.send(JSON.stringify(frame));
  }

  private async authenticate(token: string): Promise<void> {
    let user: WsUser;
    try {
      ({ user } = await this.deps.auth.authenticateToken(token));
    } catch (err) {
      // Unlike other failures this closes the socket: 4401 tells the client to sign in again,
      // 1001 to retry later.
      if (err instanceof AppError && err.status === 401) {
        this.sendFrame(errorFrame('unauthenticated', 'invalid or expired session'));
        this.close(CLOSE.unauthenticated, 'unauthenticated');
        return;
      }
      this.deps.logger.error({ err }, 'websocket authentication failed');
      this.sendFrame(errorFrame('internal_error', 'authentication is unavailable; retry'));
      this.close(CLOSE.goingAway, 'authentication unavailable');
      return;
    }
    if (this.ws.readyState !== this.ws.OPEN) return;
    clearTimeout(this.authTimer);
    this.user = user;
    this.deps.hub.add(user.id, this);
    this.sendFrame({ type: 'ready', protocol: PROTOCOL_VERSION, user });
  }

  private async onMessage(data: Buffer): Promise<void> {
    const parsed = parseClientFrame(data);
    if (!parsed.ok) return this.sendFrame(parsed.error);
    const frame = parsed.frame;
    try {
      await this.dispatch(frame);
    } catch (err) {
      const ids = {
        ...('conversationId' in frame ? { conversationId: frame.conversationId } : {}),
        ...('clientMessageId' in frame ? { clientMessageId: frame.clientMessageId } : {}),
      };
      const answer = toErrorFrame(err, ids);
      if (answer.unexpected)
        this.deps.logger.error({ err, type: frame.type }, 'websocket frame failed');
      this.sendFrame(answer.frame);
    }
  }

  private async dispatch(frame: ClientFrame): Promise<void> {
    if (frame.type === 'ping') return this.sendFrame({ type: 'pong' });
    const user = this.user;
    if (frame.type === 'auth') {
      if (user) throw new AppError('bad_frame', 'already authenticated');
      return this.authenticate(frame.token);
    }
    if (!user) throw new AppError('unauthenticated', 'authenticate first');
    const { chat, hub } = this.deps;
    switch (frame.type) {
      case 'chat.send':
        await this.deps.limits.consumeUser(user.id, RATE_LIMITED);
        return chat.send(user.id, frame, (ack) => this.sendFrame(ack));
      case 'chat.regenerate':
        await this.deps.limits.consumeUser(user.id, RATE_LIMITED);
        return chat.regenerate(user.id, frame.conversationId);
      case 'chat.stop':
        if (chat.stopLocal(user.id, frame.conversationId)) return;
        // Not streaming here: after the ownership check, relay to whichever replica holds it.
        await chat.assertOwner(user.id, frame.conversationId);
        return hub.relayStop(user.id, frame.conversationId);
    }
  }

  private onClose(): void {
    clearTimeout(this.authTimer);
    this.deps.hub.remove(this, this.user?.id);
  }
}
