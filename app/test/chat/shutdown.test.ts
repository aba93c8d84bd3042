import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '../../src/db/index.js';
import { freePort } from '../../../test/support/servers.js';
import { createTestDatabase, type TestDb } from '../support/db.js';
import { connectAuthed, replyText } from '../support/ws-client.js';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const STREAMS = 20;
const words = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`).join(' ');

describe('SIGTERM during 20 live streams (real server process) [postgres]', function () {
  this.timeout(90000);
  let testDb: TestDb;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(() => testDb?.cleanup());

  it('finishes what fits in the grace period, saves the rest interrupted, loses none, exits 0', async () => {
    const port = await freePort();
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', join(APP, 'src/bin/server.ts')], {
      cwd: APP,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: testDb.url,
        ECHO_TOKEN_DELAY_MS: '25',
        SHUTDOWN_GRACE_MS: '1500',
        LOG_LEVEL: 'info',
        WEB_DIST_DIR: '/nonexistent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30000;
      for (;;) {
        const ok = await fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`server did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const reg = await fetch(`${base}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'sigterm', password: 'password123' }),
      });
      assert.equal(reg.status, 201);
      const { token } = (await reg.json()) as { token: string };
      const convs: string[] = [];
      for (let i = 0; i < STREAMS; i++) {
        const res = await fetch(`${base}/api/conversations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ title: `c${i}`, model: 'echo' }),
        });
        assert.equal(res.status, 201);
        convs.push(((await res.json()) as { id: string }).id);
      }
      const ws = `ws://127.0.0.1:${port}`;
      // Even streams are short (done within the grace period), odd ones long (~10 s).
      const content = (i: number) => (i % 2 === 0 ? words(8, `s${i}_`) : words(400, `l${i}_`));
      const clients = await Promise.all([connectAuthed(ws, token), connectAuthed(ws, token)]);
      const [c] = clients;
      convs.forEach((conversationId, i) =>
        c.send({
          type: 'chat.send',
          conversationId,
          content: content(i),
          clientMessageId: `m${i}`,
        }),
      );
      for (const conversationId of convs) {
        await c.waitFor('delta', (f) => f.conversationId === conversationId, 10000);
      }
      child.kill('SIGTERM');
      // Every stream ends with message.completed on the live sockets before they close (1001).
      for (const conversationId of convs) {
        await c.waitFor('message.completed', (f) => f.conversationId === conversationId, 10000);
      }
      assert.equal((await c.closed).code, 1001);
      assert.equal(await exited, 0, output);

      const db = createDb(testDb.target);
      try {
        const rows = await db('messages')
          .where({ role: 'assistant' })
          .select('conversation_id', 'status', 'content', 'id');
        assert.equal(rows.length, STREAMS, 'one reply row per stream');
        assert.deepEqual(
          rows.filter((r: { status: string }) => r.status === 'streaming'),
          [],
        );
        for (const [i, conversationId] of convs.entries()) {
          const row = rows.find(
            (r: { conversation_id: string }) => r.conversation_id === conversationId,
          );
          const full = `Echo: ${content(i)}`;
          if (i % 2 === 0) {
            assert.equal(
              row.status,
              'complete',
              `short stream ${i} finished within the grace period`,
            );
            assert.equal(row.content, full);
          } else {
            assert.equal(row.status, 'interrupted', `long stream ${i}`);
            assert.ok(
              row.content.length > 6 && full.startsWith(row.content),
              `stream ${i} kept its partial content`,
            );
            // What the client saw is exactly what was saved.
            assert.equal(replyText(c, row.id), row.content);
          }
        }
        assert.equal(
          await db('messages')
            .where({ role: 'user' })
            .count({ n: '*' })
            .first()
            .then((r) => Number(r?.n)),
          STREAMS,
        );
      } finally {
        await db.destroy();
      }
      await Promise.all(clients.map((x) => x.close()));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
