/**
 * The production nginx configuration (web/nginx.conf) with Debian's nginx: SPA fallback, cache
 * headers (immutable hashed assets, no-cache shell and config.js), security headers, and the
 * app working in Chromium under that Content-Security-Policy with zero violations.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startBackend, type Backend } from './support/backend.js';
import { launchBrowser, newContext } from './support/browser.js';
import { buildWeb } from './support/build.js';
import { startNginx, type Nginx } from './support/nginx.js';
import { WEB_DIST } from './support/paths.js';
import { authenticate, newChat, send, waitForReply } from './support/ui.js';

describe('web E2E: production nginx config', function () {
  this.timeout(120000);
  let backend: Backend;
  let nginx: Nginx;
  let browser: Browser;

  before(async () => {
    await buildWeb();
    backend = await startBackend('nginx');
    const up = backend.url;
    // The image itself serves only static files; here the API is proxied like an ingress would.
    nginx = await startNginx(`
      location /api/ {
        proxy_pass ${up};
        proxy_set_header Host $http_host;
      }
      location = /ws {
        proxy_pass ${up};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_set_header Host $http_host;
      }`);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await nginx?.stop();
    await backend?.dispose();
  });

  it('serves the shell and config.js uncached, with security headers and a strict CSP', async () => {
    for (const path of ['/', '/index.html', '/config.js', '/c/some-conversation']) {
      const res = await fetch(`${nginx.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self';/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
    }
    const spa = await (await fetch(`${nginx.url}/c/some-conversation`)).text();
    assert.match(spa, /<div id="app">/, 'client routes fall back to index.html');
  });

  it('caches hashed assets for a year and 404s missing ones instead of serving the shell', async () => {
    const asset = readdirSync(join(WEB_DIST, 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await fetch(`${nginx.url}/assets/${asset}`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.ok(res.headers.get('content-security-policy'));
    const missing = await fetch(`${nginx.url}/assets/index-deadbeef.js`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('cache-control'), null, 'a 404 is not cached for a year');
  });

  it('the app works in Chromium under the CSP without a single violation', async () => {
    const ctx = await newContext(browser, nginx.url);
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as { __csp?: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(
          `${e.violatedDirective} ${e.blockedURI}`,
        );
      });
    });
    await authenticate(page, 'register', 'nginx_user', 'nginx password 1');
    await newChat(page);
    await waitForReply(
      page,
      await send(page, 'Under CSP with `code` and\n```js\nconst a = 1;\n```'),
    );
    await page.locator('.hljs-keyword').first().waitFor();
    const seen = await page.evaluate(() => (window as { __csp?: string[] }).__csp ?? []);
    assert.deepEqual([...violations, ...seen], []);
    await ctx.close();
  });
});
