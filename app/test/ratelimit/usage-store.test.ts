/**
 * Batched token usage (issue #11): the additions of one event-loop turn go in one statement,
 * summed per user and day, and one bad counter fails only its own callers.
 */
import assert from 'node:assert/strict';
import { TokenUsageStore } from '../../src/ratelimit/usage-store.js';
import { UserStore } from '../../src/users/store.js';
import { forEachDatabase } from '../support/db.js';

forEachDatabase('token usage store: batched additions', (ctx) => {
  it('sums the additions of one turn per user and day, in one statement', async () => {
    const users = new UserStore(ctx.db);
    const alice = (await users.create(`ua${Date.now()}`, 'h')).id;
    const bob = (await users.create(`ub${Date.now()}`, 'h')).id;
    const usage = new TokenUsageStore(ctx.db);
    const statements: string[] = [];
    const count = (q: { sql: string }) => {
      if (/token_usage_daily/i.test(q.sql) && /insert/i.test(q.sql)) statements.push(q.sql);
    };
    ctx.db.on('query', count);
    try {
      await Promise.all([
        usage.add(alice, '2026-01-01', 10),
        usage.add(alice, '2026-01-01', 32),
        usage.add(alice, '2026-01-02', 5),
        usage.add(bob, '2026-01-01', 7),
        usage.add(bob, '2026-01-01', 0),
      ]);
    } finally {
      ctx.db.off('query', count);
    }
    assert.equal(statements.length, 1, 'one upsert for the whole turn');
    assert.equal(await usage.get(alice, '2026-01-01'), 42);
    assert.equal(await usage.get(alice, '2026-01-02'), 5);
    assert.equal(await usage.get(bob, '2026-01-01'), 7);
    // A later turn adds to the stored counters.
    await usage.add(alice, '2026-01-01', 1);
    assert.equal(await usage.get(alice, '2026-01-01'), 43);
  });

  it('a counter the database refuses fails alone; the others are stored', async () => {
    const alice = (await new UserStore(ctx.db).create(`uc${Date.now()}`, 'h')).id;
    const usage = new TokenUsageStore(ctx.db);
    const [good, bad, again] = await Promise.allSettled([
      usage.add(alice, '2026-02-01', 3),
      // No such user: the foreign key refuses the row.
      usage.add('no-such-user', '2026-02-01', 4),
      usage.add(alice, '2026-02-01', 2),
    ]);
    assert.equal(good?.status, 'fulfilled');
    assert.equal(again?.status, 'fulfilled');
    assert.equal(bad?.status, 'rejected');
    assert.equal(await usage.get(alice, '2026-02-01'), 5);
    assert.equal(await usage.get('no-such-user', '2026-02-01'), 0);
  });
});
