import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../support/app.js';

/**
 * Debian's nodejs 20 parses some methods (QUERY) without naming them: `req.method` is undefined.
 * This server reproduces that on any Node build, for requests carrying a test header.
 */
describe('requests whose method Node leaves unnamed', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  before(async () => {
    t = await createTestApp('sqlite');
    server = createServer((req, res) => {
      if (req.headers['x-test-unnamed-method']) {
        (req as { method?: string }).method = undefined;
      }
      void t.callback(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  for (const path of ['/health', '/api/auth/login', '/api/conversations']) {
    it(`answers 405 method_not_allowed on ${path}, not a 500`, async () => {
      const res = await fetch(base + path, {
        method: 'POST',
        headers: { 'x-test-unnamed-method': '1', 'content-type': 'application/json' },
        body: '{"username":"000","password":"xxxxxxxxxx"}',
      });
      assert.equal(res.status, 405);
      const body = (await res.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'method_not_allowed');
    });
  }

  it('is still healthy afterwards', async () => {
    assert.equal((await fetch(`${base}/health`)).status, 200);
  });
});
