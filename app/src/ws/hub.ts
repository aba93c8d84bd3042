/**
 * The socket hub: which users have sockets on this replica, and fan-out of frames to all of a
 * user's sockets — here directly, on other replicas through pub/sub (channel `user:<id>`).
 *
 * Envelopes are `<instanceId>|<kind>|<payload>`: a replica drops its own envelopes (it already
 * delivered locally) without parsing them. Kinds: `f` a server frame (JSON), `s` a chat.stop for
 * a conversation streaming on whichever replica holds it.
 */
import { randomUUID } from 'node:crypto';
import type { ServerFrame } from '../protocol/frames.js';
import type { PubSub } from '../pubsub/types.js';

/** A socket as the hub sees it: something to send serialized frames to. */
export interface HubSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface HubLogger {
  warn(obj: object, msg: string): void;
}

export interface HubOptions {
  pubsub: PubSub;
  logger: HubLogger;
  /** The last socket of a user on this replica closed. */
  onUserOffline(userId: string): void;
  /** Another replica relayed a chat.stop. */
  onRemoteStop(userId: string, conversationId: string): void;
}

const channelOf = (userId: string) => `user:${userId}`;

/** Tracks this replica's sockets per user and fans frames out across replicas. */
export class SocketHub {
  readonly instanceId = randomUUID();
  private readonly users = new Map<string, Set<HubSocket>>();
  private readonly handlers = new Map<string, (message: string) => void>();

  constructor(private readonly opts: HubOptions) {}

  /** Sockets open on this replica. */
  get size(): number {
    let n = 0;
    for (const set of this.users.values()) n += set.size;
    return n;
  }

  /** Registers an authenticated socket; the first one of a user subscribes to its channel. */
  add(userId: string, socket: HubSocket): void {
    const set = this.users.get(userId);
    if (set) {
      set.add(socket);
      return;
    }
    this.users.set(userId, new Set([socket]));
    const handler = (message: string) => this.receive(userId, message);
    this.handlers.set(userId, handler);
    // Not awaited: with Redis away the subscription is queued and sent on reconnect.
    this.opts.pubsub.subscribe(channelOf(userId), handler).catch((err: unknown) => {
      this.opts.logger.warn({ err, userId }, 'pub/sub subscribe failed');
    });
  }

  /** Unregisters a socket; the last one of a user unsubscribes and reports the user offline. */
  remove(userId: string, socket: HubSocket): void {
    const set = this.users.get(userId);
    if (!set?.delete(socket) || set.size > 0) return;
    this.users.delete(userId);
    const handler = this.handlers.get(userId);
    this.handlers.delete(userId);
    if (handler) {
      this.opts.pubsub.unsubscribe(channelOf(userId), handler).catch(() => undefined);
    }
    this.opts.onUserOffline(userId);
  }

  /** Sends a frame to all of the user's sockets, here and on the other replicas. */
  fanOut(userId: string, frame: ServerFrame): void {
    const data = JSON.stringify(frame);
    this.deliver(userId, data);
    this.publish(userId, 'f', data);
  }

  /** Relays a chat.stop to the replica streaming the conversation. */
  relayStop(userId: string, conversationId: string): void {
    this.publish(userId, 's', conversationId);
  }

  /** Closes every local socket (shutdown). */
  closeAll(code: number, reason: string): void {
    for (const set of this.users.values()) for (const s of set) s.close(code, reason);
  }

  private deliver(userId: string, data: string): void {
    const set = this.users.get(userId);
    if (set) for (const s of set) s.send(data);
  }

  private publish(userId: string, kind: 'f' | 's', payload: string): void {
    // A lost publish (Redis down) only affects other replicas: local delivery already happened.
    this.opts.pubsub
      .publish(channelOf(userId), `${this.instanceId}|${kind}|${payload}`)
      .catch((err: unknown) => this.opts.logger.warn({ err, userId }, 'pub/sub publish failed'));
  }

  private receive(userId: string, message: string): void {
    if (message.startsWith(this.instanceId)) return;
    const first = message.indexOf('|');
    const kind = message.slice(first + 1, first + 2);
    const payload = message.slice(first + 3);
    if (kind === 'f') this.deliver(userId, payload);
    else if (kind === 's') this.opts.onRemoteStop(userId, payload);
  }
}
