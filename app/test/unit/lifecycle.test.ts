import assert from 'node:assert/strict';
import { Lifecycle } from '../../src/lifecycle.js';
import { createLogger } from '../../src/logger.js';

describe('lifecycle', () => {
  const logger = createLogger({ level: 'silent' });

  it('runs drain hooks in parallel, then closes resources last-registered first', async () => {
    const events: string[] = [];
    const life = new Lifecycle(logger);
    life.onClose('db', () => void events.push('close db'));
    life.onClose('redis', () => void events.push('close redis'));
    life.onShutdown('a', async () => {
      await new Promise((r) => setTimeout(r, 20));
      events.push('a done');
    });
    life.onShutdown('b', () => void events.push('b done'));
    assert.equal(life.shuttingDown, false);
    const p = life.shutdown(1000);
    assert.equal(life.shuttingDown, true);
    assert.equal(life.shutdown(1000), p, 'idempotent');
    await p;
    assert.deepEqual(events, ['b done', 'a done', 'close redis', 'close db']);
  });

  it('aborts hooks at the grace period and still closes when a hook hangs or throws', async () => {
    const events: string[] = [];
    const life = new Lifecycle(logger);
    life.onShutdown('drain', async (_grace, signal) => {
      await new Promise<void>((r) => signal.addEventListener('abort', () => r()));
      events.push('aborted');
    });
    life.onShutdown('broken', () => {
      throw new Error('boom');
    });
    life.onShutdown('stuck', () => new Promise<void>(() => {}));
    life.onClose('db', () => void events.push('closed'));
    const started = Date.now();
    await life.shutdown(50);
    const took = Date.now() - started;
    assert.deepEqual(events, ['aborted', 'closed']);
    assert.ok(took >= 50 && took < 3000, `took ${took} ms`);
  });
});
