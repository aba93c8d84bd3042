import assert from 'node:assert/strict';
import { createClient } from 'redis';
import pg from 'pg';
import { createDatabase } from './support/servers.js';

describe('test servers', () => {
  it('provides a real PostgreSQL server and fresh databases on it', async () => {
    const url = process.env.TEST_DATABASE_URL;
    assert.ok(url, 'TEST_DATABASE_URL is set by the global fixture');
    const db = await createDatabase(url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ v: string }>(
      "select current_setting('server_version') as v",
    );
    await client.end();
    await db.drop();
    assert.match(rows[0]?.v ?? '', /^\d+/);
  });

  it('provides a real Redis server', async () => {
    const client = createClient({ url: process.env.TEST_REDIS_URL });
    await client.connect();
    assert.equal(await client.ping(), 'PONG');
    await client.quit();
  });
});
