/**
 * The socket hub, the one registry of this replica's sockets: every open socket (pinged by the
 * heartbeat, closed at shutdown), indexed by user once authenticated, and fan-out of frames to
 * all of a user's sockets — here directly, on other replicas through pub/sub.
 *
 * Channels: `user:<id>`, which every replica holding sockets of the user subscribes to, and
 * `replica:<instanceId>`, one per replica. Envelopes are `<instanceId>|<kind>|<payload>`. On a
 * user's channel, kinds are `f` a server frame (JSON), `s` a chat.stop for a conversation
 * streaming on whichever replica holds it, and presence (issue #11): `h` "I hold sockets of this
 * user" (sent on subscribe and after a broker reconnect; replicas that hold some too answer
 * `a`), `b` "my last socket of this user closed". A replica drops its own envelopes there (it
 * already delivered locally) without parsing them.
 *
 * Deltas — the bulk of the traffic — go only to the replicas known to hold sockets of the user,
 * each on its replica channel, as `<instanceId>|d|<userId>|<frame JSON>`: a replica then never
 * receives its own deltas back (on the user's channel every token would come back to it, to be
 * read and dropped), and with no other replica holding the user nothing is published at all.
 * Frames that open or close a reply always go on the user's channel, so a socket that joins on
 * another replica mid-reply still gets `message.completed`. A replica learns of another one
 * within a broker round trip of its subscribing; deltas streamed before that are missed there,
 * as they were before it subscribed. A stale entry (a replica that died without `b`) only costs
 * needless publishes, and goes when this replica's last socket of the user closes.
 *
 * Order: a user's publishes, whatever the channel, pass one outbox (see outbox.ts) and one
 * broker connection, and each replica reads all its channels on one connection, so every
 * replica gets a user's frames in the order they were sent. They are pipelined to the broker as
 * they come, unless the broker is behind (PUBLISH_BACKLOG publishes of this replica
 * unanswered); then a user's frames wait for its publishes in flight, and consecutive deltas of
 * a reply leave merged into one message.
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
const replicaChannel = (instanceId: string) => `replica:${instanceId}`;
/** Where the payload starts in an envelope (instance ids are UUIDs: fixed length). */
const KIND_AT = 37;
const PAYLOAD_AT = 39;

/**
 * Unanswered publishes of a replica from which the broker counts as behind. Waiting for the
 * reply to every publish would cost each token a round trip (measured in the relay benchmark:
 * p99 90 ms on a busy machine), while pipelining costs nothing until replies lag this far.
 */
export const PUBLISH_BACKLOG = 1000;

const D = 'd'.charCodeAt(0);
/** Presence payload: "reach my deltas on my replica channel" (replicas before it sent none). */
const REPLICA_CHANNEL = 'r';
const noop = () => undefined;

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
  /**
   * Those of them that announced no replica channel: replicas of the previous version, during a
   * rolling update. While one holds the user, deltas go on the user's channel, where it reads.
   */
  private readonly legacy = new Map<string, Set<string>>();
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
      for (const userId of this.users.keys()) this.publish(userId, 'h', REPLICA_CHANNEL);
    });
    // Subscribed before any announcement of ours (the broker runs one connection's commands in
    // order), so a replica that hears of us can already reach us here.
    opts.pubsub
      .subscribe(replicaChannel(this.instanceId), this.receiveDeltas)
      .catch((err: unknown) => opts.logger.warn({ err }, 'pub/sub subscribe failed'));
  }

  /** Whether another replica holds a socket of the user (as far as this replica knows). */
  hasRemote(userId: string): boolean {
    return this.remote.has(userId);
  }

  /** How many other replicas hold sockets of the user (as far as this replica knows). */
  remoteReplicas(userId: string): number {
    return this.remote.get(userId)?.size ?? 0;
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
        if (this.users.has(userId)) this.publish(userId, 'h', REPLICA_CHANNEL);
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
    this.legacy.delete(userId);
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
   * published only when another replica holds a socket of the user. `data`, when given, is
   * the frame serialized (saves serializing every token here).
   */
  fanOut(userId: string, frame: ServerFrame, data = JSON.stringify(frame)): void {
    if (frame.type !== 'delta') {
      this.deliver(userId, data);
      this.publish(userId, 'f', data);
      return;
    }
    const set = this.users.get(userId);
    if (set) for (const s of set) s.sendDelta(data, frame);
    if (this.remote.has(userId))
      this.outbox(userId).sendDelta(this.deltaEnvelope(userId, data), frame);
  }

  /** Relays a chat.stop to the replica streaming the conversation. */
  relayStop(userId: string, conversationId: string): void {
    this.publish(userId, 's', conversationId);
  }

  /** Shutdown: stops the heartbeat and closes every local socket. */
  closeAll(code: number, reason: string): void {
    clearInterval(this.heartbeat);
    for (const s of this.sockets) s.close(code, reason);
    this.opts.pubsub
      .unsubscribe(replicaChannel(this.instanceId), this.receiveDeltas)
      .catch(() => undefined);
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

  private deltaEnvelope(userId: string, data: string): string {
    return `${this.instanceId}|d|${userId}|${data}`;
  }

  /**
   * Publishes one of the user's envelopes: a delta to the replica channel of every other
   * replica holding the user (calling `done` once all are answered), anything else on the
   * user's channel.
   */
  private send(userId: string, message: string, done: () => void): void {
    if (message.charCodeAt(KIND_AT) !== D) return this.publishTo(channelOf(userId), message, done);
    const targets = this.remote.get(userId);
    if (!targets) return done();
    if (this.legacy.has(userId)) {
      // The previous version's envelope, `<instanceId>|d|<frame JSON>`, on the user's channel:
      // every replica of either version reads deltas there, once.
      const frame = message.slice(message.indexOf('|', PAYLOAD_AT) + 1);
      return this.publishTo(channelOf(userId), this.envelope('d', frame), done);
    }
    let left = targets.size;
    const each = () => {
      if (--left === 0) done();
    };
    for (const instance of targets) this.publishTo(replicaChannel(instance), message, each);
  }

  private publishTo(channel: string, message: string, done: () => void): void {
    this.unanswered++;
    this.opts.pubsub.publish(channel, message).then(
      () => {
        this.unanswered--;
        done();
      },
      (err: unknown) => {
        // A lost publish (Redis down) only affects other replicas: local delivery happened.
        this.opts.logger.warn({ err, channel }, 'pub/sub publish failed');
        this.unanswered--;
        done();
      },
    );
  }

  /** The user's publish outbox, kept for as long as a publish of the user is in flight. */
  private outbox(userId: string): Outbox {
    let box = this.outgoing.get(userId);
    if (box) return box;
    box = new Outbox(
      (message, done) => this.send(userId, message, done ?? noop),
      (frame) => this.deltaEnvelope(userId, JSON.stringify(frame)),
      this.brokerBehind,
      () => this.outgoing.delete(userId),
    );
    this.outgoing.set(userId, box);
    return box;
  }

  /** A message on a user's channel. */
  private receive(userId: string, message: string): void {
    if (message.startsWith(this.instanceId)) return;
    const kind = message.charAt(KIND_AT);
    const payload = message.slice(PAYLOAD_AT);
    if (kind === 'f') this.deliver(userId, payload);
    else if (kind === 's') this.opts.onRemoteStop(userId, payload);
    else if (kind === 'd') {
      // A replica of the previous version (rolling update) still publishes deltas here.
      const set = this.users.get(userId);
      if (set) for (const s of set) s.sendDelta(payload);
    } else if (this.users.has(userId)) {
      this.presence(userId, message.slice(0, KIND_AT - 1), kind, payload);
    }
  }

  /** A message on this replica's channel: another replica's delta for a user it knows is here. */
  private readonly receiveDeltas = (message: string): void => {
    const bar = message.indexOf('|', PAYLOAD_AT);
    if (message.charCodeAt(KIND_AT) !== D || bar < 0) return;
    const set = this.users.get(message.slice(PAYLOAD_AT, bar));
    if (!set) return;
    const payload = message.slice(bar + 1);
    for (const s of set) s.sendDelta(payload);
  };

  /** Records another replica's presence announcement (only for users with sockets here). */
  private presence(userId: string, instance: string, kind: string, payload: string): void {
    if (kind === 'b') {
      forget(this.remote, userId, instance);
      forget(this.legacy, userId, instance);
      return;
    }
    remember(this.remote, userId, instance);
    if (payload === REPLICA_CHANNEL) forget(this.legacy, userId, instance);
    else remember(this.legacy, userId, instance);
    if (kind === 'h') this.publish(userId, 'a', REPLICA_CHANNEL);
  }
}

function remember(map: Map<string, Set<string>>, userId: string, instance: string): void {
  const set = map.get(userId);
  if (set) set.add(instance);
  else map.set(userId, new Set([instance]));
}

function forget(map: Map<string, Set<string>>, userId: string, instance: string): void {
  const set = map.get(userId);
  if (set?.delete(instance) && set.size === 0) map.delete(userId);
}
