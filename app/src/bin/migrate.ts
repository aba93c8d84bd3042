/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL and exits.
 * Exit code 1 with a clear message when the configuration is invalid or the database fails.
 */
import { ConfigError, loadConfig } from '../config/index.js';
import { createDb, migrateLatest } from '../db/index.js';
import { createLogger } from '../logger.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  const db = createDb(config.database);
  try {
    const applied = await migrateLatest(db);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
    return 0;
  } catch (err) {
    logger.error({ err }, 'migration failed');
    return 1;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
