/**
 * Throwaway PostgreSQL and Redis servers for tests.
 *
 * `npm test` uses DATABASE_URL / REDIS_URL when they are set (CI, Dagger services). Otherwise
 * it starts real servers from the binaries on PATH (Debian's postgresql and redis-server
 * packages, which scripts/provision.sh installs before `npm test`) in a temporary directory and
 * stops them afterwards. When neither is possible the run fails with a message naming what to
 * install: integration tests never silently skip.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A server started for the tests: its URL and how to stop it. */
export interface TestServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no port');
  return port;
}

/**
 * Asks the kernel for `count` distinct free TCP ports on loopback. The listeners stay open until
 * all are allocated: asked one after another, the kernel may hand the same port out twice (seen
 * once: etcd and kube-apiserver were both given 33485).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (srv) =>
          new Promise<number>((resolve, reject) => {
            srv.unref();
            srv.on('error', reject);
            srv.listen(0, '127.0.0.1', () => {
              const address = srv.address();
              if (address && typeof address === 'object') resolve(address.port);
              else reject(new Error('no port'));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(
      servers.map(
        (srv) =>
          new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve())),
      ),
    );
  }
}

function findOnPath(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function postgresBinDirs(): string[] {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(base, v, 'bin'));
}

/** Resolves once something accepts TCP connections on the port, or rejects after `ms`. */
export async function waitForPort(port: number, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts a throwaway PostgreSQL cluster (initdb + pg_ctl) on a free loopback port.
 * As root it runs the server as the `postgres` user, since PostgreSQL refuses to run as root.
 */
export async function startPostgres(): Promise<TestServer> {
  const initdb = findOnPath('initdb', postgresBinDirs());
  const pgCtl = findOnPath('pg_ctl', postgresBinDirs());
  if (!initdb || !pgCtl) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/provision.sh ' +
        '(what `npm test` runs first; Debian: apt-get install postgresql) or set DATABASE_URL ' +
        'to a server the tests may use.',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'aichat-pg-'));
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await run(
    ...wrap(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']),
  );
  const opts = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  await run(...wrap(pgCtl, ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', 'start']));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await run(...wrap(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'])).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a throwaway Redis server (no persistence) on a free loopback port, or on `port`. */
export async function startRedis(port?: number): Promise<TestServer> {
  const bin = findOnPath('redis-server');
  if (!bin) {
    throw new Error(
      'redis-server not found: run scripts/provision.sh (what `npm test` runs first; ' +
        'Debian: apt-get install redis-server).',
    );
  }
  const p = port ?? (await freePort());
  const child: ChildProcess = spawn(
    bin,
    [
      '--port',
      String(p),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(p);
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Creates a fresh database on the test PostgreSQL server, so suites do not share tables.
 * Returns its URL and a function that drops it.
 */
export async function createDatabase(
  serverUrl: string,
  name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`,
): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
