/**
 * Benchmark (b) server process: our app over SQLite with `users × perUser` sessions; writes the
 * sessions to <jobs.json>, then answers "measure" (IPC) with its RSS after a full GC.
 * Usage: node --expose-gc --import tsx idle-server.ts <jobs.json> <users> <perUser>
 */
import { writeFileSync } from 'node:fs';
import { benchProvider, startBenchApp } from './common.js';

const [file, users, perUser] = process.argv.slice(2);
const app = await startBenchApp(benchProvider({ tokens: 1, paceMs: 0 }));
const jobs = await app.jobs(Number(users), Number(perUser), false);
writeFileSync(file ?? '', JSON.stringify({ url: app.url, jobs }));

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', async (msg) => {
  if (msg !== 'measure') return;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  const open = (await app.deps.metrics.wsOpen.get()).values[0]?.value ?? 0;
  process.send?.({
    rss: process.memoryUsage().rss,
    heapUsed: process.memoryUsage().heapUsed,
    open,
  });
});
// Killed outright, it left its database directory behind, one per run.
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
process.send?.('ready');
