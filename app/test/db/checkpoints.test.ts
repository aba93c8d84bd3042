import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { BACKSTOP_PAGES, startCheckpoints, type WalConnection } from '../../src/db/checkpoints.js';
import { createDb } from '../../src/db/index.js';

const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;

/**
 * Whether every frame of the WAL is in the database file, read from the wal-index without a
 * connection (https://sqlite.org/walformat.html: mxFrame at byte 16, nBackfill at 96, native
 * byte order).
 */
function backfilled(file: string): boolean {
  const shm = readFileSync(`${file}-shm`);
  const mxFrame = shm.readUInt32LE(16);
  return mxFrame > 0 && shm.readUInt32LE(96) === mxFrame;
}

describe('SQLite checkpoints in a worker thread', () => {
  let dir: string;
  let file: string;
  let conn: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aichat-wal-'));
    file = join(dir, 'db.sqlite');
    conn = new Database(file);
    conn.pragma('journal_mode = WAL');
    conn.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)');
  });
  afterEach(() => {
    if (conn.open) conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // ~4 MiB of pages: 1,000 rows of 4 KiB, one transaction.
  const insert = (from: number) =>
    conn.transaction(() => {
      const row = conn.prepare('INSERT INTO t (id, body) VALUES (?, ?)');
      for (let i = from; i < from + 1000; i++) row.run(i, Buffer.alloc(4096, i % 251));
    })();

  it('copies the WAL into the database so the app connection’s next write starts it over', async () => {
    const checkpoints = startCheckpoints(conn, 20);
    assert.equal(conn.pragma('wal_autocheckpoint', { simple: true }), BACKSTOP_PAGES);
    insert(0);
    const written = size(`${file}-wal`);
    assert.ok(written > 4_000_000, `WAL after the first write: ${written} bytes`);
    // The app's connection never checkpoints below the backstop: only the worker copies.
    const deadline = Date.now() + 10_000;
    while (!backfilled(file) && Date.now() < deadline) await sleep(10);
    assert.ok(backfilled(file), 'the worker checkpointed the WAL');
    assert.ok(size(file) >= 4_000_000, `database file: ${size(file)} bytes`);
    insert(1000);
    // Started over: as large as one write, not two.
    assert.ok(size(`${file}-wal`) <= written, `WAL after the second write: ${size(`${file}-wal`)}`);
    assert.deepEqual(conn.prepare('SELECT count(*) AS n FROM t').get(), { n: 2000 });
    checkpoints.stop();
    await checkpoints.stopped;
  });

  it('renices only its own thread (Linux), never the process the event loop runs in', async () => {
    if (process.platform !== 'linux') {
      // Elsewhere nice values are per process: the worker must leave them alone.
      const checkpoints = startCheckpoints(conn, 20);
      await sleep(200);
      assert.equal(getPriority(), 0);
      checkpoints.stop();
      return checkpoints.stopped;
    }
    const nice = () =>
      readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        // Field 19 (nice), counted after the parenthesised command name.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
    const before = nice().filter((n) => n === 19).length;
    const checkpoints = startCheckpoints(conn, 20);
    const deadline = Date.now() + 10_000;
    while (nice().filter((n) => n === 19).length === before && Date.now() < deadline) {
      await sleep(10);
    }
    assert.equal(nice().filter((n) => n === 19).length, before + 1, 'one thread reniced');
    assert.equal(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ')[16], '0');
    checkpoints.stop();
    await checkpoints.stopped;
  });

  it('stops with the app connection, whose close resolves once the worker has exited', async () => {
    const checkpoints = startCheckpoints(conn, 20);
    let exited = false;
    void checkpoints.stopped.then(() => (exited = true));
    // knex's pool awaits what close returns: db.destroy() then leaves no thread behind.
    await conn.close();
    assert.equal(conn.open, false);
    assert.equal(exited, true, 'the worker exited before the close resolved');
  });

  it('is gone once the knex handle is destroyed: deleting the file then goes unnoticed', async () => {
    const db = createDb({ client: 'better-sqlite3', filename: join(dir, 'knex.sqlite') });
    await db.raw('select 1'); // the pool's connection, and its worker starting
    await db.destroy();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      // A worker still starting would now fail to open the file, within its start-up time.
      rmSync(dir, { recursive: true, force: true });
      await sleep(500);
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.map((w) => w.message),
      [],
    );
  });

  it('gives the checkpoints back to the app connection when the worker fails', async () => {
    const pragmas: string[] = [];
    const broken: WalConnection = {
      name: join(dir, 'missing.sqlite'),
      open: true,
      pragma: (sql) => pragmas.push(sql),
      close: () => undefined,
    };
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    const checkpoints = startCheckpoints(broken, 20);
    const warning = await warned;
    assert.match(
      warning.message,
      /checkpoints are back on the event loop: SQLITE_CANTOPEN: unable to open/,
    );
    await checkpoints.stopped;
    assert.deepEqual(pragmas, [
      `wal_autocheckpoint = ${BACKSTOP_PAGES}`,
      'wal_autocheckpoint = 1000',
    ]);
  });
});
