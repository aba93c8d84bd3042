/** Users table access. Usernames are unique case-insensitively. */
import { randomUUID } from 'node:crypto';
import type { Knex } from '../db/index.js';

/** A user as the API shows it. */
export interface User {
  id: string;
  username: string;
}

interface UserRow {
  id: string;
  username: string;
  username_key: string;
  password_hash: string;
  created_at: Date | number;
}

/** Reads and writes the users table. */
export class UserStore {
  constructor(private readonly db: Knex) {}

  /** Inserts a user; a taken username surfaces as the database's unique violation. */
  async create(username: string, passwordHash: string): Promise<User> {
    const id = randomUUID();
    await this.db<UserRow>('users').insert({
      id,
      username,
      username_key: username.toLowerCase(),
      password_hash: passwordHash,
      created_at: new Date(),
    });
    return { id, username };
  }

  /** The user and stored hash for a login attempt, or undefined. */
  async findForLogin(username: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const row = await this.db<UserRow>('users')
      .where({ username_key: username.toLowerCase() })
      .first();
    return row && { user: { id: row.id, username: row.username }, passwordHash: row.password_hash };
  }

  /** The user with this id, or undefined. */
  async findById(id: string): Promise<User | undefined> {
    const row = await this.db<UserRow>('users').where({ id }).first('id', 'username');
    return row && { id: row.id, username: row.username };
  }
}
