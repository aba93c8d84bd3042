import assert from 'node:assert/strict';
import { ChatSocket, type SocketUpdate } from '../src/lib/socket/client.js';
import { FakeSocket, ManualTimers, flush } from './fakes.js';

const ready = { type: 'ready', protocol: 1, user: { id: 'u1', username: 'ann' } };

function setup() {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const client = new ChatSocket('ws://test/ws', {
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
    backoff: { baseMs: 100, maxMs: 1000, random: () => 1 },
    heartbeatMs: 1000,
  });
  const seen: SocketUpdate[] = [];
  const abort = new AbortController();
  const done = (async () => {
    for await (const u of client.updates(abort.signal)) seen.push(u);
  })();
  const states = () => seen.filter((u) => u.kind === 'state').map((u) => u.state);
  return { client, sockets, timers, seen, states, abort, done };
}

describe('web ChatSocket', () => {
  it('is open only after the ready frame, then passes frames through in order', async () => {
    const t = setup();
    t.client.start();
    t.sockets[0]!.serverOpen();
    assert.equal(t.client.send({ type: 'ping' }), false, 'no sends before ready');
    t.sockets[0]!.serverSend(ready);
    t.sockets[0]!.serverSend({ type: 'delta', conversationId: 'c', messageId: 'm', text: 'He' });
    t.sockets[0]!.serverSend({ type: 'delta', conversationId: 'c', messageId: 'm', text: 'llo' });
    t.sockets[0]!.serverSend('not json');
    await flush();
    assert.deepEqual(t.states(), ['connecting', 'open']);
    const texts = t.seen.flatMap((u) =>
      u.kind === 'frame' && u.frame.type === 'delta' ? [u.frame.text] : [],
    );
    assert.deepEqual(texts, ['He', 'llo']);
    assert.equal(t.client.send({ type: 'chat.stop', conversationId: 'c' }), true);
    assert.deepEqual(t.sockets[0]!.sent, [{ type: 'chat.stop', conversationId: 'c' }]);
    t.abort.abort();
    await t.done;
  });

  it('reconnects with growing backoff and reports reconnected on the next ready', async () => {
    const t = setup();
    t.client.start();
    t.sockets[0]!.serverOpen();
    t.sockets[0]!.serverSend(ready);
    t.sockets[0]!.serverClose();
    assert.equal(t.client.connectionState, 'reconnecting');
    assert.deepEqual(t.timers.delays(), [100]);
    t.timers.advance(100);
    assert.equal(t.sockets.length, 2);
    t.sockets[1]!.serverClose(); // second attempt fails too: delay doubles
    assert.deepEqual(t.timers.delays(), [200]);
    t.timers.advance(200);
    t.sockets[2]!.serverOpen();
    t.sockets[2]!.serverSend(ready);
    await flush();
    assert.deepEqual(t.states(), [
      'connecting',
      'open',
      'reconnecting',
      'connecting',
      'reconnecting',
      'connecting',
      'open',
    ]);
    const opens = t.seen.filter((u) => u.kind === 'state' && u.state === 'open');
    assert.deepEqual(
      opens.map((u) => (u.kind === 'state' ? u.reconnected : null)),
      [false, true],
    );
    const last = opens.at(-1);
    assert.equal(last?.kind === 'state' && last.attempt, 0, 'attempts reset after success');
    t.abort.abort();
    await t.done;
  });

  it('drops a connection that stays silent for two heartbeats', async () => {
    const t = setup();
    t.client.start();
    t.sockets[0]!.serverOpen();
    t.sockets[0]!.serverSend(ready);
    t.timers.advance(1000);
    assert.deepEqual(t.sockets[0]!.sent, [{ type: 'ping' }]);
    t.sockets[0]!.serverSend({ type: 'pong' });
    t.timers.advance(2000);
    assert.equal(t.client.connectionState, 'open', 'a pong keeps it alive');
    t.timers.advance(1000);
    assert.equal(t.client.connectionState, 'reconnecting');
    assert.equal(t.sockets[0]!.closedWith?.code, 4000);
    await flush();
    assert.ok(!t.seen.some((u) => u.kind === 'frame' && u.frame.type === 'pong'));
    t.abort.abort();
    await t.done;
  });

  it('stops for good on unauthenticated and ends every update stream', async () => {
    const t = setup();
    t.client.start();
    t.sockets[0]!.serverOpen();
    t.sockets[0]!.serverSend({ type: 'error', code: 'unauthenticated', message: 'no session' });
    await t.done; // ends without abort
    assert.equal(t.client.connectionState, 'closed');
    assert.deepEqual(t.timers.delays(), [], 'no reconnect scheduled');
    const last = t.seen.at(-1);
    assert.equal(last?.kind === 'state' && last.reason, 'unauthenticated');
  });

  it('aborting one consumer leaves the others reading', async () => {
    const t = setup();
    const other = new AbortController();
    const got: string[] = [];
    const second = (async () => {
      for await (const u of t.client.updates(other.signal))
        if (u.kind === 'state') got.push(u.state);
    })();
    t.abort.abort();
    await t.done;
    t.client.start();
    await flush();
    assert.deepEqual(got, ['connecting']);
    assert.equal(t.states().length, 0);
    other.abort();
    await second;
  });
});
