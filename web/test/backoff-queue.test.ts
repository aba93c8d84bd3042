import assert from 'node:assert/strict';
import { backoffDelay } from '../src/lib/socket/backoff.js';
import { AsyncQueue } from '../src/lib/socket/queue.js';

describe('web backoff', () => {
  it('doubles per attempt within [half, full] of the ceiling and caps', () => {
    const lo = { baseMs: 500, maxMs: 4000, random: () => 0 };
    const hi = { ...lo, random: () => 0.999999 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((a) => backoffDelay(a, lo)),
      [250, 500, 1000, 2000, 2000],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((a) => backoffDelay(a, hi)),
      [500, 1000, 2000, 4000, 4000],
    );
  });
});

describe('web AsyncQueue', () => {
  it('yields pushed values in order and ends on abort while waiting', async () => {
    const q = new AsyncQueue<number>();
    const abort = new AbortController();
    const got: number[] = [];
    const reading = (async () => {
      for await (const v of q.iterate(abort.signal)) got.push(v);
    })();
    q.push(1);
    q.push(2);
    await new Promise((r) => setImmediate(r));
    abort.abort();
    await reading;
    q.push(3);
    assert.deepEqual(got, [1, 2]);
  });
});
