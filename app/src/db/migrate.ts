/**
 * Migrations run through a static migration source: the same list under tsx, in the compiled
 * dist/ and in tests, with no file-extension or directory lookups.
 */
import type { Knex } from 'knex';
import * as init from './migrations/0001_init.js';

const MIGRATIONS: Record<string, Knex.Migration> = {
  '0001_init': init,
};

/** The knex migration source listing every migration in order. */
export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return Object.keys(MIGRATIONS).sort();
  },
  getMigrationName(name) {
    return name;
  },
  async getMigration(name) {
    const migration = MIGRATIONS[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return migration;
  },
};

/**
 * Brings the schema up to date; returns the names of the migrations it applied.
 * Safe to run concurrently from several replicas: knex takes a migration lock.
 */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
