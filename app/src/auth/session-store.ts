/**
 * Sessions table access. Only the sha256 of a token is stored, so a database leak does not hand
 * out live sessions.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from '../db/index.js';
import type { User } from '../users/store.js';

interface SessionRow {
  id: string;
  token_hash: string;
  user_id: string;
  expires_at: Date | number;
  created_at: Date | number;
}

/** A session found by its token hash, with its user. */
export interface SessionWithUser {
  sessionId: string;
  expiresAt: Date;
  user: User;
}

/** Reads and writes the sessions table. */
export class SessionStore {
  constructor(private readonly db: Knex) {}

  /** Stores a new session for the user; returns its id. */
  async create(userId: string, tokenHash: string, expiresAt: Date): Promise<string> {
    const id = randomUUID();
    await this.db<SessionRow>('sessions').insert({
      id,
      token_hash: tokenHash,
      user_id: userId,
      expires_at: expiresAt,
      created_at: new Date(),
    });
    return id;
  }

  /** The session (expired or not) with this token hash and its user, or undefined. */
  async findByTokenHash(tokenHash: string): Promise<SessionWithUser | undefined> {
    const row = await this.db('sessions as s')
      .join('users as u', 'u.id', 's.user_id')
      .where('s.token_hash', tokenHash)
      .first<{ id: string; expires_at: Date | number; user_id: string; username: string }>(
        's.id',
        's.expires_at',
        's.user_id',
        'u.username',
      );
    if (!row) return undefined;
    return {
      sessionId: row.id,
      expiresAt: new Date(row.expires_at),
      user: { id: row.user_id, username: row.username },
    };
  }

  /** Deletes the session with this token hash (logout); true when one existed. */
  async deleteByTokenHash(tokenHash: string): Promise<boolean> {
    return (await this.db('sessions').where({ token_hash: tokenHash }).delete()) > 0;
  }

  /** Removes sessions that expired before `now`; returns how many. */
  async deleteExpired(now = new Date()): Promise<number> {
    return this.db('sessions').where('expires_at', '<', now).delete();
  }
}
