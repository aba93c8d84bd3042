/**
 * Publish/subscribe between backend replicas: Redis when REDIS_URL is set, in-process otherwise.
 */

/** Receives the payload of a message published on a subscribed channel. */
export type MessageHandler = (message: string) => void;

/** A minimal logger (pino-compatible) so this module does not depend on the app's logger. */
export interface PubSubLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface PubSub {
  readonly kind: 'redis' | 'memory';
  /** Publishes to a channel. Rejects at once (never hangs) when the broker is unreachable. */
  publish(channel: string, message: string): Promise<void>;
  /** Adds a handler for a channel; subscriptions survive broker reconnects. */
  subscribe(channel: string, handler: MessageHandler): Promise<void>;
  /** Removes a handler added with `subscribe`. */
  unsubscribe(channel: string, handler: MessageHandler): Promise<void>;
  /**
   * Calls `listener` each time the broker is reachable again after an outage (subscriptions
   * restored, publishing possible): messages published meanwhile were lost. Absent in-process.
   */
  onReconnect?(listener: () => void): void;
  close(): Promise<void>;
}
