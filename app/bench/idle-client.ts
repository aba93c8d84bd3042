/**
 * Benchmark (b) client process: opens authenticated sockets for jobs[start, end) of <jobs.json>
 * (a bounded number of handshakes at a time), reports "ready" over IPC and then idles.
 * Usage: tsx idle-client.ts <jobs.json> <start> <end>
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { BenchJob } from './common.js';

const [file, start, end] = process.argv.slice(2);
const { url, jobs } = JSON.parse(readFileSync(file ?? '', 'utf8')) as {
  url: string;
  jobs: BenchJob[];
};
const mine = jobs.slice(Number(start), Number(end));
const sockets: WebSocket[] = [];

function open(job: BenchJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?token=${job.token}`);
    sockets.push(ws);
    ws.once('error', reject);
    ws.on('message', (data) => {
      if (String(data).startsWith('{"type":"ready"')) resolve();
    });
  });
}

let next = 0;
async function worker(): Promise<void> {
  while (next < mine.length) {
    const job = mine[next++];
    if (job) await open(job);
  }
}
await Promise.all(Array.from({ length: 100 }, worker));
process.send?.({ ready: sockets.length });
