import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartGate } from '../../bench/gate.js';

describe('bench: the start gate', () => {
  it('holds every stream until the last arrives, then settles, prepares the run and opens', async () => {
    const gate = new StartGate();
    const events: string[] = [];
    gate.settle = async () => {
      events.push('settle');
      await sleep(20);
    };
    gate.arm(3, async () => {
      events.push('opening');
      await sleep(20);
      events.push(`opened yet: ${gate.openedAt !== 0}`);
    });
    const released = [0, 1, 2].map((i) =>
      (i < 2 ? gate.arrive() : sleep(30).then(() => gate.arrive())).then(() =>
        events.push(`s${i}`),
      ),
    );
    await sleep(10);
    assert.deepEqual(events, [], 'a stream went before the last one arrived');
    await Promise.all(released);
    assert.deepEqual(events, ['settle', 'opening', 'opened yet: false', 's0', 's1', 's2']);
    assert.ok(gate.openedAt > 0);
  });

  it('opens at once when not armed', async () => {
    const gate = new StartGate();
    await gate.arrive();
    assert.equal(gate.openedAt, 0);
  });
});
