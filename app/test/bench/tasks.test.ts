import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { busiest, readTaskTimes, type TaskTimes } from '../../bench/tasks.js';

const times = (entries: Array<[string, string, number]>): TaskTimes =>
  new Map(entries.map(([key, task, ms]) => [key, { task, ns: ms * 1e6 }]));

describe('bench: the machine’s other tasks', () => {
  it('ranks the time each task used between two readings', () => {
    const before = times([
      ['1/1', 'agent (pid 1)', 100],
      ['1/2', 'agent (pid 1)', 50],
      ['7/7', 'kworker/0:1-events (pid 7)', 10],
      ['9/9', 'node (pid 9)', 0],
      ['5/5', 'idle (pid 5)', 3],
    ]);
    const after = times([
      ['1/1', 'agent (pid 1)', 130],
      ['1/2', 'agent (pid 1)', 60],
      // A kernel worker's name changes with its work: matched by thread, named as it is now.
      ['7/7', 'kworker/0:1-iou_exit (pid 7)', 15],
      ['9/9', 'node (pid 9)', 900],
      ['5/5', 'idle (pid 5)', 3.5],
      // Started meanwhile: all of its time counts.
      ['8/8', 'sh (pid 8)', 20],
    ]);
    assert.deepEqual(busiest(before, after, [9]), [
      { task: 'agent (pid 1)', ms: 40 },
      { task: 'sh (pid 8)', ms: 20 },
      { task: 'kworker/0:1-iou_exit (pid 7)', ms: 5 },
    ]);
    assert.deepEqual(busiest(before, after, [9], 1), [{ task: 'agent (pid 1)', ms: 40 }]);
  });

  it('reads the threads of this machine: a busy process shows with its time', async () => {
    const before = readTaskTimes();
    assert.ok(before, 'no /proc: the benchmark names other tasks on Linux only');
    const busy = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
    try {
      await sleep(400);
      const after = readTaskTimes();
      assert.ok(after);
      const task = `sh (pid ${busy.pid})`;
      const found = busiest(before, after, [process.pid], 10).find((t) => t.task === task);
      assert.ok(
        found,
        `${task} not among ${JSON.stringify(busiest(before, after, [process.pid], 10))}`,
      );
      assert.ok(found.ms >= 200, `${task} used ${found.ms} ms`);
    } finally {
      busy.kill('SIGKILL');
      await once(busy, 'exit');
    }
  });
});
