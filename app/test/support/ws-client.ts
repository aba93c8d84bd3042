/**
 * A test WebSocket client (the real `ws` package) that records every server frame, checks each
 * against the protocol schema, and lets tests wait for the frames they expect.
 */
import WebSocket from 'ws';
import { ServerFrameSchema, type ServerFrame } from '../../src/protocol/frames.js';

export interface TestClient {
  ws: WebSocket;
  frames: ServerFrame[];
  /** Close code and reason once closed. */
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  /** Resolves with the first frame (from `from` on) matching, or rejects after `ms`. */
  waitFor<T extends ServerFrame['type']>(
    type: T,
    match?: (f: Extract<ServerFrame, { type: T }>) => boolean,
    ms?: number,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  close(): Promise<void>;
}

/** Opens a socket and resolves once it is open (not necessarily authenticated). */
export async function connect(
  url: string,
  options: { headers?: Record<string, string> } = {},
): Promise<TestClient> {
  const ws = new WebSocket(url, { headers: options.headers ?? {} });
  const frames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    // A frame outside the protocol fails the test that receives it.
    frames.push(ServerFrameSchema.parse(JSON.parse(String(data))));
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const w of [...waiters]) w();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => undefined);
  const client: TestClient = {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    waitFor(type, match, ms = 5000) {
      type F = Extract<ServerFrame, { type: typeof type }>;
      const find = () => frames.find((f): f is F => f.type === type && (!match || match(f as F)));
      return new Promise<F>((resolve, reject) => {
        const check = () => {
          const f = find();
          if (f) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(f);
          } else if (ws.readyState === WebSocket.CLOSED) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`socket closed while waiting for ${type}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no ${type} frame within ${ms} ms; got: ${JSON.stringify(frames).slice(-800)}`,
            ),
          );
        }, ms);
        waiters.add(check);
        check();
      });
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      // A paused or dead peer never completes the close handshake: cut it after a second.
      const timer = setTimeout(() => ws.terminate(), 1000);
      await closed;
      clearTimeout(timer);
    },
  };
  return client;
}

/** Connects with a token in the URL and waits for `ready`. */
export async function connectAuthed(baseUrl: string, token: string): Promise<TestClient> {
  const c = await connect(`${baseUrl}/ws?token=${encodeURIComponent(token)}`);
  await c.waitFor('ready');
  return c;
}

/** The text of a reply: the concatenated deltas of one message. */
export function replyText(c: TestClient, messageId: string): string {
  return c.frames
    .filter((f) => f.type === 'delta' && f.messageId === messageId)
    .map((f) => (f as { text: string }).text)
    .join('');
}
