/**
 * The one place the browser talks WebSocket: keeps a connection to /ws alive (heartbeat,
 * reconnect with backoff) and turns it into a typed stream of updates that any number of
 * consumers read with `for await (const u of socket.updates(signal))`.
 *
 * Connection state machine:
 *   idle ─start→ connecting ─ready frame→ open ─close/heartbeat miss→ reconnecting ─timer→ connecting
 *   any ─stop() or "unauthenticated"→ closed
 * Only a `ready` frame makes the state `open` (the socket being open is not enough: auth happens
 * after the upgrade). Every `open` after the first carries `reconnected: true` so the UI reloads
 * what it may have missed.
 */
import { AsyncQueue } from './queue.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { ClientFrame, ServerFrame } from '../contract.js';
import { parseServerFrame } from './protocol.js';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export type SocketUpdate =
  | {
      kind: 'state';
      state: ConnectionState;
      /** Failed attempts since the last `open`. */
      attempt: number;
      /** When reconnecting: milliseconds until the next attempt. */
      retryInMs?: number;
      /** When open: true if an earlier connection existed (state may have been missed). */
      reconnected?: boolean;
      /** When closed: why. */
      reason?: string;
    }
  | { kind: 'frame'; frame: ServerFrame };

/** The subset of the DOM WebSocket the client uses (tests pass a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Timers, injectable so tests drive time by hand. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ChatSocketOptions {
  createSocket?: (url: string) => WebSocketLike;
  backoff?: BackoffOptions;
  timers?: Timers;
  /** Ping interval; two silent intervals in a row count as a dead connection. */
  heartbeatMs?: number;
}

const OPEN = 1;

/** A self-healing WebSocket connection to the chat backend. */
export class ChatSocket {
  private ws: WebSocketLike | null = null;
  private state: ConnectionState = 'idle';
  private attempt = 0;
  private everOpened = false;
  private retryTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  private silentBeats = 0;
  private readonly queues = new Set<AsyncQueue<SocketUpdate>>();
  private readonly createSocket: (url: string) => WebSocketLike;
  private readonly timers: Timers;
  private readonly backoff: BackoffOptions;
  private readonly heartbeatMs: number;

  constructor(
    private readonly url: string,
    opts: ChatSocketOptions = {},
  ) {
    this.createSocket = opts.createSocket ?? ((u) => new WebSocket(u) as unknown as WebSocketLike);
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as number),
    };
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.heartbeatMs = opts.heartbeatMs ?? 20000;
  }

  /** Current connection state. */
  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Opens the connection (no-op unless idle). */
  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  /** Closes for good: no more reconnects; every update stream ends. */
  stop(reason = 'stopped'): void {
    if (this.state === 'closed') return;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close(1000, reason);
    }
    this.setState({ state: 'closed', reason });
    for (const q of this.queues) q.end();
  }

  /**
   * Sends a frame if the connection is authenticated and open; returns false otherwise so the
   * caller can keep the frame and resend it after `open` (chat.send is idempotent per clientMessageId).
   */
  send(frame: ClientFrame): boolean {
    if (this.state !== 'open' || !this.ws || this.ws.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** A stream of state changes and server frames until `signal` aborts or the socket stops. */
  updates(signal?: AbortSignal): AsyncGenerator<SocketUpdate, void, undefined> {
    const q = new AsyncQueue<SocketUpdate>();
    if (this.state === 'closed') q.end();
    else this.queues.add(q);
    const gen = q.iterate(signal);
    const queues = this.queues;
    return (async function* () {
      try {
        yield* gen;
      } finally {
        queues.delete(q);
      }
    })();
  }

  private emit(update: SocketUpdate): void {
    for (const q of this.queues) q.push(update);
  }

  private setState(extra: Omit<Extract<SocketUpdate, { kind: 'state' }>, 'kind' | 'attempt'>) {
    this.state = extra.state;
    this.emit({ kind: 'state', attempt: this.attempt, ...extra });
  }

  private connect(): void {
    this.setState({ state: 'connecting' });
    let ws: WebSocketLike;
    try {
      ws = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onmessage = (ev) => {
      if (ws !== this.ws || typeof ev.data !== 'string') return;
      this.silentBeats = 0;
      const frame = parseServerFrame(ev.data);
      if (!frame) return;
      if (frame.type === 'ready') {
        const reconnected = this.everOpened;
        this.everOpened = true;
        this.attempt = 0;
        this.setState({ state: 'open', reconnected });
        this.startHeartbeat();
      } else if (frame.type === 'error' && frame.code === 'unauthenticated') {
        this.emit({ kind: 'frame', frame });
        this.stop('unauthenticated');
        return;
      }
      if (frame.type !== 'pong') this.emit({ kind: 'frame', frame });
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // A close event always follows an error; reconnecting is handled there.
    };
  }

  private scheduleReconnect(): void {
    this.clearTimers();
    this.attempt += 1;
    const retryInMs = backoffDelay(this.attempt, this.backoff);
    this.setState({ state: 'reconnecting', retryInMs });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, retryInMs);
  }

  private startHeartbeat(): void {
    this.silentBeats = 0;
    const beat = () => {
      if (this.state !== 'open' || !this.ws) return;
      this.silentBeats += 1;
      if (this.silentBeats > 2) {
        // No frame (not even a pong) for two intervals: the connection is dead; drop it.
        const ws = this.ws;
        this.ws = null;
        ws.onclose = null;
        ws.close(4000, 'heartbeat timeout');
        this.scheduleReconnect();
        return;
      }
      this.send({ type: 'ping' });
      this.heartbeatTimer = this.timers.setTimeout(beat, this.heartbeatMs);
    };
    this.heartbeatTimer = this.timers.setTimeout(beat, this.heartbeatMs);
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    if (this.heartbeatTimer !== null) this.timers.clearTimeout(this.heartbeatTimer);
    this.retryTimer = null;
    this.heartbeatTimer = null;
  }
}
