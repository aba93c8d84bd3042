import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { probeStalls, quiet, QUIET_LOST_PERCENT, type Stalls } from '../../bench/stalls.js';

/** Has another process stop this one for `ms`, `afterS` seconds from now. */
function pauseMe(afterS: number, ms: number) {
  const pid = process.pid;
  const sh = spawn(
    'sh',
    ['-c', `sleep ${afterS}; kill -STOP ${pid}; sleep ${ms / 1000}; kill -CONT ${pid}`],
    {
      stdio: 'ignore',
    },
  );
  return async () => {
    const [code] = (await once(sh, 'exit')) as [number | null];
    assert.equal(code, 0, 'the pause did not happen');
  };
}

describe('bench: the machine’s stalls', () => {
  it('sees the time its CPU was taken away, and calls the machine not quiet', async () => {
    // Stopped for 200 ms, 1 s into the probe: after its 500 ms warm-up, with time to spare for a
    // busy machine to start the shell.
    const paused = pauseMe(1, 200);
    const probe = probeStalls(2500, 500);
    await paused();
    assert.ok(probe.probedMs >= 2500, `probed ${probe.probedMs} ms`);
    assert.ok(probe.count >= 1, `${probe.count} stalls`);
    assert.ok(probe.longestMs >= 190, `longest ${probe.longestMs} ms`);
    // 200 of 2,500 ms, plus whatever this machine took besides.
    assert.ok(probe.lostPercent >= 7.9, `${probe.lostPercent}% lost`);
    assert.equal(quiet([probe]), false);
  });

  it('leaves its warm-up out: a stall then is not counted', async () => {
    // Stopped for 200 ms, 0.2 s into a 1.5 s warm-up; then 1 s measured.
    const paused = pauseMe(0.2, 200);
    const probe = probeStalls(1000, 1500);
    await paused();
    assert.ok(probe.probedMs >= 1000, `probed ${probe.probedMs} ms`);
    assert.ok(probe.longestMs < 190, `longest ${probe.longestMs} ms: the warm-up's stall counted`);
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
