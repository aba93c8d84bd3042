/**
 * SQLite WAL checkpoints off the event loop (issue #11). better-sqlite3 is synchronous, and
 * SQLite's automatic checkpoint runs inside whichever commit takes the WAL past 1,000 pages:
 * under streaming load that froze the event loop for 5–17 ms several times a second, and every
 * token due meanwhile waited (relay benchmark, tokens then stamped when the event loop got to
 * them: p99 added latency 3.9 ms with them, 0.7–1.3 ms with this). Here a worker thread holds
 * a second connection to the file and runs a PASSIVE checkpoint on its own timer: it copies the
 * WAL into the database without waiting for the app's connection or blocking its writes.
 *
 * SQLite starts the WAL over only at a write that finds it wholly copied. Under sustained writes
 * a commit lands during nearly every checkpoint, so the WAL keeps growing until the app
 * connection's own automatic checkpoint, kept as a backstop at BACKSTOP_PAGES, copies the rest
 * and starts it over: 5–40 ms once per 10,000 pages, where it was 5–17 ms every 1,000. A
 * checkpoint in progress can also hold up a read of the app connection (one waited 17 ms), so
 * it runs once a second, not continuously. If the worker dies, SQLite's default comes back.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The app connection's automatic checkpoint while the worker runs (SQLite's default: 1,000). */
export const BACKSTOP_PAGES = 10_000;
const DEFAULT_PAGES = 1_000;

/** The slice of a better-sqlite3 connection this needs. */
export interface WalConnection {
  readonly name: string;
  readonly open: boolean;
  pragma(sql: string): unknown;
  close(): unknown;
}

export interface Checkpoints {
  /** Resolves once the worker has closed its connection and exited. */
  readonly stopped: Promise<void>;
  stop(): void;
}

// CommonJS, evaluated in the worker: no file to resolve at run time, in dist/ or under tsx.
// Errors are rethrown plain: a SqliteError reaches the parent thread without its message.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
// Linux nice values are per thread: at the lowest priority, checkpoints on a CPU the event loop
// also runs on take its idle time, not its turns. (Elsewhere this would renice the process.)
if (process.platform === 'linux') require('node:os').setPriority(19);
const plain = (run) => {
  try {
    return run();
  } catch (err) {
    throw new Error(\`\${err.code ?? 'error'}: \${err.message}\`);
  }
};
const db = plain(() => new Database(workerData.filename, { fileMustExist: true }));
const timer = setInterval(
  () => plain(() => db.pragma('wal_checkpoint(PASSIVE)')),
  workerData.intervalMs,
);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Starts checkpointing `conn`'s database every `intervalMs` from a worker thread, on the
 * worker's own timer (a busy event loop here does not hold it back). Closing `conn` stops the
 * worker, and the close then returns a promise of its exit: knex's pool awaits it, so
 * `db.destroy()` leaves no thread behind (one still opening its connection to a file about to
 * be deleted would fail, and one alive at `process.exit` is killed mid-work).
 */
export function startCheckpoints(conn: WalConnection, intervalMs = 1000): Checkpoints {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      filename: conn.name,
      intervalMs,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
  });
  worker.unref();
  conn.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const stop = () => worker.postMessage('stop');
  const close = conn.close.bind(conn);
  conn.close = () => {
    stop();
    close();
    return stopped;
  };
  worker.once('error', (err) => {
    if (conn.open) conn.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
    process.emitWarning(`SQLite checkpoints are back on the event loop: ${err.message}`);
  });
  return { stopped, stop };
}
