import assert from 'node:assert/strict';
import { startSessionSweep } from '../../src/auth/session-sweep.js';
import { SessionStore } from '../../src/auth/session-store.js';
import { createLogger } from '../../src/logger.js';
import { UserStore } from '../../src/users/store.js';
import { forEachDatabase } from '../support/db.js';

forEachDatabase('session sweep', (ctx) => {
  it('removes expired sessions periodically and keeps live ones', async () => {
    const sessions = new SessionStore(ctx.db);
    const user = await new UserStore(ctx.db).create('sweeper', 'h');
    await sessions.create(user.id, 'e'.repeat(64), new Date(Date.now() - 1000));
    await sessions.create(user.id, 'l'.repeat(64), new Date(Date.now() + 60_000));
    const stop = startSessionSweep(sessions, 20, createLogger({ level: 'silent' }));
    try {
      const deadline = Date.now() + 5000;
      while ((await sessions.findByTokenHash('e'.repeat(64))) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      stop();
    }
    assert.equal(await sessions.findByTokenHash('e'.repeat(64)), undefined);
    assert.ok(await sessions.findByTokenHash('l'.repeat(64)));
  });
});
