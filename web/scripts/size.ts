/**
 * Prints the initial JavaScript and CSS the browser downloads for the first paint (everything
 * index.html references: scripts, module preloads, stylesheets), gzipped, against the budgets.
 * Lazily loaded chunks are listed separately. Run `npm run build -w web` first.
 * Exit code 1 when a budget is exceeded, so CI can gate on it.
 */
/* eslint-disable no-console -- a CLI report: printing is its job */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = { js: 60 * 1024, css: 15 * 1024 };
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Local asset paths referenced by an HTML document (src= and href=), without leading slash. */
export function referencedAssets(html: string): string[] {
  const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  return refs.filter((r) => !/^[a-z]+:/i.test(r)).map((r) => r.replace(/^\//, ''));
}

const gz = (file: string) => gzipSync(readFileSync(join(dist, file))).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = referencedAssets(html);
const js = initial.filter((f) => f.endsWith('.js'));
const css = initial.filter((f) => f.endsWith('.css'));
const jsTotal = js.reduce((n, f) => n + gz(f), 0);
const cssTotal = css.reduce((n, f) => n + gz(f), 0);
const lazy = readdirSync(join(dist, 'assets'))
  .map((f) => `assets/${f}`)
  .filter((f) => f.endsWith('.js') && !js.includes(f));

console.log('initial JS  (gzip):', kb(jsTotal), `budget ${kb(BUDGET.js)}`, `(${js.join(', ')})`);
console.log('initial CSS (gzip):', kb(cssTotal), `budget ${kb(BUDGET.css)}`, `(${css.join(', ')})`);
for (const f of lazy) console.log(`lazy chunk  (gzip): ${kb(gz(f))} ${f}`);
const over = jsTotal > BUDGET.js || cssTotal > BUDGET.css;
console.log(over ? 'OVER BUDGET' : 'within budget');
process.exitCode = over ? 1 : 0;
