/**
 * Smoke test of the offline engine: through the TypeScript SDK, runs `echo hello` in a container
 * from the local Debian image served by the local registry. Run inside a session:
 * `dagger-run npx tsx .ci/engine/smoke.ts` (.ci/dagger-engine.sh smoke does this).
 */
import { connection, dag } from '@dagger.io/dagger';

const image = process.env.AICHAT_SMOKE_IMAGE ?? 'localhost:5000/aichat/debian:bookworm';

await connection(async () => {
  const started = Date.now();
  // A fresh nonce each run, so the engine really executes the command instead of a cached result.
  const nonce = `${process.pid}-${started}`;
  const out = await dag
    .container()
    .from(image)
    .withEnvVariable('NONCE', nonce)
    .withExec(['sh', '-c', 'echo "hello from $(. /etc/os-release && echo $PRETTY_NAME) $NONCE"'])
    .stdout();
  const expected = `hello from Debian GNU/Linux 12 (bookworm) ${nonce}`;
  if (out.trim() !== expected) {
    throw new Error(`smoke test: expected "${expected}", got "${out.trim()}"`);
  }
  console.log(`smoke: ${out.trim()} (${Date.now() - started} ms)`);
});
