/**
 * Checks an image that the pipeline published, the way a user would meet it: pulled by the
 * host's Docker, run as its own (non-root) user with a read-only root file system, and answering
 * /health. Throws with the container's log when it does not.
 */
import { execFileSync } from 'node:child_process';

const docker = '/usr/bin/docker';

/** Runs docker with `args` and returns its trimmed stdout. */
function run(args: string[]): string {
  return execFileSync(docker, args, { encoding: 'utf8' }).trim();
}

/** Polls `url` until it answers 2xx or `timeoutMs` passes. */
async function waitHealthy(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/**
 * Pulls `ref`, asserts its configured user is not root (by name and by the uid it runs as) and
 * that it runs Node 24 or newer, starts
 * it read-only with SQLite in /tmp and waits for GET /health. Returns a one-line summary.
 */
async function checkPublishedImage(ref: string): Promise<string> {
  run(['pull', '-q', ref]);
  try {
    return await checkPulled(ref);
  } finally {
    // One tag per commit would pile up in the host's Docker; the registry keeps the image.
    run(['rmi', ref]);
  }
}

/** The checks of {@link checkPublishedImage} on the pulled image. */
async function checkPulled(ref: string): Promise<string> {
  const user = run(['image', 'inspect', '-f', '{{.Config.User}}', ref]);
  if (user === '' || user === 'root' || user === '0') {
    throw new Error(`${ref}: configured user is "${user || 'root (unset)'}", expected non-root`);
  }
  const uid = run(['run', '--rm', '--entrypoint', 'id', ref, '-u']);
  if (uid === '0') throw new Error(`${ref}: runs as uid 0`);
  // Node 20 is end-of-life: what we ship runs Node 24 LTS or newer.
  const node = run(['run', '--rm', '--entrypoint', 'node', ref, '--version']);
  if (Number(/^v(\d+)\./.exec(node)?.[1] ?? 0) < 24)
    throw new Error(`${ref}: node ${node}, expected v24+`);

  const name = `aichat-published-check-${process.pid}`;
  const id = run([
    'run',
    '-d',
    '--name',
    name,
    '--read-only',
    '--tmpfs',
    '/tmp',
    '-e',
    'DATABASE_URL=sqlite:/tmp/aichat.sqlite',
    '-p',
    '127.0.0.1::8080',
    ref,
  ]);
  try {
    const port = run(['port', id, '8080/tcp']).split('\n')[0]?.split(':').pop();
    const healthy = await waitHealthy(`http://127.0.0.1:${port}/health`, 60_000);
    if (!healthy) {
      const logs = execFileSync(docker, ['logs', '--tail', '40', id], { encoding: 'utf8' });
      throw new Error(`${ref}: /health did not answer within 60s; log:\n${logs}`);
    }
    return `${ref}: pulled, node ${node}, user ${user} (uid ${uid}), read-only root, /health OK`;
  } finally {
    run(['rm', '-f', id]);
  }
}

// `tsx .ci/engine/published-image.ts <ref>` (.ci/engine/pipeline.sh): check one published image.
const ref = process.argv[2];
if (ref === undefined) throw new Error('usage: published-image.ts <image reference>');
console.log(await checkPublishedImage(ref));
