/**
 * Runs a suite once per database engine: a fresh PostgreSQL database on the test server
 * (TEST_DATABASE_URL from the global fixture) and a fresh SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseTarget } from '../../src/config/index.js';
import { createDb, migrateLatest, type Knex } from '../../src/db/index.js';
import { createDatabase } from '../../../test/support/servers.js';

/** One engine under test. */
export interface TestDb {
  engine: 'postgres' | 'sqlite';
  target: DatabaseTarget;
  /** DATABASE_URL form of the target. */
  url: string;
  cleanup(): Promise<void>;
}

/** Creates an empty database of the engine. */
export async function createTestDatabase(engine: TestDb['engine']): Promise<TestDb> {
  if (engine === 'postgres') {
    const server = process.env.TEST_DATABASE_URL;
    if (!server)
      throw new Error('TEST_DATABASE_URL is not set: run through the mocha global fixture');
    const created = await createDatabase(server);
    return {
      engine,
      target: { client: 'pg', connectionString: created.url },
      url: created.url,
      cleanup: () => created.drop(),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'aichat-sqlite-'));
  const filename = join(dir, 'test.sqlite');
  return {
    engine,
    target: { client: 'better-sqlite3', filename },
    url: `sqlite:${filename}`,
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Declares `suite` once per engine with a migrated knex handle (available from `before`).
 * @example forEachDatabase('stores', (ctx) => { it('...', async () => ctx.db ...) })
 */
export function forEachDatabase(
  title: string,
  suite: (ctx: { db: Knex; testDb: TestDb }) => void,
): void {
  for (const engine of ['postgres', 'sqlite'] as const) {
    describe(`${title} [${engine}]`, function () {
      const ctx = {} as { db: Knex; testDb: TestDb };
      before(async () => {
        ctx.testDb = await createTestDatabase(engine);
        ctx.db = createDb(ctx.testDb.target);
        await migrateLatest(ctx.db);
      });
      after(async () => {
        await ctx.db?.destroy();
        await ctx.testDb?.cleanup();
      });
      suite(ctx);
    });
  }
}
