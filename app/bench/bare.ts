/**
 * The baseline of benchmark (a): a bare `ws` server that relays the same token source as our
 * provider, in the same frame shape, one frame per token, with nothing else on the path.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { stampedEvents, type TokenPlan } from './common.js';

/** Starts the bare relay; each `start` frame streams `plan.tokens` tokens to that socket. */
export async function startBareRelay(plan: TokenPlan) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    ws.on('message', async (data) => {
      const { conversationId } = JSON.parse(String(data)) as { conversationId: string };
      const messageId = randomUUID();
      const { tokens, paceMs, gate } = plan;
      for await (const event of stampedEvents(tokens, paceMs, undefined, gate)) {
        if (event.type !== 'delta') break;
        ws.send(JSON.stringify({ type: 'delta', conversationId, messageId, text: event.text }));
      }
      ws.send(
        JSON.stringify({
          type: 'message.completed',
          conversationId,
          messageId,
          status: 'complete',
          usage: { promptTokens: 1, completionTokens: tokens },
        }),
      );
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}
