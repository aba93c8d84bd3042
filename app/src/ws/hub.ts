/**
 * The socket hub, the one registry of this replica's sockets: every open socket (pinged by the
 * heartbeat, closed at shutdown), indexed by user once authenticated, and fan-out of frames to
 * all of a user's sockets — here directly, on other replicas through pub/sub (channel `user:<id>`).
 *
 * Envelopes are `<instanceId>|<kind>|<payload>`: a replica drops its own envelopes (it already
 * delivered locally) without parsing them. Kinds: `f` a server frame (JSON), `s` a chat.stop for
 * a conversation streaming on whichever replica holds it, and presence (issue #11): `h` "I hold
 * sockets of this user" (sent on subscribe and after a broker reconnect; replicas that hold some
 * too answer `a`), `b` "my last socket of this user closed".
 *
 * Deltas travel with kind `d` (the frame's JSON, like `f`), so a receiving replica can merge them
 * for a socket that is behind. Publishes of one user pass an outbox (see outbox.ts): they are
 * pipelined to the broker as they come, unless the broker is behind (PUBLISH_BACKLOG publishes
 * of this replica unanswered); then a user's frames wait for its publishes in flight, and
 * consecutive deltas of a reply leave merged into one message.
 *
 * Presence lets a replica skip publishing deltas — the bulk of the traffic — for a user no other
 * replica serves. Frames that open or close a reply are always published, so a socket that joins
 * on another replica mid-reply still gets `message.completed`. A replica learns of another one
 * within a broker round trip of its subscribing; deltas streamed before that are missed there, as
 * they were before it subscribed. A stale entry (a replica that died without `b`) only costs
 * needless publishes, and goes when this replica's last socket of the user closes.
 */
import { randomUUID } from 'node:crypto';
import type { DeltaFrame, ServerFrame } from '../protocol/frames.js';
import type { PubSub } from '../pubsub/types.js';
import { Outbox } from './outbox.js';

/** A socket as the hub sees it: something to send serialized frames to. */
export interface HubSocket {
  send(data: string): void;
  /** Sends a delta (`data` is `frame` serialized; without `frame`, parsed when needed). */
  sendDelta(data: string, frame?: DeltaFrame): void;
  close(code: number, reason: string): void;
  /** Heartbeat tick: drop the socket if it missed the previous ping, else ping it. */
  heartbeat(): void;
}

export interface HubLogger {
  warn(obj: object, msg: string): void;
}

export interface HubOptions {
  pubsub: PubSub;
  logger: HubLogger;
  heartbeatMs: number;
  /** The last socket of a user on this replica closed. */
  onUserOffline(userId: string): void;
  /** Another replica relayed a chat.stop. */
  onRemoteStop(userId: string, conversationId: string): void;
}

const channelOf = (userId: string) => `user:${userId}`;

/**
 * Unanswered publishes of a replica from which the broker counts as behind. Waiting for the
 * reply to every publish would cost each token a round trip (measured in the relay benchmark:
 * p99 90 ms on a busy machine), while pipelining costs nothing until replies lag this far.
 */
export const PUBLISH_BACKLOG = 1000;

/** Tracks this replica's sockets per user and fans frames out across replicas. */
export class SocketHub {
  readonly instanceId = randomUUID();
  /** Every open socket of this replica, authenticated or not. */
  private readonly sockets = new Set<HubSocket>();
  /** The authenticated ones, by user. */
  private readonly users = new Map<string, Set<HubSocket>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly handlers = new Map<string, (message: string) => void>();
  /** Other replicas holding sockets of a user, for users with sockets here. */
  private readonly remote = new Map<string, Set<string>>();
  /** Per user, the publish outbox; present while a publish of the user is unanswered. */
  private readonly outgoing = new Map<string, Outbox>();
  private unanswered = 0;
  private readonly brokerBehind = () => this.unanswered >= PUBLISH_BACKLOG;

  constructor(private readonly opts: HubOptions) {
    this.heartbeat = setInterval(() => {
      for (const s of this.sockets) s.heartbeat();
    }, opts.heartbeatMs);
    this.heartbeat.unref();
    // After a broker outage, announce again: announcements sent while it was away are lost.
    opts.pubsub.onReconnect?.(() => {
      for (const userId of this.users.keys()) this.publish(userId, 'h', '');
    });
  }

  /** Whether another replica holds a socket of the user (as far as this replica knows). */
  hasRemote(userId: string): boolean {
    return this.remote.has(userId);
  }

  /** Sockets open on this replica. */
  get size(): number {
    return this.sockets.size;
  }

  /** Registers an open socket: it gets heartbeats and the shutdown close. */
  open(socket: HubSocket): void {
    this.sockets.add(socket);
  }

  /** Indexes an authenticated socket by user; the first one of a user subscribes to its channel. */
  add(userId: string, socket: HubSocket): void {
    const set = this.users.get(userId);
    if (set) {
      set.add(socket);
      return;
    }
    this.users.set(userId, new Set([socket]));
    const handler = (message: string) => this.receive(userId, message);
    this.handlers.set(userId, handler);
    // Not awaited: with Redis away the subscription is queued and sent on reconnect (and the
    // announcement then goes out from onReconnect). Announced once subscribed, so answers reach us.
    this.opts.pubsub.subscribe(channelOf(userId), handler).then(
      () => {
        if (this.users.has(userId)) this.publish(userId, 'h', '');
      },
      (err: unknown) => this.opts.logger.warn({ err, userId }, 'pub/sub subscribe failed'),
    );
  }

  /** Forgets a closed socket; a user's last one unsubscribes and reports the user offline. */
  remove(socket: HubSocket, userId: string | undefined): void {
    this.sockets.delete(socket);
    if (userId === undefined) return;
    const set = this.users.get(userId);
    if (!set?.delete(socket) || set.size > 0) return;
    this.users.delete(userId);
    this.remote.delete(userId);
    const handler = this.handlers.get(userId);
    this.handlers.delete(userId);
    if (handler) {
      this.publish(userId, 'b', '');
      this.opts.pubsub.unsubscribe(channelOf(userId), handler).catch(() => undefined);
    }
    this.opts.onUserOffline(userId);
  }

  /**
   * Sends a frame to all of the user's sockets, here and on the other replicas. Deltas are
   * published only when another replica holds a socket of the user.
   */
  fanOut(userId: string, frame: ServerFrame): void {
    const data = JSON.stringify(frame);
    if (frame.type !== 'delta') {
      this.deliver(userId, data);
      this.publish(userId, 'f', data);
      return;
    }
    const set = this.users.get(userId);
    if (set) for (const s of set) s.sendDelta(data, frame);
    if (this.remote.has(userId)) this.outbox(userId).sendDelta(this.envelope('d', data), frame);
  }

  /** Relays a chat.stop to the replica streaming the conversation. */
  relayStop(userId: string, conversationId: string): void {
    this.publish(userId, 's', conversationId);
  }

  /** Shutdown: stops the heartbeat and closes every local socket. */
  closeAll(code: number, reason: string): void {
    clearInterval(this.heartbeat);
    for (const s of this.sockets) s.close(code, reason);
  }

  private deliver(userId: string, data: string): void {
    const set = this.users.get(userId);
    if (set) for (const s of set) s.send(data);
  }

  private publish(userId: string, kind: 'f' | 's' | 'h' | 'a' | 'b', payload: string): void {
    this.outbox(userId).send(this.envelope(kind, payload));
  }

  private envelope(kind: string, payload: string): string {
    return `${this.instanceId}|${kind}|${payload}`;
  }

  /** The user's publish outbox, kept for as long as a publish of the user is in flight. */
  private outbox(userId: string): Outbox {
    let box = this.outgoing.get(userId);
    if (box) return box;
    const answered = (done: (() => void) | undefined) => {
      this.unanswered--;
      done?.();
    };
    box = new Outbox(
      (message, done) => {
        this.unanswered++;
        this.opts.pubsub.publish(channelOf(userId), message).then(
          () => answered(done),
          (err: unknown) => {
            // A lost publish (Redis down) only affects other replicas: local delivery happened.
            this.opts.logger.warn({ err, userId }, 'pub/sub publish failed');
            answered(done);
          },
        );
      },
      (frame) => this.envelope('d', JSON.stringify(frame)),
      this.brokerBehind,
      () => this.outgoing.delete(userId),
    );
    this.outgoing.set(userId, box);
    return box;
  }

  private receive(userId: string, message: string): void {
    if (message.startsWith(this.instanceId)) return;
    const first = message.indexOf('|');
    const kind = message.slice(first + 1, first + 2);
    const payload = message.slice(first + 3);
    if (kind === 'f') this.deliver(userId, payload);
    else if (kind === 'd') {
      const set = this.users.get(userId);
      if (set) for (const s of set) s.sendDelta(payload);
    } else if (kind === 's') this.opts.onRemoteStop(userId, payload);
    else if (this.users.has(userId)) this.presence(userId, message.slice(0, first), kind);
  }

  /** Records another replica's presence announcement (only for users with sockets here). */
  private presence(userId: string, instance: string, kind: string): void {
    const set = this.remote.get(userId);
    if (kind === 'b') {
      if (set?.delete(instance) && set.size === 0) this.remote.delete(userId);
      return;
    }
    if (set) set.add(instance);
    else this.remote.set(userId, new Set([instance]));
    if (kind === 'h') this.publish(userId, 'a', '');
  }
}
