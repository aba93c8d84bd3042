import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { probeStalls, quiet, QUIET_LOST_PERCENT, type Stalls } from '../../bench/stalls.js';

describe('bench: the machine’s stalls', () => {
  it('sees the time its CPU was taken away, and calls the machine not quiet', async () => {
    // Another process stops this one for 200 ms, 300 ms into a 2.5 s probe (time to spare for a
    // busy machine to start it).
    const pause = spawn(
      'sh',
      ['-c', `sleep 0.3; kill -STOP ${process.pid}; sleep 0.2; kill -CONT ${process.pid}`],
      { stdio: 'ignore' },
    );
    const probe = probeStalls(2500);
    const [code] = (await once(pause, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.ok(probe.probedMs >= 2500, `probed ${probe.probedMs} ms`);
    assert.ok(probe.count >= 1, `${probe.count} stalls`);
    assert.ok(probe.longestMs >= 190, `longest ${probe.longestMs} ms`);
    // 200 of 2,500 ms, plus whatever this machine took besides.
    assert.ok(probe.lostPercent >= 7.9, `${probe.lostPercent}% lost`);
    assert.equal(quiet([probe]), false);
  });

  it('calls a machine quiet when each probe lost under the threshold', () => {
    const probe = (lostPercent: number): Stalls => ({
      probedMs: 2000,
      lostPercent,
      count: lostPercent > 0 ? 1 : 0,
      longestMs: lostPercent * 20,
    });
    assert.equal(quiet([probe(0), probe(QUIET_LOST_PERCENT / 2)]), true);
    assert.equal(quiet([probe(0), probe(QUIET_LOST_PERCENT)]), false);
  });
});
