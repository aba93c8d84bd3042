import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, migrateLatest } from '../../src/db/index.js';
import { ConversationStore } from '../../src/conversations/store.js';
import { MessageStore } from '../../src/messages/store.js';
import { UserStore } from '../../src/users/store.js';
import { freePort, freePorts } from '../../../test/support/servers.js';
import { createTestDatabase } from '../support/db.js';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts a bin script under tsx with exactly `env` (plus PATH/HOME), never the parent's config. */
function runBin(script: string, env: Record<string, string>): Run {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(APP, 'src/bin', script)], {
    cwd: APP,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function waitFor(url: string, ms = 20000): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('server entry point', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aichat-bin-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 naming each invalid variable', async () => {
    const run = runBin('server.ts', { PORT: 'eighty', DATABASE_URL: 'mysql://db/aichat' });
    const code = await run.exited;
    assert.equal(code, 1, run.output());
    assert.match(run.output(), /Invalid configuration: PORT must be a whole number/);
    assert.match(run.output(), /DATABASE_URL must be a postgres:\/\/ URL or a SQLite file/);
  });

  it('exits 1 with a clear message when Redis is unreachable', async () => {
    const [port, redisPort] = await freePorts(2);
    const run = runBin('server.ts', {
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(dir, 'redis-down.sqlite')}`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    assert.equal(await run.exited, 1, run.output());
    assert.match(run.output(), /cannot connect to Redis at REDIS_URL/);
  });

  it('migrates, recovers interrupted replies, serves, and stops cleanly on SIGTERM', async () => {
    const file = join(dir, 'nested', 'dir', 'aichat.sqlite');
    // A previous run crashed mid-reply: one row is left streaming.
    const db = createDb({ client: 'better-sqlite3', filename: file });
    await migrateLatest(db);
    const user = await new UserStore(db).create('crashy', 'h');
    const conv = await new ConversationStore(db).create(user.id, {
      title: 't',
      model: 'echo',
      systemPrompt: null,
    });
    const messages = new MessageStore(db);
    const orphan = await messages.createAssistantMessage(conv.id);
    await messages.updateContent(orphan.id, 'half');
    await db.destroy();

    const port = await freePort();
    const run = runBin('server.ts', {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${file}`,
      SHUTDOWN_GRACE_MS: '500',
    });
    try {
      const health = await waitFor(`http://127.0.0.1:${port}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      assert.equal(ready.status, 200);
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await run.exited, 0, run.output());
    const lines = run
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; recovered?: number });
    assert.ok(lines.length > 0 && lines.every((l) => typeof l.msg === 'string'), 'pino JSON only');
    assert.equal(lines.find((l) => l.recovered !== undefined)?.recovered, 1);
    assert.ok(lines.some((l) => l.msg === 'stopped'));

    const check = createDb({ client: 'better-sqlite3', filename: file });
    const after = await new MessageStore(check).get(orphan.id);
    await check.destroy();
    assert.equal(after?.status, 'interrupted');
    assert.equal(after?.content, 'half');
  });

  it('`migrate` applies the schema to PostgreSQL and exits 0', async () => {
    const testDb = await createTestDatabase('postgres');
    try {
      const run = runBin('migrate.ts', { DATABASE_URL: testDb.url });
      assert.equal(await run.exited, 0, run.output());
      assert.match(run.output(), /migrations applied/);
      const again = runBin('migrate.ts', { DATABASE_URL: testDb.url });
      assert.equal(await again.exited, 0);
      assert.match(again.output(), /schema up to date/);
    } finally {
      await testDb.cleanup();
    }
  });
});
